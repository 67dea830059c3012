#include "services/coordinator/registry_import.h"

#include <fstream>
#include <sstream>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::coordinator {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const char kUnits[] =
    "unit_id,name,short_name,kind,parent_unit_id,public_service,open_data_org,open_data_quota\n"
    "zs-gov,中山市人民政府,市政府,government,,true,zs-gov,10\n"
    "zs-jrj,中山市金融工作局,市金融局,department,zs-gov,false,zs-jrj,5\n";
const char kSites[] =
    "site_id,unit_id,name,home_url,site_kind,site_code,extra_hosts\n"
    "zs-portal,zs-gov,中山市人民政府门户网站,http://www.zs.gov.cn/,portal,4420000001,zs.gov.cn\n"
    "zs-jrj-site,zs-jrj,中山市金融工作局网站,http://jrj.zs.gov.cn/,department,4420000047,\n";
const char kAccounts[] =
    "account_id,unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date\n"
    "zs-gov-wx,zs-gov,wechat,gh_1,中山发布,2014-03-01,2014-03-02,\n";
const char kPortals[] = "portal_id,name,api_url,kind\nkf,开放中山,http://data.zs.gov.cn/,ckan\n";

std::vector<RegistryFile> Bundle(std::string units = kUnits, std::string sites = kSites,
                                 std::string accounts = kAccounts,
                                 std::string portals = kPortals) {
  return {{"units.csv", units}, {"sites.csv", sites}, {"accounts.csv", accounts},
          {"portals.csv", portals}};
}

TEST(RegistryImportTest, ParsesAValidBundle) {
  auto reg = ParseRegistryBundle(Bundle());
  ASSERT_THAT(reg, IsOk());
  ASSERT_EQ(reg->units_size(), 2);
  EXPECT_EQ(reg->units(1).name(), "units/zs-jrj");
  EXPECT_EQ(reg->units(1).short_name(), "市金融局");
  EXPECT_FALSE(reg->units(1).public_service());
  EXPECT_EQ(reg->units(1).parent(), "units/zs-gov");
  EXPECT_EQ(reg->units(0).open_data_quota(), 10);
  ASSERT_EQ(reg->sites_size(), 2);
  EXPECT_EQ(reg->sites(0).kind(), common::v1::SITE_KIND_PORTAL);
  EXPECT_EQ(reg->sites(0).extra_hosts(0), "zs.gov.cn");
  ASSERT_EQ(reg->accounts_size(), 1);
  EXPECT_EQ(reg->accounts(0).platform(), common::v1::PLATFORM_WECHAT);
  ASSERT_EQ(reg->portals_size(), 1);
}

TEST(RegistryImportTest, ReadsTheDocumentedExample) {
  std::vector<RegistryFile> files;
  for (const char* name : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
    std::ifstream in(std::string(GOVINSPECT_SOURCE_DIR) + "/docs/examples/registry/" + name);
    ASSERT_TRUE(in) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back({name, ss.str()});
  }
  auto reg = ParseRegistryBundle(files);
  ASSERT_THAT(reg, IsOk());
  EXPECT_EQ(reg->units_size(), 3);
  EXPECT_EQ(reg->sites_size(), 3);
  EXPECT_EQ(reg->accounts_size(), 3);
}

TEST(RegistryImportTest, MalformedCsvNamesTheLine) {
  std::string sites = kSites;
  sites += "bad,zs-gov,\"unterminated,http://x.gov.cn/,portal,,\n";
  EXPECT_THAT(ParseRegistryBundle(Bundle(kUnits, sites)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sites.csv:4")));
}

TEST(RegistryImportTest, DuplicateIds) {
  std::string units = kUnits;
  units += "zs-jrj,重复,,department,,,,\n";
  EXPECT_THAT(ParseRegistryBundle(Bundle(units)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("units.csv:4: field unit_id: duplicate id \"zs-jrj\"")));
}

TEST(RegistryImportTest, UnknownUnit) {
  std::string sites = kSites;
  sites += "x-site,nowhere,某网站,http://x.gov.cn/,department,,\n";
  EXPECT_THAT(ParseRegistryBundle(Bundle(kUnits, sites)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sites.csv:4: field unit_id: unknown unit \"nowhere\"")));
}

TEST(RegistryImportTest, BadUrl) {
  std::string sites = kSites;
  sites += "x-site,zs-gov,某网站,htp:/x,department,,\n";
  EXPECT_THAT(ParseRegistryBundle(Bundle(kUnits, sites)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sites.csv:4: field home_url: \"htp:/x\" is not an http(s) URL")));
}

TEST(RegistryImportTest, WrongEncoding) {
  std::string units = kUnits;
  units += "hp,\xD6\xD0\xC9\xBD,,town,,,,\n";  // GBK bytes
  EXPECT_THAT(ParseRegistryBundle(Bundle(units)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("units.csv:4: not valid UTF-8")));
}

TEST(RegistryImportTest, ReportsEveryErrorAtOnce) {
  std::string accounts = kAccounts;
  accounts += "a2,zs-gov,myspace,x,名,2020-02-30,,\n";
  accounts += "A3,zs-gov,weibo,gh_1,名,,,\n";
  auto s = ParseRegistryBundle(Bundle(kUnits, kSites, accounts));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("accounts.csv:3: field platform"),
                                HasSubstr("accounts.csv:3: field opened_date"),
                                HasSubstr("accounts.csv:4: field account_id"),
                                HasSubstr("3 errors"))));
}

TEST(RegistryImportTest, UnknownColumnAndMissingFile) {
  std::string sites = "site_id,unit_id,name,home_url,site_kind,sitecode\n";
  EXPECT_THAT(ParseRegistryBundle(Bundle(kUnits, sites)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sites.csv:1: field sitecode: unknown column")));
  EXPECT_THAT(ParseRegistryBundle({{"sites.csv", kSites}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("units.csv: missing")));
}

TEST(RegistryImportTest, Ids) {
  EXPECT_TRUE(IsValidId("zs-gov"));
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_FALSE(IsValidId("-a"));
  EXPECT_FALSE(IsValidId("a-"));
  EXPECT_FALSE(IsValidId("A"));
  EXPECT_FALSE(IsValidId("a_b"));
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
  EXPECT_TRUE(IsValidDate("2020-06-30"));
  EXPECT_FALSE(IsValidDate("2020-6-30"));
  EXPECT_FALSE(IsValidDate("2020-02-30"));
}

}  // namespace
}  // namespace govinspect::coordinator
