#include "services/report/followup.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace govinspect::report {
namespace {

enum class Key { kNone, kUrl, kText, kDetail, kAll };

// The match keys of docs/finding-kinds.md (the same table as services/scoring/finding_kinds.cc;
// keep the three in step). Kinds not listed (a ruleset's extra kinds) use all three fields.
Key KeyOfKind(const std::string& kind) {
  static const std::map<std::string, Key>* keys = new std::map<std::string, Key>{
      {"site_unreachable", Key::kNone},        {"home_not_updated", Key::kNone},
      {"column_not_updated", Key::kUrl},       {"blank_column", Key::kUrl},
      {"expression_error", Key::kText},        {"sensitive_word", Key::kText},
      {"abolished_name", Key::kText},          {"privacy_id_number", Key::kText},
      {"privacy_mobile", Key::kText},          {"broken_link", Key::kUrl},
      {"missing_image", Key::kUrl},            {"missing_attachment", Key::kUrl},
      {"message_unanswered", Key::kUrl},       {"no_consultation_channel", Key::kNone},
      {"reply_late", Key::kUrl},               {"message_missing_elements", Key::kUrl},
      {"no_message_statistics", Key::kNone},   {"survey_too_few", Key::kNone},
      {"survey_no_dates", Key::kUrl},          {"survey_feedback_late", Key::kUrl},
      {"survey_feedback_missing", Key::kUrl},  {"survey_feedback_before_document", Key::kUrl},
      {"survey_open_after_end", Key::kUrl},    {"profile_stale", Key::kNone},
      {"domain_irregular", Key::kNone},        {"footer_missing_site_code", Key::kNone},
      {"footer_missing_icp", Key::kNone},      {"footer_missing_police", Key::kNone},
      {"footer_missing_badge", Key::kNone},    {"footer_missing_sponsor", Key::kNone},
      {"footer_missing_sitemap", Key::kNone},  {"footer_missing_error_report", Key::kNone},
      {"no_search", Key::kNone},               {"no_viewport", Key::kNone},
      {"service_guide_incomplete", Key::kUrl}, {"no_service", Key::kNone},
      {"account_not_updated", Key::kNone},     {"account_dormant", Key::kNone},
      {"account_no_interaction", Key::kNone},  {"account_closed_not_deregistered", Key::kNone},
      {"account_filed_late", Key::kNone},      {"account_unfiled", Key::kUrl},
      {"account_duplicate_platform", Key::kDetail}, {"opendata_not_connected", Key::kNone},
      {"opendata_below_quota", Key::kNone},    {"opendata_stale_dataset", Key::kText},
      {"opendata_zero_records", Key::kText},   {"opendata_resource_broken", Key::kUrl},
  };
  auto it = keys->find(kind);
  return it == keys->end() ? Key::kAll : it->second;
}

// Lowercase scheme and host, no default port, no fragment, empty path → "/".
std::string NormalizeUrl(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  if (size_t hash = url.find('#'); hash != absl::string_view::npos) url = url.substr(0, hash);
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(url);
  const size_t path = url.find_first_of("/?", scheme_end + 3);
  std::string head = absl::AsciiStrToLower(url.substr(0, path));
  std::string rest = path == absl::string_view::npos ? "" : std::string(url.substr(path));
  if (rest.empty() || rest[0] == '?') rest = "/" + rest;
  const std::string scheme = head.substr(0, scheme_end);
  for (const auto& [s, port] : {std::pair<const char*, const char*>{"http", ":80"},
                                {"https", ":443"}}) {
    if (scheme == s && head.size() > std::string(port).size() &&
        head.compare(head.size() - std::string(port).size(), std::string::npos, port) == 0) {
      head.resize(head.size() - std::string(port).size());
    }
  }
  return head + rest;
}

std::string Trim(const std::string& s) { return std::string(absl::StripAsciiWhitespace(s)); }

}  // namespace

std::string MatchValue(const common::v1::Finding& f) {
  switch (KeyOfKind(f.kind())) {
    case Key::kNone: return "";
    case Key::kUrl: return NormalizeUrl(f.url());
    case Key::kText: return Trim(f.text());
    case Key::kDetail: return Trim(f.detail());
    case Key::kAll: break;
  }
  return absl::StrCat(NormalizeUrl(f.url()), "|", Trim(f.text()), "|", Trim(f.detail()));
}

ProblemKey KeyOf(const std::string& target, const common::v1::Finding& finding) {
  return ProblemKey{target, finding.kind(), MatchValue(finding)};
}

const char* FollowupStatusLabel(FollowupStatus s) {
  switch (s) {
    case FollowupStatus::kFixed: return "已整改";
    case FollowupStatus::kStill: return "未整改";
    case FollowupStatus::kUnverified: return "无法核实";
    case FollowupStatus::kNew: return "新发现";
  }
  return "";
}

const char* FollowupStatusId(FollowupStatus s) {
  switch (s) {
    case FollowupStatus::kFixed: return "fixed";
    case FollowupStatus::kStill: return "still";
    case FollowupStatus::kUnverified: return "unverified";
    case FollowupStatus::kNew: return "new";
  }
  return "";
}

std::vector<FollowupItem> CompareRounds(const std::vector<common::v1::Observation>& previous,
                                        const std::vector<common::v1::Observation>& current) {
  struct Seen {
    std::string unit;
    const common::v1::Finding* finding;
  };
  auto problems = [](const std::vector<common::v1::Observation>& obs) {
    std::map<ProblemKey, Seen> out;
    for (const auto& o : obs) {
      if (o.status() != common::v1::TARGET_STATUS_ASSESSED) continue;
      for (const auto& f : o.findings()) out.emplace(KeyOf(o.target(), f), Seen{o.unit(), &f});
    }
    return out;
  };
  std::set<std::string> assessed_now;
  for (const auto& o : current) {
    if (o.status() == common::v1::TARGET_STATUS_ASSESSED) assessed_now.insert(o.target());
  }
  const auto before = problems(previous);
  const auto now = problems(current);
  std::vector<FollowupItem> items;
  for (const auto& [key, seen] : before) {
    FollowupItem item;
    item.key = key;
    item.unit = seen.unit;
    auto it = now.find(key);
    if (it != now.end()) {
      item.status = FollowupStatus::kStill;
      item.finding = *it->second.finding;
    } else {
      item.status = assessed_now.count(key.target) ? FollowupStatus::kFixed
                                                   : FollowupStatus::kUnverified;
      item.finding = *seen.finding;
    }
    items.push_back(std::move(item));
  }
  for (const auto& [key, seen] : now) {
    if (before.count(key)) continue;
    FollowupItem item;
    item.status = FollowupStatus::kNew;
    item.key = key;
    item.unit = seen.unit;
    item.finding = *seen.finding;
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const FollowupItem& a, const FollowupItem& b) {
    return std::tie(a.status, a.key) < std::tie(b.status, b.key);
  });
  return items;
}

}  // namespace govinspect::report
