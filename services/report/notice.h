#ifndef GOVINSPECT_SERVICES_REPORT_NOTICE_H_
#define GOVINSPECT_SERVICES_REPORT_NOTICE_H_

// The 通报 as a document model, built from a scored round (transport-free, deterministic: the
// same input, templates and report date give the same Notice). Renderers (render_*.h) turn it
// into Markdown, JSON, HTML, PDF and XLSX.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/scoring/v1/scoring_service.pb.h"
#include "services/report/followup.h"
#include "services/report/report_templates.h"

namespace govinspect::report {

struct RoundInfo {
  // rounds/{round}
  std::string name;
  // YYYY-MM-DD
  std::string as_of;
  std::string display_name;
  std::string ruleset;
};

// The previous round of the same scope, for 回头看.
struct PreviousRound {
  RoundInfo round;
  std::vector<common::v1::Observation> observations;
};

// Everything a report is written from.
struct ReportInput {
  RoundInfo round;
  // The round's registry snapshot.
  common::v1::Registry registry;
  scoring::v1::Scoring scoring;
  std::vector<scoring::v1::Scorecard> cards;
  std::vector<common::v1::Observation> observations;
  std::optional<PreviousRound> previous;
};

// A paragraph: `lead` (e.g. "（一）……。", set in bold / 楷体) followed by `text`.
struct Paragraph {
  std::string lead;
  std::string text;
};

struct Section {
  // 一、总体情况
  std::string heading;
  std::vector<Paragraph> paragraphs;
};

// One row of 附件：检查发现存在突出问题的名单.
struct AnnexRow {
  std::string unit;         // short name
  std::string target;       // sites/…, accounts/…, units/…
  std::string target_name;  // 中山市统计局网站 / “市统计局发布”微信公众号
  std::string type_label;   // 网站 / 政务新媒体 / 单位
  std::string problem;
  std::string evidence_url;
};

// A target that could not be assessed (listed, never counted as passed).
struct NotAssessedRow {
  std::string unit;
  std::string target;
  std::string target_name;
  std::string type_label;
  std::string reason;
};

// One finding of the round (the full workbook), or a NOT_ASSESSED target (kind empty).
struct FindingRow {
  std::string sheet;  // 网站 / 政务新媒体 / 单位
  std::string unit;
  std::string target;
  std::string target_name;
  std::string verdict;  // 合格 / 不合格 / 达标 / 不达标 / 无法评估 / 不适用
  std::string kind;
  std::string kind_label;
  std::string indicator;
  std::string rule;  // the rule behind it (indicator name: rule description)
  std::string url;
  std::string source_url;
  std::string text;
  std::string excerpt;
  std::string date;
  std::string detail;
  std::string followup;  // 回头看: 上次已发现 / 新发现 / ""
};

// One line of a unit's rectification sheet.
struct SheetItem {
  std::string target;
  std::string target_name;
  std::string verdict;
  std::string problem;
  std::string evidence;
  std::string rule;
  // "上次检查已发现，仍未整改" when the problem was also found in the previous round.
  std::string followup;
};

// 整改通知单 of one unit.
struct UnitSheet {
  std::string unit;  // units/{unit}
  std::string unit_name;
  std::string short_name;
  std::string intro;
  std::string deadline_cn;
  std::vector<SheetItem> items;
  std::vector<NotAssessedRow> not_assessed;
};

struct Summary {
  int sites_total = 0, sites_passed = 0, sites_failed = 0, sites_not_assessed = 0;
  int accounts_total = 0, accounts_passed = 0, accounts_failed = 0, accounts_not_assessed = 0,
      accounts_not_applicable = 0;
  double site_pass_rate = 0, account_pass_rate = 0;
  std::string site_pass_rate_text, account_pass_rate_text;
  int units_with_problems = 0;
  int findings = 0;
};

struct FollowupSummary {
  std::string previous_round;
  std::string previous_period;
  int previous_total = 0, fixed = 0, still = 0, unverified = 0, added = 0;
  std::vector<FollowupItem> items;
};

struct Notice {
  std::string round;
  std::string as_of;
  std::string ruleset;
  std::string period;       // 2020年第二季度
  std::string report_date;  // YYYY-MM-DD
  std::string report_date_cn;
  std::string title;
  std::string addressee;
  std::string opening;
  std::vector<Section> sections;
  std::string annex_note;  // 附件：检查发现存在突出问题的名单
  std::string office;
  std::string annex_title;
  std::string annex_period;  // （2020年第二季度）
  std::vector<AnnexRow> annex;
  std::vector<NotAssessedRow> not_assessed;
  std::optional<FollowupSummary> followup;
  std::vector<FindingRow> findings;
  std::vector<UnitSheet> sheets;
  Summary summary;
};

// 2020-06-30 → 2020年第二季度 (and "第二季度" in *quarter).
std::string PeriodOf(absl::CivilDay as_of, std::string* quarter = nullptr);
// 2020年7月22日
std::string ChineseDate(absl::CivilDay day);
// 0.925 → 92.5%, 1 → 100%.
std::string Percent(double rate);

// Builds the notice. INVALID_ARGUMENT for a bad as_of or a template that uses a placeholder
// unavailable in its paragraph.
absl::StatusOr<Notice> BuildNotice(const ReportInput& input, const ReportTemplates& templates,
                                   absl::CivilDay report_date);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_NOTICE_H_
