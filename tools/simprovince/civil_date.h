// Civil dates as day numbers (days since 1970-01-01), proleptic Gregorian.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_CIVIL_DATE_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_CIVIL_DATE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::simprovince {

using Day = int32_t;  // days since 1970-01-01
inline constexpr Day kNoDay = INT32_MIN;

struct Ymd {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

Day DayFromYmd(int year, int month, int day);
Ymd YmdFromDay(Day d);
// 0 = Monday ... 6 = Sunday.
int Weekday(Day d);
// Same day of month `months` earlier/later, clamped to the month's last day.
Day AddMonths(Day d, int months);

std::string FormatIso(Day d);            // 2020-07-22
std::string FormatCompact(Day d);        // 20200722
std::string FormatYearMonth(Day d);      // 202007
std::string FormatChinese(Day d);        // 2020年7月22日
std::string FormatSlash(Day d);          // 2020/07/22
std::string FormatMonthDay(Day d);       // 07-22

absl::StatusOr<Day> ParseIsoDate(absl::string_view s);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_CIVIL_DATE_H_
