#ifndef GOVINSPECT_COMMON_TEXT_DATE_PARSER_H_
#define GOVINSPECT_COMMON_TEXT_DATE_PARSER_H_

// Dates as Chinese government pages write them, found in free text:
//   2020-07-22   2020/07/22   2020.07.22   2016-10-28 00:00   2020年7月22日   2020年07月22号
//   20200722 (only as a whole token)   [07-22] / 07-22 / 7月22日 (no year: see below)
// A date without a year takes its year from `reference` (the round's 监测时间点): a month-day
// after the reference belongs to the previous year. Impossible dates (2020-02-30) are skipped.
// Full-width digits and separators (２０２０－０７－２２) are accepted.

#include <cstddef>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace govinspect::common {

struct FoundDate {
  absl::CivilDay day;
  // Byte offset and length of the date text.
  size_t offset = 0;
  size_t length = 0;
  // The year was not written (taken from the reference).
  bool year_implied = false;
};

struct DateParseOptions {
  // Resolve month-day dates without a year; when false they are not reported.
  bool month_day = true;
  // Years outside [min_year, max_year] are not dates (phone numbers, counts).
  int min_year = 1949;
  int max_year = 2100;
  size_t max_dates = 64;
};

// Every date in `text`, in order of offset.
std::vector<FoundDate> FindDates(absl::string_view text, absl::CivilDay reference,
                                 const DateParseOptions& options = {});

// The first date in `text`, if any.
std::optional<absl::CivilDay> ParseFirstDate(absl::string_view text, absl::CivilDay reference,
                                             const DateParseOptions& options = {});

// Parses a whole "YYYY-MM-DD" (as stored in protos); nullopt if it is not exactly that.
std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_TEXT_DATE_PARSER_H_
