#include "services/report/report_templates.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::report {
namespace {

using govinspect::testing::IsOk;
using govinspect::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ReportTemplatesTest, CompiledInSetParsesAndMatchesTheSourceDirectory) {
  auto embedded = LoadTemplates("");
  ASSERT_THAT(embedded, IsOk());
  auto dir = LoadTemplates(GOVINSPECT_SOURCE_DIR "/templates/report/gov-2019");
  ASSERT_THAT(dir, IsOk());
  EXPECT_EQ(embedded->title, dir->title);
  EXPECT_EQ(embedded->problems.size(), dir->problems.size());
  EXPECT_EQ(embedded->Setting("office"), "中山市人民政府办公室");
  EXPECT_EQ(embedded->IntSetting("rectification_days", 0), 15);
  EXPECT_EQ(embedded->KindLabel("broken_link"), "错误链接");
  EXPECT_EQ(embedded->KindLabel("no_such_kind"), "no_such_kind");
  ASSERT_FALSE(embedded->problems.empty());
  EXPECT_EQ(embedded->problems.front().file, "problems/01-review.txt");
}

TemplateFiles Valid() {
  auto files = EmbeddedTemplateFiles("gov-2019");
  EXPECT_THAT(files, IsOk());
  return *files;
}

TEST(ReportTemplatesTest, UnknownPlaceholderNamesFileAndLine) {
  TemplateFiles files = Valid();
  files["requirements.txt"] = "第一段。\n第二段{no_such_thing}。";
  EXPECT_THAT(ParseTemplates(files),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("requirements.txt:2: unknown placeholder {no_such_thing}")));
}

TEST(ReportTemplatesTest, MissingFileAndBadSettingsAreRejected) {
  TemplateFiles files = Valid();
  files.erase("title.txt");
  EXPECT_THAT(ParseTemplates(files),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("title.txt is missing")));
  files = Valid();
  files["notice.conf"] += "\nrectification_days = soon\n";
  EXPECT_THAT(ParseTemplates(files),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("given twice")));
  files = Valid();
  files["notice.conf"] = "office = 某某办公室\n";
  EXPECT_THAT(ParseTemplates(files),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"region\" must be set")));
  files = Valid();
  files["problems/99-extra.txt"] = "title = 重复\nbroken_link = {targets}\n";
  EXPECT_THAT(ParseTemplates(files),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("already in")));
  files = Valid();
  files["problems/99-bad.txt"] = "title = 坏行\n这一行没有等号\n";
  EXPECT_THAT(ParseTemplates(files),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("problems/99-bad.txt:2")));
}

TEST(ReportTemplatesTest, MissingDirectoryIsNotFound) {
  EXPECT_THAT(LoadTemplates("/nonexistent/templates"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ReportTemplatesTest, ExpandReplacesEveryPlaceholder) {
  auto s = Expand("{a}关于{b}的{a}", {{"a", "甲"}, {"b", "乙"}});
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(*s, "甲关于乙的甲");
  EXPECT_THAT(Expand("{c}", {{"a", "甲"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("{c}")));
}

}  // namespace
}  // namespace govinspect::report
