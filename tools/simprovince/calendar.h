// Working-day arithmetic with China's statutory holidays and make-up workdays (调休).
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_CALENDAR_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_CALENDAR_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/simprovince/civil_date.h"

namespace govinspect::simprovince {

class WorkCalendar {
 public:
  // Parses the format of data/cn-workdays.txt.
  static absl::StatusOr<WorkCalendar> Parse(absl::string_view text);
  // The compiled-in copy of data/cn-workdays.txt.
  static const WorkCalendar& BuiltIn();

  bool IsWorkingDay(Day d) const;
  // Working days in (from, to]: the day of the message is not counted, the reply day is.
  // 0 when to <= from.
  int WorkingDaysAfter(Day from, Day to) const;
  // Same count but Monday-Friday only (ignoring holidays and make-up days).
  static int WeekdaysAfter(Day from, Day to);
  // The day on which `n` working days after `from` have elapsed.
  Day AddWorkingDays(Day from, int n) const;

  Day first_covered() const { return first_; }
  Day last_covered() const { return last_; }

 private:
  // +1 = make-up workday, -1 = holiday.
  absl::flat_hash_map<Day, int> overrides_;
  Day first_ = 0;
  Day last_ = 0;
};

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_CALENDAR_H_
