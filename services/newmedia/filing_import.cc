#include "services/newmedia/filing_import.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/csv/csv_reader.h"
#include "services/newmedia/platform_adapter.h"

namespace govinspect::newmedia {
namespace {

enum Column { kUnit, kPlatform, kAccountId, kName, kOpened, kFiled, kClosed, kColumns };
const char* kColumnNames[kColumns] = {"unit", "platform", "platform_account_id", "name",
                                      "opened_date", "filed_date", "closed_date"};

int ColumnOf(const std::string& header) {
  static const std::map<std::string, int>* aliases = new std::map<std::string, int>{
      {"unit", kUnit}, {"unit_id", kUnit}, {"unit_name", kUnit}, {"单位", kUnit},
      {"单位名称", kUnit}, {"主办单位", kUnit}, {"开设单位", kUnit}, {"开设主体", kUnit},
      {"platform", kPlatform}, {"平台", kPlatform}, {"平台类型", kPlatform},
      {"账号类型", kPlatform}, {"所属平台", kPlatform},
      {"platform_account_id", kAccountId}, {"account_id", kAccountId}, {"账号id", kAccountId},
      {"账号ID", kAccountId}, {"账号", kAccountId}, {"平台账号", kAccountId},
      {"原始id", kAccountId}, {"原始ID", kAccountId},
      {"name", kName}, {"账号名称", kName}, {"名称", kName},
      {"opened_date", kOpened}, {"开设日期", kOpened}, {"开通日期", kOpened},
      {"开设时间", kOpened}, {"开通时间", kOpened},
      {"filed_date", kFiled}, {"备案日期", kFiled}, {"备案时间", kFiled},
      {"closed_date", kClosed}, {"注销日期", kClosed}, {"关停日期", kClosed},
      {"注销时间", kClosed}, {"关停时间", kClosed}};
  std::string h(absl::StripAsciiWhitespace(header));
  if (auto it = aliases->find(h); it != aliases->end()) return it->second;
  if (auto it = aliases->find(absl::AsciiStrToLower(h)); it != aliases->end()) return it->second;
  return -1;
}

common::v1::Platform PlatformOf(const std::string& value) {
  static const std::map<std::string, common::v1::Platform>* names =
      new std::map<std::string, common::v1::Platform>{
          {"wechat", common::v1::PLATFORM_WECHAT}, {"微信", common::v1::PLATFORM_WECHAT},
          {"微信公众号", common::v1::PLATFORM_WECHAT}, {"公众号", common::v1::PLATFORM_WECHAT},
          {"weibo", common::v1::PLATFORM_WEIBO}, {"微博", common::v1::PLATFORM_WEIBO},
          {"新浪微博", common::v1::PLATFORM_WEIBO},
          {"douyin", common::v1::PLATFORM_DOUYIN}, {"抖音", common::v1::PLATFORM_DOUYIN},
          {"toutiao", common::v1::PLATFORM_TOUTIAO}, {"今日头条", common::v1::PLATFORM_TOUTIAO},
          {"头条号", common::v1::PLATFORM_TOUTIAO}, {"头条", common::v1::PLATFORM_TOUTIAO},
          {"app", common::v1::PLATFORM_APP}, {"移动客户端", common::v1::PLATFORM_APP},
          {"客户端", common::v1::PLATFORM_APP},
          {"other", common::v1::PLATFORM_OTHER}, {"其他", common::v1::PLATFORM_OTHER}};
  std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  if (auto it = names->find(v); it != names->end()) return it->second;
  return common::v1::PLATFORM_UNSPECIFIED;
}

const char* IdSuffix(common::v1::Platform p) {
  switch (p) {
    case common::v1::PLATFORM_WECHAT: return "wx";
    case common::v1::PLATFORM_WEIBO: return "wb";
    case common::v1::PLATFORM_DOUYIN: return "dy";
    case common::v1::PLATFORM_TOUTIAO: return "tt";
    case common::v1::PLATFORM_APP: return "app";
    default: return "other";
  }
}

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  return absl::StrCat("\"", absl::StrReplaceAll(v, {{"\"", "\"\""}}), "\"");
}

}  // namespace

absl::StatusOr<std::string> NormalizeDate(absl::string_view value) {
  std::string v(absl::StripAsciiWhitespace(value));
  if (v.empty()) return std::string();
  // Drop a time part ("2020-06-30 10:00:00", "2020-06-30T10:00").
  if (size_t cut = v.find_first_of(" T"); cut != std::string::npos) v = v.substr(0, cut);
  v = absl::StrReplaceAll(v, {{"年", "-"}, {"月", "-"}, {"日", ""}, {"/", "-"}, {".", "-"}});
  std::vector<std::string> parts = absl::StrSplit(v, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].empty() || parts[1].size() > 2 ||
      parts[2].empty() || parts[2].size() > 2 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not a date"));
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d || y < 1990 || y > 2100) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not a real date"));
  }
  return absl::FormatCivilTime(day);
}

absl::StatusOr<std::vector<common::v1::Account>> ImportFilingRecords(
    absl::string_view csv, absl::string_view file_name,
    const std::vector<common::v1::Unit>& units) {
  absl::StatusOr<std::vector<common::CsvRow>> rows = common::ParseCsv(csv, file_name);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": empty file (no header)"));
  }
  std::vector<std::string> errors;
  constexpr size_t kMaxErrors = 100;
  auto error = [&](int line, absl::string_view field, absl::string_view what) {
    if (errors.size() < kMaxErrors) {
      errors.push_back(field.empty() ? absl::StrCat(file_name, ":", line, ": ", what)
                                     : absl::StrCat(file_name, ":", line, ": field ", field, ": ",
                                                    what));
    }
  };
  // Header.
  const common::CsvRow& header = (*rows)[0];
  std::vector<int> column(header.fields.size(), -1);
  std::vector<int> index(kColumns, -1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    int c = ColumnOf(header.fields[i]);
    if (c < 0) {
      error(header.line, header.fields[i], "unknown column");
      continue;
    }
    if (index[c] >= 0) {
      error(header.line, header.fields[i],
            absl::StrCat("a second column for ", kColumnNames[c]));
      continue;
    }
    index[c] = static_cast<int>(i);
    column[i] = c;
  }
  for (int c : {kUnit, kPlatform, kAccountId, kName}) {
    if (index[c] < 0) error(header.line, kColumnNames[c], "required column missing");
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }
  // Units by full name, short name and id.
  std::map<std::string, const common::v1::Unit*> unit_by_key;
  for (const auto& u : units) {
    std::string id(absl::StripPrefix(u.name(), "units/"));
    unit_by_key.emplace(u.display_name(), &u);
    if (!u.short_name().empty()) unit_by_key.emplace(u.short_name(), &u);
    unit_by_key.emplace(id, &u);
    unit_by_key.emplace(u.name(), &u);
  }
  std::vector<common::v1::Account> out;
  std::map<std::pair<int, std::string>, int> first_line;  // (platform, account id) → line
  std::map<std::string, int> per_unit_platform;
  for (size_t r = 1; r < rows->size(); ++r) {
    const common::CsvRow& row = (*rows)[r];
    auto get = [&](int c) -> std::string {
      if (index[c] < 0 || static_cast<size_t>(index[c]) >= row.fields.size()) return "";
      return std::string(absl::StripAsciiWhitespace(row.fields[index[c]]));
    };
    if (row.fields.size() != header.fields.size()) {
      error(row.line, "", absl::StrCat("want ", header.fields.size(), " fields, got ",
                                        row.fields.size()));
      continue;
    }
    const size_t errors_before = errors.size();
    common::v1::Account a;
    const std::string unit_value = get(kUnit);
    const common::v1::Unit* unit = nullptr;
    if (unit_value.empty()) {
      error(row.line, kColumnNames[kUnit], "empty");
    } else if (auto it = unit_by_key.find(unit_value); it == unit_by_key.end()) {
      error(row.line, kColumnNames[kUnit], absl::StrCat("\"", unit_value, "\" is not a known unit"));
    } else {
      unit = it->second;
    }
    const std::string platform_value = get(kPlatform);
    common::v1::Platform platform = PlatformOf(platform_value);
    if (platform == common::v1::PLATFORM_UNSPECIFIED) {
      error(row.line, kColumnNames[kPlatform],
            absl::StrCat("\"", platform_value,
                         "\" is not a platform (微信/微博/抖音/今日头条/移动客户端/其他)"));
    }
    const std::string pid = get(kAccountId);
    if (pid.empty()) error(row.line, kColumnNames[kAccountId], "empty");
    const std::string name = get(kName);
    if (name.empty()) error(row.line, kColumnNames[kName], "empty");
    std::string dates[3];
    const int date_cols[3] = {kOpened, kFiled, kClosed};
    for (int k = 0; k < 3; ++k) {
      absl::StatusOr<std::string> d = NormalizeDate(get(date_cols[k]));
      if (!d.ok()) {
        error(row.line, kColumnNames[date_cols[k]], d.status().message());
      } else {
        dates[k] = *d;
      }
    }
    if (!dates[0].empty() && !dates[1].empty() && dates[1] < dates[0]) {
      error(row.line, kColumnNames[kFiled],
            absl::StrCat("filed ", dates[1], " before it was opened ", dates[0]));
    }
    if (!dates[0].empty() && !dates[2].empty() && dates[2] < dates[0]) {
      error(row.line, kColumnNames[kClosed],
            absl::StrCat("closed ", dates[2], " before it was opened ", dates[0]));
    }
    if (!pid.empty() && platform != common::v1::PLATFORM_UNSPECIFIED) {
      auto [it, inserted] = first_line.insert({{static_cast<int>(platform), pid}, row.line});
      if (!inserted) {
        error(row.line, kColumnNames[kAccountId],
              absl::StrCat("\"", pid, "\" is filed twice (first on line ", it->second, ")"));
      }
    }
    if (errors.size() != errors_before || unit == nullptr) continue;
    std::string unit_id(absl::StripPrefix(unit->name(), "units/"));
    int nth = ++per_unit_platform[absl::StrCat(unit_id, "/", IdSuffix(platform))];
    a.set_name(absl::StrCat("accounts/", unit_id, "-", IdSuffix(platform),
                            nth > 1 ? absl::StrCat(nth) : ""));
    a.set_unit(unit->name());
    a.set_platform(platform);
    a.set_platform_account_id(pid);
    a.set_display_name(name);
    a.set_opened_date(dates[0]);
    a.set_filed_date(dates[1]);
    a.set_closed_date(dates[2]);
    out.push_back(std::move(a));
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }
  return out;
}

std::string AccountsCsv(const std::vector<common::v1::Account>& accounts) {
  std::string out =
      "account_id,unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date\n";
  for (const auto& a : accounts) {
    absl::StrAppend(&out, CsvField(std::string(absl::StripPrefix(a.name(), "accounts/"))), ",",
                    CsvField(std::string(absl::StripPrefix(a.unit(), "units/"))), ",",
                    PlatformId(a.platform()), ",", CsvField(a.platform_account_id()), ",",
                    CsvField(a.display_name()), ",", a.opened_date(), ",", a.filed_date(), ",",
                    a.closed_date(), "\n");
  }
  return out;
}

}  // namespace govinspect::newmedia
