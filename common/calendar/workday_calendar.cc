#include "common/calendar/workday_calendar.h"

#include <algorithm>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace govinspect::common {

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth m = absl::CivilMonth(day) + months;
  const int last = static_cast<int>((absl::CivilDay(m + 1) - 1).day());
  return absl::CivilDay(m.year(), m.month(), std::min(static_cast<int>(day.day()), last));
}


extern const char kCnWorkdaysData[];  // generated from common/calendar/data/cn-workdays.txt

namespace {

int64_t Key(absl::CivilDay d) { return d - absl::CivilDay(1970, 1, 1); }

bool ParseIsoDay(absl::string_view s, absl::CivilDay* out) {
  // Strict YYYY-MM-DD (absl::ParseCivilTime normalises 2020-02-30; we refuse it).
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return false;
  *out = day;
  return true;
}

bool IsWeekend(absl::CivilDay d) {
  absl::Weekday w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

}  // namespace

absl::StatusOr<WorkdayCalendar> WorkdayCalendar::Parse(absl::string_view data,
                                                       absl::string_view file_name) {
  WorkdayCalendar cal;
  int line_no = 0;
  bool any = false;
  absl::CivilDay min_day, max_day;
  for (absl::string_view raw : absl::StrSplit(data, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_no, ": ", what));
    };
    if (parts.size() < 2) return error("want DATE[..DATE] holiday|workday [NAME]");
    absl::CivilDay from, to;
    std::vector<absl::string_view> range = absl::StrSplit(parts[0], "..");
    if (range.size() > 2 || !ParseIsoDay(range[0], &from) ||
        !ParseIsoDay(range.size() == 2 ? range[1] : range[0], &to)) {
      return error(absl::StrCat("\"", parts[0], "\" is not a date or DATE..DATE"));
    }
    if (to < from) return error("range ends before it starts");
    if (to - from > 31) return error("range longer than a month");
    bool workday;
    if (parts[1] == "holiday") {
      workday = false;
    } else if (parts[1] == "workday") {
      workday = true;
    } else {
      return error(absl::StrCat("kind \"", parts[1], "\" is neither holiday nor workday"));
    }
    std::string name;
    for (size_t i = 2; i < parts.size(); ++i) absl::StrAppend(&name, i > 2 ? " " : "", parts[i]);
    for (absl::CivilDay d = from; d <= to; ++d) {
      if (cal.overrides_.contains(Key(d))) {
        return error(absl::StrCat(absl::FormatCivilTime(d), " is listed twice"));
      }
      if (workday && !IsWeekend(d)) {
        return error(absl::StrCat(absl::FormatCivilTime(d),
                                  " is a make-up workday but not a Saturday or Sunday"));
      }
      cal.overrides_[Key(d)] = Override{workday, name};
      if (!any || d < min_day) min_day = d;
      if (!any || d > max_day) max_day = d;
      any = true;
    }
  }
  if (!any) return absl::InvalidArgumentError(absl::StrCat(file_name, ": no entries"));
  cal.first_ = absl::CivilDay(min_day.year(), 1, 1);
  cal.last_ = absl::CivilDay(max_day.year(), 12, 31);
  return cal;
}

absl::StatusOr<WorkdayCalendar> WorkdayCalendar::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

const WorkdayCalendar& WorkdayCalendar::Default() {
  static const WorkdayCalendar* cal = [] {
    absl::StatusOr<WorkdayCalendar> c = Parse(kCnWorkdaysData, "cn-workdays.txt (built in)");
    // The built-in data is tested (workday_calendar_test); a parse failure is a build defect.
    if (!c.ok()) std::abort();
    return new WorkdayCalendar(*std::move(c));
  }();
  return *cal;
}

bool WorkdayCalendar::IsWorkday(absl::CivilDay day) const {
  if (auto it = overrides_.find(Key(day)); it != overrides_.end()) return it->second.workday;
  return !IsWeekend(day);
}

std::string WorkdayCalendar::HolidayName(absl::CivilDay day) const {
  if (auto it = overrides_.find(Key(day)); it != overrides_.end() && !it->second.workday) {
    return it->second.name;
  }
  return "";
}

absl::CivilDay WorkdayCalendar::AddWorkdays(absl::CivilDay from, int n) const {
  absl::CivilDay d = from;
  const int step = n >= 0 ? 1 : -1;
  for (int left = n >= 0 ? n : -n; left > 0;) {
    d += step;
    if (IsWorkday(d)) --left;
  }
  return d;
}

int WorkdayCalendar::WorkdaysBetween(absl::CivilDay from, absl::CivilDay to) const {
  int n = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d) n += IsWorkday(d) ? 1 : 0;
  return n;
}

}  // namespace govinspect::common
