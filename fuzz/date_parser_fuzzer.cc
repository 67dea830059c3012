// Fuzz target: dates in free text (common/text/date_parser.h): FindDates, ParseFirstDate and
// ParseIsoDay. Input: a reference-day byte, an options byte, then the text. Found dates lie
// inside the text, come in offset order and within the limits of the options; a date without a
// year is never after the reference and falls in its year or the one before; ParseFirstDate
// agrees with FindDates; a whole ISO day is found as itself.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/text/date_parser.h"
#include "fuzz/fuzz_support.h"

using govinspect::common::DateParseOptions;
using govinspect::common::FoundDate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  govinspect::fuzz::FuzzInput in(data, size);
  const uint8_t r = in.Byte();
  const absl::CivilDay reference = absl::CivilDay(2019, 12, 31) + r * 3;  // 2020-01 .. 2022-02
  const uint8_t o = in.Byte();
  DateParseOptions options;
  options.month_day = (o & 1) == 0;
  if (o & 2) options.min_year = 2000;
  if (o & 4) options.max_year = 2020;
  options.max_dates = (o & 8) ? 3 : 64;
  const absl::string_view text = in.Rest();

  const std::vector<FoundDate> dates = govinspect::common::FindDates(text, reference, options);
  FUZZ_CHECK(dates.size() <= options.max_dates);
  size_t end = 0;
  for (const FoundDate& d : dates) {
    FUZZ_CHECK(d.length > 0);
    FUZZ_CHECK(d.offset <= text.size() && d.length <= text.size() - d.offset);
    FUZZ_CHECK(d.offset >= end);  // in order, not overlapping
    end = d.offset + d.length;
    if (d.year_implied) {
      FUZZ_CHECK(options.month_day);
      FUZZ_CHECK(d.day <= reference);
      // The reference's year, or the one before (02-29 in a year without it: the last 29 Feb).
      FUZZ_CHECK(d.day.year() == reference.year() || d.day.year() == reference.year() - 1);
    } else {
      FUZZ_CHECK(d.day.year() >= options.min_year && d.day.year() <= options.max_year);
    }
  }
  const std::optional<absl::CivilDay> first =
      govinspect::common::ParseFirstDate(text, reference, options);
  FUZZ_CHECK(first.has_value() == !dates.empty());
  if (first.has_value()) FUZZ_CHECK(*first == dates.front().day);

  const std::optional<absl::CivilDay> iso = govinspect::common::ParseIsoDay(text);
  if (iso.has_value()) {
    FUZZ_CHECK(text.size() == 10);
    if (iso->year() >= options.min_year && iso->year() <= options.max_year) {
      FUZZ_CHECK(!dates.empty() && dates.front().day == *iso);
    }
  }
  return 0;
}
