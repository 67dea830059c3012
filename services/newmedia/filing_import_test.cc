#include "services/newmedia/filing_import.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::newmedia {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<common::v1::Unit> Units() {
  std::vector<common::v1::Unit> units(2);
  units[0].set_name("units/zs-hpz");
  units[0].set_display_name("中山市黄圃镇人民政府");
  units[0].set_short_name("黄圃镇");
  units[1].set_name("units/zs-jrj");
  units[1].set_display_name("中山市金融工作局");
  units[1].set_short_name("市金融局");
  return units;
}

TEST(FilingImportTest, ChineseExportOfTheManagementSystem) {
  const char csv[] =
      "\xEF\xBB\xBF单位名称,平台,账号ID,账号名称,开设日期,备案日期,注销日期\r\n"
      "中山市黄圃镇人民政府,微信公众号,gh_1a2b3c4d5e6f,黄圃发布,2016/5/10,2016年5月12日,\r\n"
      "黄圃镇,微信,gh_ffffffffffff,黄圃镇服务号,2019-01-02,2019-01-03 10:00:00,2020.03.01\r\n"
      "市金融局,新浪微博,5550001,\"中山金融, 官方\",2018-01-01,2018-01-02,\r\n";
  auto accounts = ImportFilingRecords(csv, "export.csv", Units());
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  ASSERT_EQ(accounts->size(), 3u);
  EXPECT_EQ((*accounts)[0].name(), "accounts/zs-hpz-wx");
  EXPECT_EQ((*accounts)[0].opened_date(), "2016-05-10");
  EXPECT_EQ((*accounts)[0].filed_date(), "2016-05-12");
  EXPECT_EQ((*accounts)[1].name(), "accounts/zs-hpz-wx2");
  EXPECT_EQ((*accounts)[1].closed_date(), "2020-03-01");
  EXPECT_EQ((*accounts)[2].unit(), "units/zs-jrj");
  EXPECT_EQ((*accounts)[2].platform(), common::v1::PLATFORM_WEIBO);
  EXPECT_EQ(AccountsCsv(*accounts),
            "account_id,unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date\n"
            "zs-hpz-wx,zs-hpz,wechat,gh_1a2b3c4d5e6f,黄圃发布,2016-05-10,2016-05-12,\n"
            "zs-hpz-wx2,zs-hpz,wechat,gh_ffffffffffff,黄圃镇服务号,2019-01-02,2019-01-03,2020-03-01\n"
            "zs-jrj-wb,zs-jrj,weibo,5550001,\"中山金融, 官方\",2018-01-01,2018-01-02,\n");
}

TEST(FilingImportTest, BadRowsAreAllReportedWithLineNumbersAndNothingIsImported) {
  const char csv[] =
      "unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date\n"
      "zs-hpz,wechat,gh_1,黄圃发布,2016-05-10,2016-05-12,\n"       // good
      "zs-nope,wechat,gh_2,某账号,2016-05-10,2016-05-12,\n"        // 3: unknown unit
      "zs-hpz,myspace,gh_3,某账号,2016-05-10,2016-05-12,\n"        // 4: unknown platform
      "zs-hpz,weibo,123,某账号,2016-02-30,2016-05-12,\n"           // 5: bad date
      "zs-hpz,wechat,gh_1,重复,2016-05-10,2016-05-12,\n"           // 6: filed twice
      "zs-hpz,weibo,124,某账号,2016-05-10,2016-05-01,\n"           // 7: filed before opened
      "zs-hpz,weibo,,某账号,2016-05-10,2016-05-12,\n"              // 8: empty id
      "zs-hpz,weibo,125\n";                                        // 9: short row
  auto r = ImportFilingRecords(csv, "accounts.csv", Units());
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("accounts.csv:3: field unit: \"zs-nope\" is not a known unit"),
                                HasSubstr("accounts.csv:4: field platform: \"myspace\""),
                                HasSubstr("accounts.csv:5: field opened_date: \"2016-02-30\" is not a real date"),
                                HasSubstr("accounts.csv:6: field platform_account_id: \"gh_1\" is filed twice (first on line 2)"),
                                HasSubstr("accounts.csv:7: field filed_date: filed 2016-05-01 before"),
                                HasSubstr("accounts.csv:8: field platform_account_id: empty"),
                                HasSubstr("accounts.csv:9: want 7 fields"),
                                Not(HasSubstr("accounts.csv:2:")))));
}

TEST(FilingImportTest, HeaderErrors) {
  EXPECT_THAT(ImportFilingRecords("单位名称,平台,账号名称,备注\n", "e.csv", Units()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("e.csv:1: field 备注: unknown column"),
                             HasSubstr("field platform_account_id: required column missing"))));
  EXPECT_THAT(ImportFilingRecords("", "e.csv", Units()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("e.csv")));
  // Saved as GBK by a spreadsheet.
  EXPECT_THAT(ImportFilingRecords("\xB5\xA5\xCE\xBB,platform\n", "e.csv", Units()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("e.csv:1")));
}

TEST(FilingImportTest, NormalizeDate) {
  EXPECT_EQ(*NormalizeDate("2020年6月30日"), "2020-06-30");
  EXPECT_EQ(*NormalizeDate(" 2020/6/3 "), "2020-06-03");
  EXPECT_EQ(*NormalizeDate("2020-06-30T08:00:00+08:00"), "2020-06-30");
  EXPECT_EQ(*NormalizeDate(""), "");
  EXPECT_FALSE(NormalizeDate("30/06/2020").ok());
  EXPECT_FALSE(NormalizeDate("2020-13-01").ok());
}

}  // namespace
}  // namespace govinspect::newmedia
