#include "common/text/date_parser.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using absl::CivilDay;

const CivilDay kRef(2020, 6, 30);

std::vector<CivilDay> Days(absl::string_view text) {
  std::vector<CivilDay> out;
  for (const FoundDate& d : FindDates(text, kRef)) out.push_back(d.day);
  return out;
}

TEST(DateParserTest, FormatsOfGovernmentPages) {
  EXPECT_THAT(Days("发布时间：2019-11-29"), testing::ElementsAre(CivilDay(2019, 11, 29)));
  EXPECT_THAT(Days("2016-10-28 00:00"), testing::ElementsAre(CivilDay(2016, 10, 28)));
  EXPECT_THAT(Days("发布日期：2020年7月22日"), testing::ElementsAre(CivilDay(2020, 7, 22)));
  EXPECT_THAT(Days("2020 年 07 月 02 日"), testing::ElementsAre(CivilDay(2020, 7, 2)));
  EXPECT_THAT(Days("信息提供日期：2020/07/22"), testing::ElementsAre(CivilDay(2020, 7, 22)));
  EXPECT_THAT(Days("2020.7.2"), testing::ElementsAre(CivilDay(2020, 7, 2)));
  EXPECT_THAT(Days("t20200722_1234567"), testing::IsEmpty());  // glued to letters and digits
  EXPECT_THAT(Days("20200722"), testing::ElementsAre(CivilDay(2020, 7, 22)));
  EXPECT_THAT(Days("２０２０－０６－１８"), testing::ElementsAre(CivilDay(2020, 6, 18)));
}

TEST(DateParserTest, MonthDayTakesTheYearFromTheReference) {
  // Before the reference: this year; after it: the previous year.
  auto d = FindDates("[06-18]", kRef);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].day, CivilDay(2020, 6, 18));
  EXPECT_TRUE(d[0].year_implied);
  EXPECT_EQ(d[0].offset, 1u);
  EXPECT_EQ(d[0].length, 5u);
  EXPECT_THAT(Days("[12-03]"), testing::ElementsAre(CivilDay(2019, 12, 3)));
  EXPECT_THAT(Days("[06-30]"), testing::ElementsAre(CivilDay(2020, 6, 30)));
  EXPECT_THAT(Days("7月1日"), testing::ElementsAre(CivilDay(2019, 7, 1)));
  // 02-29 belongs to the previous year only if that year has it.
  EXPECT_THAT(FindDates("[02-29]", CivilDay(2021, 6, 1)).size(), 1u);
  EXPECT_THAT(FindDates("[02-29]", CivilDay(2022, 6, 1)), testing::IsEmpty());
}

TEST(DateParserTest, RangesAndSeveralDates) {
  EXPECT_THAT(Days("起止时间：2020年5月1日至2020年5月31日"),
              testing::ElementsAre(CivilDay(2020, 5, 1), CivilDay(2020, 5, 31)));
  EXPECT_THAT(Days("2020-01-01 至 2020-02-01"),
              testing::ElementsAre(CivilDay(2020, 1, 1), CivilDay(2020, 2, 1)));
}

TEST(DateParserTest, NumbersThatAreNotDates) {
  EXPECT_THAT(Days("联系电话：0760-88001234"), testing::IsEmpty());
  EXPECT_THAT(Days("上午8:30-12:00，下午14:30-17:30"), testing::IsEmpty());
  EXPECT_THAT(Days("第1-12条"), testing::IsEmpty());
  EXPECT_THAT(Days("2020-02-30"), testing::IsEmpty());
  EXPECT_THAT(Days("2020-13-01"), testing::IsEmpty());
  EXPECT_THAT(Days("442000199001012216"), testing::IsEmpty());
  EXPECT_THAT(Days("共收到网民留言3059条"), testing::IsEmpty());
  EXPECT_THAT(Days("1200年1月1日"), testing::IsEmpty());
  EXPECT_THAT(Days("粤ICP备05070829号-8"), testing::IsEmpty());
  EXPECT_THAT(Days("2018年数据"), testing::IsEmpty());
}

TEST(DateParserTest, OffsetsPointIntoTheOriginalText) {
  const std::string text = "日期：２０２０－０６－１８ 完";
  auto d = FindDates(text, kRef);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(text.substr(d[0].offset, d[0].length), "２０２０－０６－１８");
}

TEST(DateParserTest, IsoDay) {
  EXPECT_EQ(ParseIsoDay("2020-06-30"), CivilDay(2020, 6, 30));
  EXPECT_EQ(ParseIsoDay("2020-6-30"), std::nullopt);
  EXPECT_EQ(ParseIsoDay("2020-02-30"), std::nullopt);
  EXPECT_EQ(ParseIsoDay(""), std::nullopt);
  EXPECT_EQ(ParseFirstDate("x 2020/06/01 y 2020/06/02", kRef), CivilDay(2020, 6, 1));
}

}  // namespace
}  // namespace govinspect::common
