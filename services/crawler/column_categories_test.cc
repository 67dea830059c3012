#include "services/crawler/column_categories.h"

#include "gtest/gtest.h"

namespace govinspect::crawler {
namespace {

TEST(ColumnCategoriesTest, DefaultTable) {
  const ColumnCategories& c = ColumnCategories::Default();
  EXPECT_EQ(c.Classify("要闻动态"), "news");
  EXPECT_EQ(c.Classify("镇街动态"), "news");
  EXPECT_EQ(c.Classify("通知公告"), "notice");
  EXPECT_EQ(c.Classify("规范性文件"), "policy");
  EXPECT_EQ(c.Classify("政策解读"), "interpretation");
  EXPECT_EQ(c.Classify("人事任免"), "personnel");
  EXPECT_EQ(c.Classify("发展规划"), "planning");
  EXPECT_EQ(c.Classify("财政资金"), "finance");
  EXPECT_EQ(c.Classify("机构概况"), "profile");
  EXPECT_EQ(c.Classify("办事服务"), "service");
  EXPECT_EQ(c.Classify("咨询投诉"), "consult");
  EXPECT_EQ(c.Classify("留言办理统计"), "stats");
  EXPECT_EQ(c.Classify("意见征集"), "survey");
  EXPECT_EQ(c.Classify("征集结果反馈"), "feedback");
  EXPECT_EQ(c.Classify("党建园地"), "other");
}

TEST(ColumnCategoriesTest, ParseErrorsNameTheLine) {
  auto bad = ColumnCategories::Parse("# c\nnews 要闻\nweather 天气\n", "x.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "x.txt:3: unknown category \"weather\"");
  EXPECT_FALSE(ColumnCategories::Parse("news\n", "x.txt").ok());
  EXPECT_FALSE(ColumnCategories::Parse("# only comments\n", "x.txt").ok());
  auto own = ColumnCategories::Parse("planning 工作总结\nnews 工作\n");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->Classify("工作总结"), "planning");
  EXPECT_EQ(own->Classify("工作动态"), "news");
}

TEST(ColumnCategoriesTest, Thresholds) {
  const absl::CivilDay as_of(2020, 8, 31);
  EXPECT_EQ(ColumnCategories::StaleBefore("news", as_of), absl::CivilDay(2020, 8, 17));
  EXPECT_EQ(ColumnCategories::StaleBefore("notice", as_of), absl::CivilDay(2020, 2, 29));
  EXPECT_EQ(ColumnCategories::StaleBefore("personnel", as_of), absl::CivilDay(2019, 8, 31));
  EXPECT_TRUE(ColumnCategories::IsUpdating("finance"));
  EXPECT_FALSE(ColumnCategories::IsUpdating("consult"));
}

}  // namespace
}  // namespace govinspect::crawler
