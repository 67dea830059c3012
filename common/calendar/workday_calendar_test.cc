#include "common/calendar/workday_calendar.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::HasSubstr;

const WorkdayCalendar& Cal() { return WorkdayCalendar::Default(); }

TEST(WorkdayCalendarTest, KnownDatesOf2020) {
  // 2020-01-19 was a Sunday worked in exchange for the Spring Festival.
  EXPECT_EQ(absl::GetWeekday(absl::CivilDay(2020, 1, 19)), absl::Weekday::sunday);
  EXPECT_TRUE(Cal().IsWorkday(absl::CivilDay(2020, 1, 19)));
  // 2020-10-01..08: National Day and Mid-Autumn, including the weekdays.
  for (absl::CivilDay d(2020, 10, 1); d <= absl::CivilDay(2020, 10, 8); ++d) {
    EXPECT_FALSE(Cal().IsWorkday(d)) << d;
  }
  EXPECT_EQ(Cal().HolidayName(absl::CivilDay(2020, 10, 5)), "国庆节、中秋节");
  EXPECT_TRUE(Cal().IsWorkday(absl::CivilDay(2020, 10, 9)));   // Friday
  EXPECT_TRUE(Cal().IsWorkday(absl::CivilDay(2020, 10, 10)));  // Saturday, 调休
  EXPECT_FALSE(Cal().IsWorkday(absl::CivilDay(2020, 10, 11)));  // ordinary Sunday
  EXPECT_TRUE(Cal().IsWorkday(absl::CivilDay(2020, 6, 30)));    // ordinary Tuesday
  EXPECT_FALSE(Cal().IsWorkday(absl::CivilDay(2020, 1, 1)));    // 元旦 (Wednesday)
}

TEST(WorkdayCalendarTest, WorkdaysBetweenCountsAfterTheStartUpToTheEnd) {
  // A message on Wednesday 2020-09-30, replied on Friday 2020-10-09: the whole holiday in between
  // is free; only 10-09 counts.
  EXPECT_EQ(Cal().WorkdaysBetween(absl::CivilDay(2020, 9, 30), absl::CivilDay(2020, 10, 9)), 1);
  // Same weekdays without the calendar would be 7.
  EXPECT_EQ(Cal().WorkdaysBetween(absl::CivilDay(2020, 6, 29), absl::CivilDay(2020, 7, 3)), 4);
  EXPECT_EQ(Cal().WorkdaysBetween(absl::CivilDay(2020, 7, 3), absl::CivilDay(2020, 7, 3)), 0);
  EXPECT_EQ(Cal().WorkdaysBetween(absl::CivilDay(2020, 7, 3), absl::CivilDay(2020, 7, 1)), 0);
  // 2020-01-17 (Fri) → 2020-01-20 (Mon): the Sunday 01-19 is worked.
  EXPECT_EQ(Cal().WorkdaysBetween(absl::CivilDay(2020, 1, 17), absl::CivilDay(2020, 1, 20)), 2);
}

TEST(WorkdayCalendarTest, AddWorkdaysSkipsHolidaysAndUsesMakeUpDays) {
  EXPECT_EQ(Cal().AddWorkdays(absl::CivilDay(2020, 9, 30), 1), absl::CivilDay(2020, 10, 9));
  EXPECT_EQ(Cal().AddWorkdays(absl::CivilDay(2020, 9, 30), 2), absl::CivilDay(2020, 10, 10));
  EXPECT_EQ(Cal().AddWorkdays(absl::CivilDay(2020, 1, 18), 1), absl::CivilDay(2020, 1, 19));
  EXPECT_EQ(Cal().AddWorkdays(absl::CivilDay(2020, 7, 1), 0), absl::CivilDay(2020, 7, 1));
  EXPECT_EQ(Cal().AddWorkdays(absl::CivilDay(2020, 10, 9), -1), absl::CivilDay(2020, 9, 30));
  for (int n = 0; n < 40; ++n) {
    absl::CivilDay from(2020, 9, 20);
    EXPECT_EQ(Cal().WorkdaysBetween(from, Cal().AddWorkdays(from, n)), n);
  }
}

TEST(WorkdayCalendarTest, CoversTheYearsOfTheDataFile) {
  EXPECT_EQ(Cal().first_covered(), absl::CivilDay(2019, 1, 1));
  EXPECT_EQ(Cal().last_covered(), absl::CivilDay(2027, 12, 31));
  EXPECT_FALSE(Cal().Covers(absl::CivilDay(2018, 12, 31)));
  // Outside the data: the weekday rule.
  EXPECT_TRUE(Cal().IsWorkday(absl::CivilDay(2030, 10, 1)));  // a Tuesday
}

TEST(WorkdayCalendarTest, ParseErrorsNameTheLine) {
  EXPECT_THAT(WorkdayCalendar::Parse("# c\n2020-01-01 holiday 元旦\n2020-13-01 holiday x\n", "f.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.txt:3:")));
  EXPECT_THAT(WorkdayCalendar::Parse("2020-01-02 workday x\n", "f.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a Saturday or Sunday")));
  EXPECT_THAT(WorkdayCalendar::Parse("2020-01-01 vacation\n", "f.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.txt:1:")));
  EXPECT_THAT(WorkdayCalendar::Parse("2020-01-01 holiday\n2020-01-01 holiday\n", "f.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
  EXPECT_THAT(WorkdayCalendar::Parse("# nothing\n", "f.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  auto ok = WorkdayCalendar::Parse("2021-02-07 workday 春节调休\n", "f.txt");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->IsWorkday(absl::CivilDay(2021, 2, 7)));
}

}  // namespace
}  // namespace govinspect::common
