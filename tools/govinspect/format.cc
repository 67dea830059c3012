#include "tools/govinspect/format.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace govinspect::cli {
namespace {

using ::govinspect::coordinator::v1::Round;
using ::govinspect::coordinator::v1::TaskKind;
using ::govinspect::coordinator::v1::TaskProgress;

// Decodes one UTF-8 sequence at `s[*i]`; returns -1 (and advances one byte) when invalid.
int32_t NextCodePoint(absl::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  int len;
  int32_t cp;
  if (b0 < 0x80) {
    ++*i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++*i;
    return -1;
  }
  if (*i + len > s.size()) {
    ++*i;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *i += len;
  return cp;
}

int CodePointWidth(int32_t cp) {
  if (cp < 0) return 1;
  if (cp == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  // Combining marks and zero-width characters.
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF ||
      (cp >= 0xFE00 && cp <= 0xFE0F)) {
    return 0;
  }
  // East Asian Wide and Fullwidth ranges (the ones that occur in Chinese text).
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

nlohmann::ordered_json FindingJson(const common::v1::Finding& f) {
  return nlohmann::ordered_json{
      {"kind", f.kind()}, {"indicator", f.indicator()},
      {"url", f.url()},   {"source_url", f.source_url()},
      {"text", f.text()}, {"excerpt", f.excerpt()},
      {"date", f.date()}, {"detail", f.detail()},
  };
}

}  // namespace

int DisplayWidth(absl::string_view utf8) {
  int width = 0;
  size_t i = 0;
  while (i < utf8.size()) width += CodePointWidth(NextCodePoint(utf8, &i));
  return width;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::Render(std::ostream& out) const {
  std::vector<int> widths(headers_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  };
  if (show_header_) measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto write = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) {
        line.append(static_cast<size_t>(widths[c] - DisplayWidth(row[c]) + 2), ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  if (show_header_) write(headers_);
  for (const auto& row : rows_) write(row);
}

void RenderFields(std::ostream& out,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
  int width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, DisplayWidth(key));
  for (const auto& [key, value] : fields) {
    out << key << std::string(static_cast<size_t>(width - DisplayWidth(key) + 2), ' ') << value
        << '\n';
  }
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot convert ", message.GetTypeName(), " to JSON: ", status.ToString()));
  }
  return out;
}

std::string RoundStateName(Round::State state) {
  const std::string& name = Round::State_Name(state);
  return name.empty() ? absl::StrCat("STATE_", static_cast<int>(state)) : name;
}

std::string TaskKindName(TaskKind kind) {
  switch (kind) {
    case coordinator::v1::TASK_KIND_CRAWL: return "crawl";
    case coordinator::v1::TASK_KIND_ACCOUNT: return "account";
    case coordinator::v1::TASK_KIND_PORTAL: return "portal";
    default: return "unspecified";
  }
}

bool IsTerminal(Round::State state) {
  return state == Round::DONE || state == Round::FAILED || state == Round::CANCELLED;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  // China has a single zone without DST; a fixed offset needs no tzdata.
  static const absl::TimeZone kBeijing = absl::FixedTimeZone(8 * 60 * 60);
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(ts.seconds()), kBeijing);
}

std::string ProgressLine(const Round& round, int bar_width) {
  return absl::StrCat(round.name(), " ", RoundStateName(round.state()), " ",
                      ProgressBar(round, bar_width));
}

std::string ProgressBar(const Round& round, int bar_width) {
  int64_t total = 0;
  int64_t finished = 0;
  int64_t dead = 0;
  std::vector<std::string> kinds;
  for (const TaskProgress& p : round.progress()) {
    total += p.total();
    finished += p.done() + p.dead();
    dead += p.dead();
    kinds.push_back(absl::StrCat(TaskKindName(p.kind()), " ", p.done() + p.dead(), "/", p.total()));
  }
  int filled = 0;
  if (total > 0) {
    filled = static_cast<int>(std::min<int64_t>(bar_width, finished * bar_width / total));
  } else if (IsTerminal(round.state())) {
    filled = bar_width;
  }
  std::string line = absl::StrCat("[", std::string(static_cast<size_t>(filled), '#'),
                                  std::string(static_cast<size_t>(bar_width - filled), '.'), "] ",
                                  finished, "/", total);
  if (!kinds.empty()) absl::StrAppend(&line, " ", absl::StrJoin(kinds, " "));
  if (dead > 0) absl::StrAppend(&line, " dead ", dead);
  return line;
}

std::string ResourceId(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

absl::StatusOr<std::string> ExportDocument(
    const Round& round, const std::vector<common::v1::Observation>& observations) {
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const common::v1::Observation& o : observations) {
    nlohmann::ordered_json t;
    t["target"] = o.target();
    t["unit"] = o.unit();
    std::string reason = o.not_assessed_reason();
    switch (o.status()) {
      case common::v1::TARGET_STATUS_ASSESSED: t["status"] = "ASSESSED"; break;
      case common::v1::TARGET_STATUS_NOT_ASSESSED: t["status"] = "NOT_ASSESSED"; break;
      default:
        // A target the worker did not classify can be neither a pass nor a fail.
        t["status"] = "NOT_ASSESSED";
        if (reason.empty()) reason = "status_unspecified";
        break;
    }
    t["not_assessed_reason"] = reason;
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const common::v1::Finding& f : o.findings()) findings.push_back(FindingJson(f));
    t["findings"] = std::move(findings);

    const google::protobuf::Message* evidence = nullptr;
    std::string evidence_key;
    switch (o.evidence_case()) {
      case common::v1::Observation::kSite:
        evidence = &o.site();
        evidence_key = "site";
        break;
      case common::v1::Observation::kAccount:
        evidence = &o.account();
        evidence_key = "account";
        break;
      case common::v1::Observation::kOpenData:
        evidence = &o.open_data();
        evidence_key = "open_data";
        break;
      default: break;
    }
    if (evidence != nullptr) {
      absl::StatusOr<std::string> json = ToJson(*evidence, /*pretty=*/false);
      if (!json.ok()) {
        return absl::Status(json.status().code(),
                            absl::StrCat(o.target(), ": ", json.status().message()));
      }
      nlohmann::ordered_json parsed =
          nlohmann::ordered_json::parse(*json, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) {
        return absl::InternalError(absl::StrCat(o.target(), ": evidence JSON does not parse"));
      }
      t["evidence"] = nlohmann::ordered_json{{evidence_key, std::move(parsed)}};
    } else {
      t["evidence"] = nullptr;
    }
    targets.push_back(std::move(t));
  }
  nlohmann::ordered_json doc;
  doc["round"] = round.name();
  doc["as_of"] = round.as_of();
  doc["targets"] = std::move(targets);
  // Invalid UTF-8 from a page is replaced rather than thrown on.
  return doc.dump(2, ' ', /*ensure_ascii=*/false,
                  nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace govinspect::cli
