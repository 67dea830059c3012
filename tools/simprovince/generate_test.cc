#include "tools/simprovince/generate.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/registry_writer.h"
#include "tools/simprovince/render.h"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {
namespace {

GenerateOptions Opts(Profile p, uint64_t seed = 7) {
  GenerateOptions o;
  o.seed = seed;
  o.as_of = *ParseIsoDate("2020-06-30");
  o.profile = p;
  return o;
}

std::string TempDir(const char* tag) {
  std::string t = ::testing::TempDir() + "simprov_" + tag + "_XXXXXX";
  char* d = mkdtemp(t.data());
  return d ? std::string(d) : t;
}

TEST(GenerateTest, SameInputsGiveIdenticalBytes) {
  for (Profile p : {Profile::kTiny, Profile::kCity}) {
    std::string a = TempDir("a"), b = TempDir("b");
    ASSERT_TRUE(WriteProvince(*GenerateProvince(Opts(p)), a).ok());
    ASSERT_TRUE(WriteProvince(*GenerateProvince(Opts(p)), b).ok());
    for (const char* f : {"units.csv", "sites.csv", "accounts.csv", "portals.csv", "truth.json", "province.json"}) {
      EXPECT_EQ(*ReadFile(a + "/" + f), *ReadFile(b + "/" + f)) << ProfileName(p) << " " << f;
    }
    // Pages too.
    absl::StatusOr<Province> pa = LoadProvince(a);
    ASSERT_TRUE(pa.ok()) << pa.status();
    absl::StatusOr<Province> pb = GenerateProvince(Opts(p));
    SiteRenderer ra(*pa), rb(*pb);
    for (int s = 0; s < 3; ++s) {
      for (const std::string& path : ra.Paths(s)) {
        ASSERT_EQ(ra.Render(s, path).body, rb.Render(s, path).body) << path;
      }
    }
  }
  // A different seed gives a different province.
  EXPECT_NE(BuildTruth(*GenerateProvince(Opts(Profile::kCity, 1))).dump(),
            BuildTruth(*GenerateProvince(Opts(Profile::kCity, 2))).dump());
}

TEST(GenerateTest, ProfilesHaveTheirSizes) {
  Province prov = *GenerateProvince(Opts(Profile::kProvince));
  EXPECT_EQ(prov.sites.size(), 587u);
  EXPECT_EQ(prov.accounts.size(), 2882u);
  Province city = *GenerateProvince(Opts(Profile::kCity));
  EXPECT_GE(city.sites.size(), 55u);
  EXPECT_LE(city.sites.size(), 65u);
  EXPECT_EQ(city.accounts.size(), 100u);
  Province tiny = *GenerateProvince(Opts(Profile::kTiny));
  EXPECT_LE(tiny.sites.size(), 6u);
  EXPECT_EQ(tiny.accounts.size(), 20u);
  // Site sizes vary: tens to thousands of pages, median around 200.
  SiteRenderer r(prov);
  std::vector<size_t> pages;
  for (size_t i = 0; i < prov.sites.size(); ++i) pages.push_back(r.PageCount(static_cast<int>(i)));
  std::sort(pages.begin(), pages.end());
  EXPECT_LT(pages.front(), 100u);
  EXPECT_GT(pages.back(), 1000u);
  EXPECT_GT(pages[pages.size() / 2], 120u);
  EXPECT_LT(pages[pages.size() / 2], 350u);
  // Every CMS style and charset occurs.
  std::set<int> styles, charsets;
  for (const Site& s : prov.sites) {
    styles.insert(static_cast<int>(s.style));
    charsets.insert(static_cast<int>(s.charset));
  }
  EXPECT_EQ(styles.size(), static_cast<size_t>(kCmsStyles));
  EXPECT_EQ(charsets.size(), 4u);
  // Every family in realistic proportions: none below 8 % or above 40 % of the sites.
  for (const Profile pr : {Profile::kCity, Profile::kProvince}) {
    Province pv = pr == Profile::kCity ? city : prov;
    std::map<std::string, int> fam;
    for (const Site& s : pv.sites) ++fam[CmsFamilyId(s.style)];
    EXPECT_EQ(fam.size(), 6u) << ProfileName(pr);
    for (const auto& [f, n] : fam) {
      EXPECT_GE(n, static_cast<int>(pv.sites.size() * 8 / 100)) << ProfileName(pr) << " " << f;
      EXPECT_LE(n, static_cast<int>(pv.sites.size() * 40 / 100)) << ProfileName(pr) << " " << f;
    }
  }
}

TEST(GenerateTest, TinyHasEveryFindingKindAndEveryTrap) {
  nlohmann::json t = BuildTruth(*GenerateProvince(Opts(Profile::kTiny)));
  std::set<std::string> kinds;
  std::set<std::string> traps;
  for (const auto& target : t["targets"]) {
    for (const auto& f : target["findings"]) {
      kinds.insert(f["kind"].get<std::string>());
      EXPECT_NE(FindFindingKind(f["kind"].get<std::string>()), nullptr) << f.dump();
      EXPECT_FALSE(f["indicator"].get<std::string>().empty()) << f.dump();
    }
    for (const auto& f : target["must_not_report"]) traps.insert(f["kind"].get<std::string>() + "/" + f["detail"].get<std::string>());
  }
  for (const FindingKind& k : FindingKinds()) EXPECT_TRUE(kinds.count(k.kind)) << "missing kind " << k.kind;
  auto has_trap = [&](const std::string& prefix) {
    for (const auto& x : traps) {
      if (absl::StartsWith(x, prefix)) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_trap("privacy_id_number/masked"));
  EXPECT_TRUE(has_trap("abolished_name/"));
  EXPECT_TRUE(has_trap("reply_late/"));
  EXPECT_TRUE(has_trap("column_not_updated/"));
  EXPECT_TRUE(has_trap("broken_link/not a link"));
  EXPECT_TRUE(has_trap("no_service/"));
  EXPECT_TRUE(has_trap("site_unreachable/"));
  // Healthy site and healthy account exist.
  bool healthy_site = false, healthy_account = false;
  for (const auto& target : t["targets"]) {
    if (target["type"] == "site" && target["healthy"] == true) healthy_site = true;
    if (target["type"] == "account" && target["healthy"] == true) healthy_account = true;
  }
  EXPECT_TRUE(healthy_site);
  EXPECT_TRUE(healthy_account);
}

TEST(GenerateTest, RegistryBundleFollowsTheFormat) {
  Province p = *GenerateProvince(Opts(Profile::kTiny));
  std::string accounts = AccountsCsv(p);
  EXPECT_TRUE(absl::StartsWith(accounts, "account_id,unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date\n"));
  for (const Account& a : p.accounts) {
    EXPECT_EQ(absl::StrContains(accounts, a.platform_id), a.in_registry) << a.registry_id;
  }
  EXPECT_TRUE(absl::StartsWith(UnitsCsv(p), "unit_id,name,short_name,kind,parent_unit_id,public_service,open_data_org,open_data_quota\n"));
  EXPECT_TRUE(absl::StartsWith(SitesCsv(p), "site_id,unit_id,name,home_url,site_kind,site_code,extra_hosts\n"));
  EXPECT_EQ(PortalsCsv(p), "portal_id,name,api_url,kind\nkaifang-zs,开放中山,http://data.zs.gov.cn/,ckan\n");
  for (const Site& s : p.sites) EXPECT_EQ(s.site_code.size(), 10u);
}

TEST(GenerateTest, RejectsBadOptions) {
  GenerateOptions o = Opts(Profile::kTiny);
  o.rates["no_such_rate"] = 0.5;
  EXPECT_EQ(GenerateProvince(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Opts(Profile::kTiny);
  o.rates["broken_link"] = 1.5;
  EXPECT_EQ(GenerateProvince(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Opts(Profile::kTiny);
  o.as_of = *ParseIsoDate("2031-01-01");
  EXPECT_EQ(GenerateProvince(o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseProfile("county").ok());
}

TEST(GenerateTest, RatesChangeThePlantedDefects) {
  GenerateOptions o = Opts(Profile::kCity);
  o.rates["healthy_site"] = 0.0;
  o.rates["broken_link"] = 1.0;
  nlohmann::json t = BuildTruth(*GenerateProvince(o));
  int sites_with_broken = 0;
  for (const auto& target : t["targets"]) {
    if (target["type"] != "site" || target["assessable"] == false) continue;
    for (const auto& f : target["findings"]) {
      if (f["kind"] == "broken_link") {
        ++sites_with_broken;
        break;
      }
    }
  }
  EXPECT_GE(sites_with_broken, 55);
}

}  // namespace
}  // namespace govinspect::simprovince
