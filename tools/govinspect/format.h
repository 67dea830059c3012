#ifndef GOVINSPECT_TOOLS_GOVINSPECT_FORMAT_H_
#define GOVINSPECT_TOOLS_GOVINSPECT_FORMAT_H_

// Text and JSON rendering for the CLI: aligned tables (CJK-aware), the round progress line,
// protobuf → JSON, and the round export document (docs/observations-export.md).

#include <google/protobuf/message.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"

namespace govinspect::cli {

// Columns on a terminal taken by UTF-8 text: East Asian wide characters count 2, control and
// combining characters 0, everything else 1. Invalid bytes count 1 each.
int DisplayWidth(absl::string_view utf8);

// A left-aligned text table; columns are padded by display width and separated by two spaces.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  size_t size() const { return rows_.size(); }
  void set_show_header(bool show) { show_header_ = show; }
  // Writes the header and the rows; trailing blanks are trimmed.
  void Render(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  bool show_header_ = true;
};

// "key  value" lines with the keys padded to one display width (for `round get`).
void RenderFields(std::ostream& out,
                  const std::vector<std::pair<std::string, std::string>>& fields);

// Message → JSON with proto field names, defaults included, indented. Fails only on messages
// protobuf cannot print (e.g. out-of-range Timestamps).
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool pretty = true);

// "RUNNING" for Round::RUNNING; "STATE_UNSPECIFIED" for 0.
std::string RoundStateName(coordinator::v1::Round::State state);
// "crawl" / "account" / "portal" / "unspecified".
std::string TaskKindName(coordinator::v1::TaskKind kind);
// True for DONE, FAILED and CANCELLED.
bool IsTerminal(coordinator::v1::Round::State state);

// "2020-06-30 12:00:00 +08:00"-style local time in Asia/Shanghai; "" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);

// One line: `rounds/r1 RUNNING [#########.....] 123/300 crawl 100/200 account 23/100`.
// Done and dead-lettered tasks both count as finished; dead ones are added as `dead N`.
// `bar_width` is the number of cells between the brackets.
std::string ProgressLine(const coordinator::v1::Round& round, int bar_width = 30);
// ProgressLine without the name and state: `[#########.....] 123/300 crawl 100/200 …`.
std::string ProgressBar(const coordinator::v1::Round& round, int bar_width = 30);

// The last component of a resource name: "units/zs-gov" → "zs-gov".
std::string ResourceId(absl::string_view name);

// The round export document of docs/observations-export.md: round, as_of and one entry per
// target (target, unit, status, not_assessed_reason, findings[], evidence). `evidence` holds
// the observation's evidence oneof keyed by its field name ({"site": {...}}), or null.
// Output is UTF-8, indented by two spaces, with a trailing newline.
absl::StatusOr<std::string> ExportDocument(
    const coordinator::v1::Round& round, const std::vector<common::v1::Observation>& observations);

}  // namespace govinspect::cli

#endif  // GOVINSPECT_TOOLS_GOVINSPECT_FORMAT_H_
