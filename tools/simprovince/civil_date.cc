#include "tools/simprovince/civil_date.h"

#include <cmath>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/simprovince/rng.h"

namespace govinspect::simprovince {

double Rng::LogNormal(double median, double sigma) {
  double z = -6.0;
  for (int i = 0; i < 12; ++i) z += Unit();
  return median * std::exp(sigma * z);
}

// Howard Hinnant's days_from_civil / civil_from_days.
Day DayFromYmd(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

Ymd YmdFromDay(Day z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

int Weekday(Day d) {
  // 1970-01-01 was a Thursday (3).
  int w = (d + 3) % 7;
  return w < 0 ? w + 7 : w;
}

static int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

Day AddMonths(Day d, int months) {
  Ymd ymd = YmdFromDay(d);
  int total = ymd.year * 12 + (ymd.month - 1) + months;
  int y = total / 12;
  int m = total % 12 + 1;
  int day = std::min(ymd.day, DaysInMonth(y, m));
  return DayFromYmd(y, m, day);
}

std::string FormatIso(Day d) {
  Ymd x = YmdFromDay(d);
  return absl::StrFormat("%04d-%02d-%02d", x.year, x.month, x.day);
}
std::string FormatCompact(Day d) {
  Ymd x = YmdFromDay(d);
  return absl::StrFormat("%04d%02d%02d", x.year, x.month, x.day);
}
std::string FormatYearMonth(Day d) {
  Ymd x = YmdFromDay(d);
  return absl::StrFormat("%04d%02d", x.year, x.month);
}
std::string FormatChinese(Day d) {
  Ymd x = YmdFromDay(d);
  return absl::StrFormat("%d年%d月%d日", x.year, x.month, x.day);
}
std::string FormatSlash(Day d) {
  Ymd x = YmdFromDay(d);
  return absl::StrFormat("%04d/%02d/%02d", x.year, x.month, x.day);
}
std::string FormatMonthDay(Day d) {
  Ymd x = YmdFromDay(d);
  return absl::StrFormat("%02d-%02d", x.month, x.day);
}

absl::StatusOr<Day> ParseIsoDate(absl::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return absl::InvalidArgumentError(absl::StrCat("not a YYYY-MM-DD date: \"", s, "\""));
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') {
      return absl::InvalidArgumentError(absl::StrCat("not a YYYY-MM-DD date: \"", s, "\""));
    }
  }
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid date: \"", s, "\""));
  }
  return DayFromYmd(y, m, d);
}

}  // namespace govinspect::simprovince
