// newmedia against the simulated province (2,882 accounts): detection accuracy measured with
// `simprovince score-detection`, and platform faults (5xx, timeouts) injected by the simulator.

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/newmedia/newmedia_server.h"
#include "services/newmedia/sim_harness.h"

namespace govinspect::newmedia {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

constexpr char kAsOf[] = "2020-06-30";

class ProvinceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "newmedia_province_" + std::to_string(getpid()));
    std::filesystem::create_directories(*dir_);
    auto gen = sim::Run(SIMPROVINCE_BINARY, {"generate", "--seed", "1", "--as-of", kAsOf,
                                             "--profile", "province", "--out", *dir_});
    ASSERT_TRUE(gen.ok()) << gen.status();
    ASSERT_EQ(gen->first, 0);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static NewMediaServerOptions Options(const std::string& sim_address) {
    NewMediaServerOptions o;
    o.platform_api = *ParsePlatformApi(kDefaultPlatformApi);
    o.fetch.connect_to = sim_address;
    o.fetch.timeout = absl::Seconds(10);
    o.platform_qps = 0;
    o.adapter.retry_backoff = absl::Milliseconds(20);
    return o;
  }

  // Checks `tasks` with `threads` threads; returns account and unit observations.
  static std::vector<common::v1::Observation> CheckAll(
      const AccountChecker& checker, const std::vector<common::v1::TaskPayload>& tasks,
      int threads, std::vector<AccountCheckResult>* results = nullptr) {
    std::vector<AccountCheckResult> out(tasks.size());
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (size_t i; (i = next++) < tasks.size();) out[i] = checker.Check(tasks[i]);
      });
    }
    for (auto& th : pool) th.join();
    std::vector<common::v1::Observation> obs;
    for (auto& r : out) {
      obs.push_back(r.account);
      if (r.unit.has_value()) obs.push_back(*r.unit);
    }
    if (results != nullptr) *results = std::move(out);
    return obs;
  }

  static std::string* dir_;
};
std::string* ProvinceTest::dir_ = nullptr;

TEST_F(ProvinceTest, DetectionPrecisionAndRecallOfEveryAccountKind) {
  auto sim = sim::SimServer::Start(SIMPROVINCE_BINARY, *dir_, {});
  ASSERT_TRUE(sim.ok()) << sim.status();
  auto tasks = sim::AccountTasks(*dir_, kAsOf);
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  // 2,882 accounts on the platforms, minus the unfiled ones.
  ASSERT_GT(tasks->size(), 2800u);
  auto checker = AccountChecker::Create(Options((*sim)->address()), nullptr);
  ASSERT_TRUE(checker.ok()) << checker.status();
  std::vector<common::v1::Observation> obs = CheckAll(**checker, *tasks, 8);
  // Units without any filed account (the first account's task searches them in a round).
  auto registry = sim::RegistryFromBundle(*dir_);
  ASSERT_TRUE(registry.ok()) << registry.status();
  OrphanUnitPlan plan = PlanOrphanUnits(*registry);
  for (const auto& unit : plan.units) {
    auto o = CheckUnitAccounts("rounds/province", unit, (*checker)->adapters(), AccountCheckOptions{});
    ASSERT_TRUE(o.ok()) << o.status();
    obs.push_back(*o);
  }

  int not_assessed = 0;
  for (const auto& o : obs) not_assessed += o.status() != common::v1::TARGET_STATUS_ASSESSED;
  EXPECT_EQ(not_assessed, 0);

  std::ifstream truth_in(*dir_ + "/truth.json");
  json truth = json::parse(truth_in, nullptr, false);
  ASSERT_FALSE(truth.is_discarded());
  const std::string truth_path = *dir_ + "/truth-accounts.json";
  const std::string export_path = *dir_ + "/export.json";
  std::ofstream(truth_path) << sim::AccountTruth(truth).dump();
  std::ofstream(export_path) << sim::ExportJson("rounds/province", kAsOf, obs).dump();
  auto table = sim::Run(SIMPROVINCE_BINARY, {"score-detection", "--truth", truth_path,
                                             "--observations", export_path});
  ASSERT_TRUE(table.ok());
  std::printf("%s\n", table->second.c_str());
  auto scored = sim::Run(SIMPROVINCE_BINARY, {"score-detection", "--truth", truth_path,
                                              "--observations", export_path, "--output", "json"});
  ASSERT_TRUE(scored.ok());
  ASSERT_EQ(scored->first, 0) << scored->second;
  json score = json::parse(scored->second, nullptr, false);
  ASSERT_FALSE(score.is_discarded()) << scored->second;
  for (const char* kind :
       {"account_not_updated", "account_dormant", "account_no_interaction", "account_unfiled",
        "account_closed_not_deregistered", "account_filed_late", "account_duplicate_platform",
        "expression_error", "sensitive_word", "abolished_name", "privacy_id_number",
        "privacy_mobile"}) {
    SCOPED_TRACE(kind);
    ASSERT_TRUE(score["by_kind"].contains(kind)) << "the province plants no " << kind;
    const json& c = score["by_kind"][kind];
    EXPECT_GT(c["tp"].get<int>(), 0);
    EXPECT_GE(c["precision"].get<double>(), 0.98);
    EXPECT_GE(c["recall"].get<double>(), 0.98);
  }
  EXPECT_TRUE(score["traps_reported"].empty()) << score["traps_reported"].dump();
}

TEST_F(ProvinceTest, PlatformFailuresAreNotAssessedNeverAVerdict) {
  // Every wechat call answers 503; weibo holds every request for 3 s (beyond our 1 s timeout).
  auto sim = sim::SimServer::Start(
      SIMPROVINCE_BINARY, *dir_,
      {"--fault", "api.wechat.sim:fail=1,fail_mode=5xx", "--fault",
       "api.weibo.sim:fail=1,fail_mode=timeout", "--hang-ms", "3000"});
  ASSERT_TRUE(sim.ok()) << sim.status();
  auto tasks = sim::AccountTasks(*dir_, kAsOf);
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  std::vector<common::v1::TaskPayload> sample;
  int wechat = 0, weibo = 0, douyin = 0;
  for (const auto& t : *tasks) {
    int* n = t.account().platform() == common::v1::PLATFORM_WECHAT  ? &wechat
             : t.account().platform() == common::v1::PLATFORM_WEIBO ? &weibo
             : t.account().platform() == common::v1::PLATFORM_DOUYIN ? &douyin
                                                                     : nullptr;
    if (n != nullptr && *n < 6) {
      ++*n;
      sample.push_back(t);
    }
  }
  NewMediaServerOptions o = Options((*sim)->address());
  o.fetch.timeout = absl::Seconds(1);
  o.adapter.attempts = 2;
  o.check.search_unit_accounts = false;
  auto checker = AccountChecker::Create(o, nullptr);
  ASSERT_TRUE(checker.ok()) << checker.status();
  std::vector<AccountCheckResult> results;
  CheckAll(**checker, sample, 6, &results);
  for (size_t i = 0; i < sample.size(); ++i) {
    const auto& r = results[i];
    SCOPED_TRACE(sample[i].account().name());
    switch (sample[i].account().platform()) {
      case common::v1::PLATFORM_WECHAT:
        EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
        EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("platform_unavailable"));
        EXPECT_EQ(r.account.findings_size(), 0);
        EXPECT_TRUE(IsTransient(r.status));  // the queue delivers it again
        break;
      case common::v1::PLATFORM_WEIBO:
        EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
        EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("platform_timeout"));
        EXPECT_TRUE(IsTransient(r.status));
        break;
      default:  // an unaffected platform is still checked
        EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_ASSESSED);
        EXPECT_TRUE(r.status.ok()) << r.status;
        break;
    }
  }
}

}  // namespace
}  // namespace govinspect::newmedia
