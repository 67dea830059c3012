#include "tools/simprovince/calendar.h"

#include "gtest/gtest.h"
#include "tools/simprovince/server.h"
#include "tools/simprovince/text_gen.h"

namespace govinspect::simprovince {
namespace {

Day D(const char* s) { return *ParseIsoDate(s); }

TEST(CivilDateTest, RoundTripsAndWeekdays) {
  EXPECT_EQ(FormatIso(D("2020-07-22")), "2020-07-22");
  EXPECT_EQ(Weekday(D("2020-07-22")), 2);  // Wednesday
  EXPECT_EQ(FormatIso(AddMonths(D("2020-08-31"), -6)), "2020-02-29");
  EXPECT_EQ(FormatChinese(D("2020-07-02")), "2020年7月2日");
  EXPECT_FALSE(ParseIsoDate("2020-02-30").ok());
}

TEST(WorkCalendarTest, HolidaysAndMakeUpDays) {
  const WorkCalendar& cal = WorkCalendar::BuiltIn();
  EXPECT_FALSE(cal.IsWorkingDay(D("2020-10-01")));  // 国庆
  EXPECT_FALSE(cal.IsWorkingDay(D("2020-10-08")));
  EXPECT_TRUE(cal.IsWorkingDay(D("2020-09-27")));   // Sunday make-up day
  EXPECT_TRUE(cal.IsWorkingDay(D("2020-06-28")));   // Sunday make-up day (端午)
  EXPECT_FALSE(cal.IsWorkingDay(D("2020-06-27")));  // Saturday
  EXPECT_TRUE(cal.IsWorkingDay(D("2020-06-24")));   // ordinary Wednesday
  EXPECT_FALSE(cal.IsWorkingDay(D("2024-02-12")));  // 春节 Monday
  // Asked Wed 2020-09-30, replied Fri 2020-10-09: one working day, but seven weekdays.
  EXPECT_EQ(cal.WorkingDaysAfter(D("2020-09-30"), D("2020-10-09")), 1);
  EXPECT_EQ(WorkCalendar::WeekdaysAfter(D("2020-09-30"), D("2020-10-09")), 7);
  EXPECT_EQ(cal.AddWorkingDays(D("2020-09-30"), 2), D("2020-10-10"));
  EXPECT_LE(cal.first_covered(), D("2019-01-01"));
  EXPECT_GE(cal.last_covered(), D("2027-10-07"));
}

TEST(WorkCalendarTest, RejectsBadLines) {
  EXPECT_FALSE(WorkCalendar::Parse("2020-01-01 vacation x\n").ok());
  EXPECT_FALSE(WorkCalendar::Parse("2020-13-01 holiday x\n").ok());
  EXPECT_TRUE(WorkCalendar::Parse("# c\n2020-01-01..2020-01-03 holiday 元旦\n").ok());
}

TEST(IdNumberTest, ChecksumAndMasking) {
  EXPECT_EQ(IdCheckChar("11010519491231002"), 'X');  // the GB 11643 standard example
  for (uint64_t h = 1; h < 200; ++h) {
    std::string id = IdNumber(h, "4420");
    ASSERT_EQ(id.size(), 18u);
    EXPECT_EQ(id.back(), IdCheckChar(id.substr(0, 17)));
    EXPECT_EQ(id.substr(0, 4), "4420");
    int year = std::stoi(id.substr(6, 4));
    EXPECT_GE(year, 1950);
    EXPECT_LE(year, 2002);
    EXPECT_TRUE(ParseIsoDate(id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2)).ok()) << id;
    std::string masked = MaskIdNumber(id);
    EXPECT_EQ(masked.substr(10, 4), "****");
    EXPECT_EQ(masked.size(), 18u);
  }
  EXPECT_EQ(MaskMobile("13812345678"), "138****5678");
}

TEST(DiffusedFailureTest, AnyWindowIsWithinOneOverN) {
  for (uint32_t ppm : {40000u, 49000u, 51000u, 60000u, 200000u, 1000000u}) {
    const int total = 2000;
    std::vector<int> fails(total);
    for (int k = 0; k < total; ++k) fails[k] = DiffusedFailure(k, ppm) ? 1 : 0;
    for (int n : {20, 100, 140, 1000}) {
      for (int start = 0; start + n <= total; start += 7) {
        int f = 0;
        for (int k = start; k < start + n; ++k) f += fails[k];
        double ratio = static_cast<double>(f) / n;
        EXPECT_LE(std::abs(ratio - ppm / 1e6), 1.0 / n + 1e-12) << "ppm=" << ppm << " n=" << n << " start=" << start;
      }
    }
  }
}

}  // namespace
}  // namespace govinspect::simprovince
