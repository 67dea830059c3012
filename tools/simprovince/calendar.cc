#include "tools/simprovince/calendar.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace govinspect::simprovince {

extern const char kCnWorkdaysData[];

absl::StatusOr<WorkCalendar> WorkCalendar::Parse(absl::string_view text) {
  WorkCalendar cal;
  cal.first_ = INT32_MAX;
  cal.last_ = INT32_MIN;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (parts.size() < 2) {
      return absl::InvalidArgumentError(absl::StrCat("calendar line ", line_no, ": expected DATE KIND NAME"));
    }
    absl::string_view from_s = parts[0], to_s = parts[0];
    size_t dots = parts[0].find("..");
    if (dots != absl::string_view::npos) {
      from_s = parts[0].substr(0, dots);
      to_s = parts[0].substr(dots + 2);
    }
    absl::StatusOr<Day> from = ParseIsoDate(from_s);
    absl::StatusOr<Day> to = ParseIsoDate(to_s);
    if (!from.ok() || !to.ok() || *to < *from) {
      return absl::InvalidArgumentError(absl::StrCat("calendar line ", line_no, ": bad date range"));
    }
    int value;
    if (parts[1] == "holiday") {
      value = -1;
    } else if (parts[1] == "workday") {
      value = +1;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("calendar line ", line_no, ": kind must be holiday|workday"));
    }
    for (Day d = *from; d <= *to; ++d) {
      cal.overrides_[d] = value;
      cal.first_ = std::min(cal.first_, d);
      cal.last_ = std::max(cal.last_, d);
    }
  }
  if (cal.overrides_.empty()) return absl::InvalidArgumentError("calendar is empty");
  return cal;
}

const WorkCalendar& WorkCalendar::BuiltIn() {
  static const WorkCalendar* cal = [] {
    absl::StatusOr<WorkCalendar> c = Parse(kCnWorkdaysData);
    return new WorkCalendar(c.ok() ? *std::move(c) : WorkCalendar());
  }();
  return *cal;
}

bool WorkCalendar::IsWorkingDay(Day d) const {
  auto it = overrides_.find(d);
  if (it != overrides_.end()) return it->second > 0;
  return Weekday(d) < 5;
}

int WorkCalendar::WorkingDaysAfter(Day from, Day to) const {
  int n = 0;
  for (Day d = from + 1; d <= to; ++d) n += IsWorkingDay(d) ? 1 : 0;
  return n;
}

int WorkCalendar::WeekdaysAfter(Day from, Day to) {
  int n = 0;
  for (Day d = from + 1; d <= to; ++d) n += Weekday(d) < 5 ? 1 : 0;
  return n;
}

Day WorkCalendar::AddWorkingDays(Day from, int n) const {
  Day d = from;
  while (n > 0) {
    ++d;
    if (IsWorkingDay(d)) --n;
  }
  return d;
}

}  // namespace govinspect::simprovince
