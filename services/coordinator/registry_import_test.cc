#include "services/coordinator/registry_import.h"

#include <fstream>
#include <map>
#include <sstream>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::coordinator {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

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
  for (const char* name :
       {"units.csv", "sites.csv", "accounts.csv", "portals.csv", "site_overrides.csv"}) {
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
  // docs/registry.md and docs/crawler.md ("Per-site overrides") walk through these rows.
  const common::v1::Site* jrj = nullptr;
  for (const auto& s : reg->sites()) {
    if (s.name() == "sites/zs-jrj-site") jrj = &s;
  }
  ASSERT_NE(jrj, nullptr);
  ASSERT_EQ(jrj->overrides().pages_size(), 2);
  EXPECT_EQ(jrj->overrides().pages(0).path_prefix(), "/xxgk/");
  EXPECT_FALSE(jrj->overrides().pages(0).list_items_xpath().empty());
  EXPECT_FALSE(jrj->overrides().pages(0).date_xpath().empty());
  EXPECT_EQ(jrj->overrides().pages(1).path_prefix(), "/hdjl/");
  EXPECT_FALSE(jrj->overrides().pages(1).field_label_xpath().empty());
  ASSERT_EQ(jrj->overrides().column_categories_size(), 1);
  EXPECT_EQ(jrj->overrides().column_categories(0).column(), "工作总结");
  EXPECT_EQ(jrj->overrides().column_categories(0).category(), "planning");
  EXPECT_EQ(CountSiteOverrides(*reg), 4);
}

const char kOverrides[] =
    "site_id,kind,match,value\n"
    "zs-jrj-site,list_items_xpath,/xxgk/,//div[@class='xxgk_list']/dl\n"
    "zs-jrj-site,date_xpath,/xxgk/,dd[1]\n"
    "zs-jrj-site,field_label_xpath,/hdjl/,\"//span[@class=\"\"lab\"\"]\"\n"
    "zs-jrj-site,column_category,工作总结,planning\n"
    "zs-jrj-site,column_category,http://jrj.zs.gov.cn/gzzj/,planning\n"
    "zs-portal,date_xpath,/,//span[@class='date']\n";

std::vector<RegistryFile> BundleWithOverrides(const std::string& overrides) {
  std::vector<RegistryFile> files = Bundle();
  files.push_back({"site_overrides.csv", overrides});
  return files;
}

TEST(RegistryImportTest, SiteOverridesMergeIntoTheirSites) {
  auto reg = ParseRegistryBundle(BundleWithOverrides(kOverrides));
  ASSERT_THAT(reg, IsOk());
  ASSERT_EQ(reg->sites_size(), 2);
  const auto& portal = reg->sites(0).overrides();
  ASSERT_EQ(portal.pages_size(), 1);
  EXPECT_EQ(portal.pages(0).path_prefix(), "/");
  EXPECT_EQ(portal.pages(0).date_xpath(), "//span[@class='date']");
  EXPECT_EQ(portal.column_categories_size(), 0);

  const auto& jrj = reg->sites(1).overrides();
  ASSERT_EQ(jrj.pages_size(), 2);  // the two /xxgk/ rows are one PageOverride
  EXPECT_EQ(jrj.pages(0).path_prefix(), "/xxgk/");
  EXPECT_EQ(jrj.pages(0).list_items_xpath(), "//div[@class='xxgk_list']/dl");
  EXPECT_EQ(jrj.pages(0).date_xpath(), "dd[1]");
  EXPECT_EQ(jrj.pages(0).field_label_xpath(), "");
  EXPECT_EQ(jrj.pages(1).path_prefix(), "/hdjl/");
  EXPECT_EQ(jrj.pages(1).field_label_xpath(), "//span[@class=\"lab\"]");
  ASSERT_EQ(jrj.column_categories_size(), 2);
  EXPECT_EQ(jrj.column_categories(0).column(), "工作总结");
  EXPECT_EQ(jrj.column_categories(0).category(), "planning");
  EXPECT_EQ(jrj.column_categories(1).column(), "http://jrj.zs.gov.cn/gzzj/");
  EXPECT_EQ(CountSiteOverrides(*reg), 6);
}

TEST(RegistryImportTest, SiteOverridesAreOptionalAndMayBeJustAHeader) {
  auto reg = ParseRegistryBundle(BundleWithOverrides("site_id,kind,match,value\n"));
  ASSERT_THAT(reg, IsOk());
  for (const auto& s : reg->sites()) EXPECT_FALSE(s.has_overrides()) << s.name();
  EXPECT_EQ(CountSiteOverrides(*reg), 0);
}

TEST(RegistryImportTest, BadSiteOverrideRowsAreEachReported) {
  std::string overrides = kOverrides;
  overrides +=
      "nowhere,date_xpath,/,//span\n"                               // line 8
      "zs-portal,css_selector,/,div.list\n"                         // line 9
      "zs-portal,list_items_xpath,,//li\n"                          // line 10
      "zs-portal,list_items_xpath,/news/,\n"                        // line 11
      "zs-portal,list_items_xpath,news/,//li\n"                     // line 12
      "zs-portal,column_category,工作动态,newsletter\n"             // line 13
      "zs-portal,list_items_xpath,/news/,\"//div[@class='list'\"\n"  // line 14
      "zs-portal,date_xpath,/,//em\n"                               // line 15 (again)
      "zs-jrj-site,column_category,工作总结,news\n"                 // line 16 (again)
      "zs-portal,column_category,htp://x/,news\n";                  // line 17
  auto s = ParseRegistryBundle(BundleWithOverrides(overrides));
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kInvalidArgument,
                  AllOf(HasSubstr("site_overrides.csv:8: field site_id: unknown site \"nowhere\""),
                        HasSubstr("site_overrides.csv:9: field kind: \"css_selector\" is not one of"),
                        HasSubstr("site_overrides.csv:10: field match: required"),
                        HasSubstr("site_overrides.csv:11: field value: required"),
                        HasSubstr("site_overrides.csv:12: field match: \"news/\" is not a path "
                                  "prefix (it must start with '/')"),
                        HasSubstr("site_overrides.csv:13: field value: \"newsletter\" is not a "
                                  "category (one of news, notice,"),
                        HasSubstr("site_overrides.csv:14: field value: \"//div[@class='list'\" "
                                  "is not an XPath 1.0 expression: "),
                        HasSubstr("site_overrides.csv:15: field match: date_xpath for \"/\" of "
                                  "site \"zs-portal\" is already set on line 7"),
                        HasSubstr("site_overrides.csv:16: field match: column_category for "
                                  "\"工作总结\" of site \"zs-jrj-site\" is already set on line 5"),
                        HasSubstr("site_overrides.csv:17: field match: \"htp://x/\" is not an "
                                  "http(s) URL"),
                        HasSubstr("10 errors"))));
}

TEST(RegistryImportTest, SiteOverridesNeedTheirColumns) {
  EXPECT_THAT(ParseRegistryBundle(BundleWithOverrides("site_id,kind,selector\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("site_overrides.csv:1: field selector: unknown column"))));
  EXPECT_THAT(ParseRegistryBundle(BundleWithOverrides("site_id,kind,match\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("site_overrides.csv:1: field value: required column is missing")));
}

TEST(RegistryImportTest, ABadOverrideImportsNothing) {
  // All or nothing: one bad override row fails the whole bundle, sites included.
  std::string overrides = "site_id,kind,match,value\nzs-portal,date_xpath,/,//span[\n";
  EXPECT_THAT(ParseRegistryBundle(BundleWithOverrides(overrides)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("site_overrides.csv:2: field value"), HasSubstr("1 error\n"))));
}

TEST(RegistryImportTest, ColumnCategories) {
  for (const char* c : {"news", "notice", "policy", "interpretation", "personnel", "planning",
                        "finance", "profile", "service", "consult", "stats", "survey",
                        "feedback", "other"}) {
    EXPECT_TRUE(IsColumnCategory(c)) << c;
  }
  EXPECT_FALSE(IsColumnCategory("News"));
  EXPECT_FALSE(IsColumnCategory("规划计划"));
  EXPECT_FALSE(IsColumnCategory(""));
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

// Home and API URLs as spreadsheets deliver them: repaired where safe (stored in normal form,
// so the crawler can fetch them), refused with file/line/field otherwise — credentials never
// echoed — and one site per home page after normalisation.
TEST(RegistryImportTest, UrlsAreNormalisedOrRefusedAndDuplicatesFound) {
  std::string sites = kSites;
  sites += "nbsp,zs-gov,甲,http://a.zs.gov.cn/\xc2\xa0,department,,\n";
  sites += "zwsp,zs-gov,乙,http://b.zs.gov.cn/\xe2\x80\x8b,department,,\n";
  sites += "wide,zs-gov,丙,http://ｗｗｗ。c.zs.gov.cn／,department,,\n";
  sites += "idn,zs-gov,丁,http://中山.政务/,department,,\n";
  std::string portals = "portal_id,name,api_url,kind\nkf,开放中山,ＨＴＴＰ://data.zs.gov.cn/\xc2\xa0,ckan\n";
  auto reg = ParseRegistryBundle(Bundle(kUnits, sites, kAccounts, portals));
  ASSERT_TRUE(reg.ok()) << reg.status();
  std::map<std::string, std::string> homes;
  for (const auto& s : reg->sites()) homes[s.name()] = s.home_url();
  EXPECT_EQ(homes["sites/nbsp"], "http://a.zs.gov.cn/");
  EXPECT_EQ(homes["sites/zwsp"], "http://b.zs.gov.cn/");
  EXPECT_EQ(homes["sites/wide"], "http://www.c.zs.gov.cn/");
  EXPECT_EQ(homes["sites/idn"], "http://xn--fiqr16a.xn--zfr164b/");
  EXPECT_EQ(reg->portals(0).api_url(), "http://data.zs.gov.cn/");

  sites = kSites;
  sites += "upper,zs-gov,甲,HTTP://WWW.ZS.GOV.CN,department,,\n";
  sites += "creds,zs-gov,乙,http://admin:s3cret@c.zs.gov.cn/,department,,\n";
  sites += "scheme,zs-gov,丙,file:///etc/passwd,department,,\n";
  sites += "badidn,zs-gov,丁,http://☃.gov.cn/,department,,\n";
  auto bad = ParseRegistryBundle(Bundle(kUnits, sites));
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument,
                            AllOf(HasSubstr("sites.csv:4: field home_url: \"http://www.zs.gov.cn/\" is "
                                            "already the home page of site \"zs-portal\" (line 2)"),
                                  HasSubstr("sites.csv:5: field home_url: \"http://…@c.zs.gov.cn/\" has "
                                            "credentials"),
                                  HasSubstr("sites.csv:6: field home_url: \"file:///etc/passwd\" is not "
                                            "an http(s) URL"),
                                  HasSubstr("sites.csv:7: field home_url: \"http://☃.gov.cn/\" host \"☃.gov.cn\" is not a valid internationalised domain name"),
                                  Not(HasSubstr("s3cret")))));
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

// Bad values in each file, each reported with file, line and field (docs/bad-input.md).
TEST(RegistryImportTest, BadValuesInEveryFileNameTheField) {
  std::string units = kUnits;
  units += "zs-a,甲单位,,ministry,,maybe,,-1\n";       // line 4
  units += "zs-b,乙单位,,department,zs-nowhere,,,\n";  // line 5
  units += "zs-c,,,department,,,,\n";                  // line 6
  std::string sites = kSites;
  sites += "x-site,zs-gov,某网站,http://x.gov.cn/,intranet,,bad host!\n";  // line 4
  std::string accounts = kAccounts;
  accounts += "zs-gov-wx2,zs-gov,wechat,gh_1,又一个,,,\n";  // line 3
  std::string portals = kPortals;
  portals += "kf2,第二平台,ftp://data.zs.gov.cn/,socrata\n";  // line 3
  portals += "kf,重复,http://data2.zs.gov.cn/,ckan\n";        // line 4
  auto s = ParseRegistryBundle(Bundle(units, sites, accounts, portals));
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kInvalidArgument,
                  AllOf(HasSubstr("registry not imported: 11 errors\n"),
                        HasSubstr("units.csv:4: field kind: \"ministry\" is not one of government, "
                                  "department, town"),
                        HasSubstr("units.csv:4: field public_service: \"maybe\" is not true/false"),
                        HasSubstr("units.csv:4: field open_data_quota: \"-1\" is not a whole "
                                  "number ≥ 0"),
                        HasSubstr("units.csv:5: field parent_unit_id: unknown unit \"zs-nowhere\""),
                        HasSubstr("units.csv:6: field name: required"),
                        HasSubstr("sites.csv:4: field site_kind: \"intranet\" is not portal or "
                                  "department"),
                        HasSubstr("sites.csv:4: field extra_hosts: \"bad host!\" is not a host name"),
                        HasSubstr("accounts.csv:3: field platform_account_id: \"gh_1\" is filed "
                                  "twice on wechat"),
                        HasSubstr("portals.csv:3: field api_url: \"ftp://data.zs.gov.cn/\" is not "
                                  "an http(s) URL"),
                        HasSubstr("portals.csv:3: field kind: \"socrata\" is not supported (only "
                                  "ckan)"),
                        HasSubstr("portals.csv:4: field portal_id: duplicate id \"kf\""))));
}

TEST(RegistryImportTest, ShortRowsEmptyFilesAndUnknownFiles) {
  std::string sites = kSites;
  sites += "x-site,zs-gov,某网站\n";  // line 4
  EXPECT_THAT(ParseRegistryBundle(Bundle(kUnits, sites)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sites.csv:4: has 3 fields, the header has 7")));
  EXPECT_THAT(ParseRegistryBundle(Bundle(kUnits, "")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sites.csv:1: empty file: the first line must be the header")));
  std::vector<RegistryFile> files = Bundle();
  files.push_back({"site.csv", "site_id\n"});
  files.push_back({"units.csv", kUnits});
  EXPECT_THAT(ParseRegistryBundle(files),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("site.csv: unknown file (a bundle holds units.csv"),
                             HasSubstr("units.csv: given twice"))));
}

TEST(RegistryImportTest, AThousandBadRowsListTheFirstHundred) {
  std::string units = kUnits;
  for (int i = 0; i < 1000; ++i) units += "BAD,名,,department,,,,\n";
  auto s = ParseRegistryBundle(Bundle(units));
  ASSERT_FALSE(s.ok());
  const std::string msg(s.status().message());
  EXPECT_THAT(msg, HasSubstr("registry not imported: 1000 errors\n"));
  EXPECT_THAT(msg, HasSubstr("units.csv:4: field unit_id: \"BAD\" is not a valid id"));
  EXPECT_THAT(msg, HasSubstr("units.csv:103: field unit_id"));
  EXPECT_THAT(msg, Not(HasSubstr("units.csv:104:")));
  EXPECT_THAT(msg, ::testing::EndsWith("\n… and 900 more"));
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
