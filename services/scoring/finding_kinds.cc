#include "services/scoring/finding_kinds.h"

#include <algorithm>
#include <iterator>

namespace govinspect::scoring {
namespace {

struct KindSpec {
  absl::string_view kind;
  MatchKey key;
};

// docs/finding-kinds.md, "Kinds" table, in its order.
constexpr KindSpec kKinds[] = {
    {"site_unreachable", MatchKey::kNone},
    {"home_not_updated", MatchKey::kNone},
    {"column_not_updated", MatchKey::kUrl},
    {"blank_column", MatchKey::kUrl},
    {"expression_error", MatchKey::kText},
    {"sensitive_word", MatchKey::kText},
    {"abolished_name", MatchKey::kText},
    {"privacy_id_number", MatchKey::kText},
    {"privacy_mobile", MatchKey::kText},
    {"broken_link", MatchKey::kUrl},
    {"missing_image", MatchKey::kUrl},
    {"missing_attachment", MatchKey::kUrl},
    {"message_unanswered", MatchKey::kUrl},
    {"no_consultation_channel", MatchKey::kNone},
    {"reply_late", MatchKey::kUrl},
    {"message_missing_elements", MatchKey::kUrl},
    {"no_message_statistics", MatchKey::kNone},
    {"survey_too_few", MatchKey::kNone},
    {"survey_no_dates", MatchKey::kUrl},
    {"survey_feedback_late", MatchKey::kUrl},
    {"survey_feedback_missing", MatchKey::kUrl},
    {"survey_feedback_before_document", MatchKey::kUrl},
    {"survey_open_after_end", MatchKey::kUrl},
    {"profile_stale", MatchKey::kNone},
    {"domain_irregular", MatchKey::kNone},
    {"footer_missing_site_code", MatchKey::kNone},
    {"footer_missing_icp", MatchKey::kNone},
    {"footer_missing_police", MatchKey::kNone},
    {"footer_missing_badge", MatchKey::kNone},
    {"footer_missing_sponsor", MatchKey::kNone},
    {"footer_missing_sitemap", MatchKey::kNone},
    {"footer_missing_error_report", MatchKey::kNone},
    {"no_search", MatchKey::kNone},
    {"no_viewport", MatchKey::kNone},
    {"service_guide_incomplete", MatchKey::kUrl},
    {"no_service", MatchKey::kNone},
    {"account_not_updated", MatchKey::kNone},
    {"account_dormant", MatchKey::kNone},
    {"account_no_interaction", MatchKey::kNone},
    {"account_closed_not_deregistered", MatchKey::kNone},
    {"account_filed_late", MatchKey::kNone},
    {"account_unfiled", MatchKey::kUrl},
    {"account_duplicate_platform", MatchKey::kDetail},
    {"opendata_not_connected", MatchKey::kNone},
    {"opendata_below_quota", MatchKey::kNone},
    {"opendata_stale_dataset", MatchKey::kText},
    {"opendata_zero_records", MatchKey::kText},
    {"opendata_resource_broken", MatchKey::kUrl},
};

const KindSpec* Find(absl::string_view kind) {
  auto it = std::find_if(std::begin(kKinds), std::end(kKinds),
                         [kind](const KindSpec& s) { return s.kind == kind; });
  return it == std::end(kKinds) ? nullptr : it;
}

}  // namespace

bool IsKnownFindingKind(absl::string_view kind) { return Find(kind) != nullptr; }

MatchKey MatchKeyOf(absl::string_view kind) {
  const KindSpec* s = Find(kind);
  return s == nullptr ? MatchKey::kAll : s->key;
}

}  // namespace govinspect::scoring
