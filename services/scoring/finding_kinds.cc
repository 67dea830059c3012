#include "services/scoring/finding_kinds.h"

#include <algorithm>
#include <iterator>

namespace govinspect::scoring {
namespace {

// docs/finding-kinds.md, "Kinds" table, in its order.
constexpr absl::string_view kKinds[] = {
    "site_unreachable", "home_not_updated", "column_not_updated", "blank_column",
    "expression_error", "sensitive_word", "abolished_name", "privacy_id_number",
    "privacy_mobile", "broken_link", "missing_image", "missing_attachment",
    "message_unanswered", "no_consultation_channel", "reply_late", "message_missing_elements",
    "no_message_statistics", "survey_too_few", "survey_no_dates", "survey_feedback_late",
    "survey_feedback_missing", "survey_feedback_before_document", "survey_open_after_end",
    "profile_stale", "domain_irregular", "footer_missing_site_code", "footer_missing_icp",
    "footer_missing_police", "footer_missing_badge", "footer_missing_sponsor",
    "footer_missing_sitemap", "footer_missing_error_report", "no_search", "no_viewport",
    "service_guide_incomplete", "no_service", "account_not_updated", "account_dormant",
    "account_no_interaction", "account_closed_not_deregistered", "account_filed_late",
    "account_unfiled", "account_duplicate_platform", "opendata_not_connected",
    "opendata_below_quota", "opendata_stale_dataset", "opendata_zero_records",
    "opendata_resource_broken",
};

}  // namespace

bool IsKnownFindingKind(absl::string_view kind) {
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

}  // namespace govinspect::scoring
