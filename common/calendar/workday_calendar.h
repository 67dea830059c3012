#ifndef GOVINSPECT_COMMON_CALENDAR_WORKDAY_CALENDAR_H_
#define GOVINSPECT_COMMON_CALENDAR_WORKDAY_CALENDAR_H_

// China's working-day calendar: Monday–Friday are working days, Saturday and Sunday rest days,
// except for the statutory holidays (法定节假日) and make-up working days (调休上班) that the State
// Council announces each year. The ONE calendar of govinspect (message reply deadlines, "5 working
// days", …). Data: common/calendar/data/cn-workdays.txt (compiled in; a file in the same format can
// be loaded instead). Format, one entry per line, `#` comments:
//
//   2020-01-19 workday 春节调休
//   2020-10-01..2020-10-08 holiday 国庆节、中秋节
//
// Outside the covered years (first_covered()..last_covered()) the plain weekday rule applies;
// callers that must not guess check Covers().

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace govinspect::common {

// `day` shifted by whole months, the day clamped to the month's length (2020-08-31 − 6 months =
// 2020-02-29): the "N months before the 监测时间点" of the indicators.
absl::CivilDay AddMonths(absl::CivilDay day, int months);

class WorkdayCalendar {
 public:
  // Parses the data format above; errors name `file_name` and the line.
  static absl::StatusOr<WorkdayCalendar> Parse(absl::string_view data,
                                               absl::string_view file_name = "cn-workdays.txt");
  static absl::StatusOr<WorkdayCalendar> LoadFile(const std::string& path);
  // The compiled-in copy of common/calendar/data/cn-workdays.txt (2019–2027).
  static const WorkdayCalendar& Default();

  bool IsWorkday(absl::CivilDay day) const;
  // The statutory holiday name of `day` ("国庆节、中秋节"), or "" when it is none.
  std::string HolidayName(absl::CivilDay day) const;
  // The day on which `n` working days after `from` have elapsed (n ≥ 0; `from` itself never
  // counts). AddWorkdays(d, 0) == d. Negative n counts backwards.
  absl::CivilDay AddWorkdays(absl::CivilDay from, int n) const;
  // Working days in (from, to]: the day of the event is not counted, the last day is (a reply on
  // the 5th working day after the message gives 5). 0 when to <= from.
  int WorkdaysBetween(absl::CivilDay from, absl::CivilDay to) const;

  // Whole years covered by the data.
  absl::CivilDay first_covered() const { return first_; }
  absl::CivilDay last_covered() const { return last_; }
  bool Covers(absl::CivilDay day) const { return day >= first_ && day <= last_; }

 private:
  struct Override {
    bool workday = false;
    std::string name;
  };
  absl::flat_hash_map<int64_t, Override> overrides_;  // key: days since 1970-01-01
  absl::CivilDay first_;
  absl::CivilDay last_;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_CALENDAR_WORKDAY_CALENDAR_H_
