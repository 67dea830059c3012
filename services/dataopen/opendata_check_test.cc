// The open-data checks over a scripted CKAN portal: every finding kind, what is not a finding,
// and the not-assessed / retry policy of a portal task.
#include "services/dataopen/opendata_check.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/dataopen/fake_transport.h"

namespace govinspect::dataopen {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::HasSubstr;
using testing::Answer;
using testing::FakeTransport;
using testing::Failure;
using testing::Query;
using json = nlohmann::json;

struct Ds {
  std::string name;
  std::string modified;   // YYYY-MM-DD
  std::string frequency;  // as published ("" = none)
  int64_t records = 100;
  bool broken = false;
};

// A scripted portal: organizations with datasets (each with one datastore CSV resource).
class FakePortal {
 public:
  explicit FakePortal(FakeTransport* t) : t_(t) {}
  void Org(const std::string& name, std::vector<Ds> datasets, bool listed = true) {
    orgs_[name] = std::move(datasets);
    if (listed) listed_.push_back(name);
  }
  void Install() {
    t_->On("organization_list", [this](const Query&) {
      return Answer(200, json{{"success", true}, {"result", listed_}}.dump());
    });
    t_->On("organization_show", [this](const Query& q) {
      if (!orgs_.count(q.at("id"))) {
        return Answer(404, R"({"success": false, "error": {"__type": "Not Found Error", "message": "Not found"}})");
      }
      return Answer(200, json{{"success", true}, {"result", {{"name", q.at("id")}}}}.dump());
    });
    t_->On("package_search", [this](const Query& q) {
      std::string org = q.at("fq").substr(13);
      if (org.size() > 1 && org.front() == '"') org = org.substr(1, org.size() - 2);
      json results = json::array();
      const auto& ds = orgs_[org];
      int start = std::stoi(q.at("start")), rows = std::min(3, std::stoi(q.at("rows")));
      for (int i = start; i < std::min<int>(ds.size(), start + rows); ++i) {
        const Ds& d = ds[i];
        json pkg = {{"name", d.name},
                    {"title", d.name},
                    {"metadata_modified", d.modified + "T09:00:00.000001"},
                    {"organization", {{"name", org}}},
                    {"resources",
                     json::array({{{"id", "r-" + d.name},
                                   {"url", "http://data.test/dataset/" + d.name + "/download/" + d.name + ".csv"},
                                   {"datastore_active", true}}})}};
        if (!d.frequency.empty()) {
          pkg["extras"] = json::array({{{"key", "update_frequency"}, {"value", d.frequency}}});
        }
        results.push_back(pkg);
      }
      return Answer(200, json{{"success", true},
                              {"result", {{"count", ds.size()}, {"results", results}}}}.dump());
    });
    t_->On("datastore_search", [this](const Query& q) {
      for (const auto& [org, ds] : orgs_) {
        for (const Ds& d : ds) {
          if ("r-" + d.name == q.at("resource_id")) {
            return Answer(200, json{{"success", true},
                                    {"result", {{"total", d.records}, {"records", json::array()}}}}.dump());
          }
        }
      }
      return Answer(404, R"({"success": false, "error": {"__type": "Not Found Error", "message": "Resource not found"}})");
    });
    t_->OnFile([this](const std::string&, const std::string& url) {
      for (const auto& [org, ds] : orgs_) {
        for (const Ds& d : ds) {
          if (absl::StrContains(url, "/dataset/" + d.name + "/") && d.broken) {
            return Answer(404, "<html>404</html>", "text/html");
          }
        }
      }
      return Answer(200, "", "text/csv");
    });
  }

 private:
  FakeTransport* t_;
  std::map<std::string, std::vector<Ds>> orgs_;
  std::vector<std::string> listed_;
};

common::v1::Unit MakeUnit(const std::string& id, const std::string& org, int quota) {
  common::v1::Unit u;
  u.set_name("units/" + id);
  u.set_display_name(id);
  u.set_open_data_org(org);
  u.set_open_data_quota(quota);
  return u;
}

OpenDataCheckOptions FastOptions() {
  OpenDataCheckOptions o;
  o.client.retry_backoff = absl::Milliseconds(1);
  o.parallelism = 3;
  return o;
}

common::v1::Portal MakePortal() {
  common::v1::Portal p;
  p.set_name("portals/kaifang-test");
  p.set_api_url("http://data.test/");
  return p;
}

const common::v1::Observation* Find(const std::vector<common::v1::Observation>& obs,
                                    const std::string& target) {
  for (const auto& o : obs) {
    if (o.target() == target) return &o;
  }
  return nullptr;
}

std::vector<std::string> Kinds(const common::v1::Observation& o) {
  std::vector<std::string> k;
  for (const auto& f : o.findings()) k.push_back(f.kind());
  return k;
}

class OpenDataCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    portal_.Org("o-clean", {{"clean-1", "2020-06-25", "每月"}, {"clean-2", "2020-05-01", "每季度"},
                            // no declared frequency: the default period (365 days) applies
                            {"clean-3", "2019-12-01", ""}});
    portal_.Org("o-below", {{"below-1", "2020-06-25", "每周"}});
    portal_.Org("o-stale", {{"stale-1", "2020-01-01", "每月"}, {"stale-ok", "2020-06-29", "每日"}});
    portal_.Org("o-zero", {{"zero-1", "2020-06-25", "每月", 0}, {"zero-ok", "2020-06-25", "每月"}});
    portal_.Org("o-broken", {{"broken-1", "2020-06-25", "每月", 10, true}});
    portal_.Org("o-unlisted", {{"unlisted-1", "2020-06-25", "每月"}}, /*listed=*/false);
    portal_.Install();
    units_ = {MakeUnit("u-clean", "o-clean", 3),   MakeUnit("u-nc", "o-missing", 2),
              MakeUnit("u-below", "o-below", 4),   MakeUnit("u-stale", "o-stale", 2),
              MakeUnit("u-zero", "o-zero", 2),     MakeUnit("u-broken", "o-broken", 1),
              MakeUnit("u-unlisted", "o-unlisted", 1), MakeUnit("u-none", "", 0)};
  }

  PortalCheckResult Check() {
    return CheckPortal(MakePortal(), units_, absl::CivilDay(2020, 6, 30), &transport_,
                       FastOptions(), nullptr);
  }

  FakeTransport transport_;
  FakePortal portal_{&transport_};
  std::vector<common::v1::Unit> units_;
};

TEST_F(OpenDataCheckTest, EveryKindOnItsUnitAndNothingElse) {
  PortalCheckResult r = Check();
  ASSERT_THAT(r.portal_status, IsOk());
  EXPECT_FALSE(r.transient_failure);
  ASSERT_EQ(r.observations.size(), 8u);  // portal + 7 units with an org
  EXPECT_EQ(r.observations[0].target(), "portals/kaifang-test");
  EXPECT_EQ(r.observations[0].status(), common::v1::TARGET_STATUS_ASSESSED);
  EXPECT_EQ(r.observations[0].open_data().units_checked(), 7);
  EXPECT_EQ(Find(r.observations, "units/u-none"), nullptr);
  for (size_t i = 1; i < r.observations.size(); ++i) {
    EXPECT_EQ(r.observations[i].status(), common::v1::TARGET_STATUS_ASSESSED)
        << r.observations[i].target() << " " << r.observations[i].not_assessed_reason();
    EXPECT_EQ(r.observations[i].unit(), r.observations[i].target());
  }
  using ::testing::ElementsAre;
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-clean")), ElementsAre());
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-unlisted")), ElementsAre());
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-nc")), ElementsAre("opendata_not_connected"));
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-below")), ElementsAre("opendata_below_quota"));
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-stale")), ElementsAre("opendata_stale_dataset"));
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-zero")), ElementsAre("opendata_zero_records"));
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-broken")),
              ElementsAre("opendata_resource_broken"));

  const auto& nc = Find(r.observations, "units/u-nc")->findings(0);
  EXPECT_EQ(nc.indicator(), "opendata_connection");
  EXPECT_EQ(nc.detail(), "o-missing");
  const auto& below = Find(r.observations, "units/u-below")->findings(0);
  EXPECT_EQ(below.indicator(), "opendata_quota");
  EXPECT_EQ(below.detail(), "datasets=1 quota=4");
  const auto& stale = Find(r.observations, "units/u-stale")->findings(0);
  EXPECT_EQ(stale.indicator(), "opendata_freshness");
  EXPECT_EQ(stale.text(), "stale-1");
  EXPECT_EQ(stale.date(), "2020-01-01");
  EXPECT_EQ(stale.url(), "http://data.test/dataset/stale-1");
  const auto& zero = Find(r.observations, "units/u-zero")->findings(0);
  EXPECT_EQ(zero.indicator(), "opendata_quality");
  EXPECT_EQ(zero.text(), "zero-1");
  const auto& broken = Find(r.observations, "units/u-broken")->findings(0);
  EXPECT_EQ(broken.indicator(), "opendata_quality");
  EXPECT_EQ(broken.url(), "http://data.test/dataset/broken-1/download/broken-1.csv");
  EXPECT_EQ(broken.text(), "broken-1");
  EXPECT_EQ(broken.detail(), "http_404");

  const auto& ev = Find(r.observations, "units/u-clean")->open_data();
  EXPECT_TRUE(ev.organization_found());
  EXPECT_EQ(ev.dataset_count(), 3);
  EXPECT_EQ(ev.quota(), 3);
  ASSERT_EQ(ev.datasets_size(), 3);
  EXPECT_EQ(ev.datasets(2).name(), "clean-3");
  EXPECT_TRUE(ev.datasets(2).update_period_defaulted());
  EXPECT_EQ(ev.datasets(2).update_period_days(), 365);
  EXPECT_EQ(ev.datasets(0).record_total(), 100);
  EXPECT_EQ(ev.datasets(0).modified_date(), "2020-06-25");
}

TEST_F(OpenDataCheckTest, StaleThresholdFollowsOptions) {
  OpenDataCheckOptions o = FastOptions();
  o.default_update_period_days = 90;  // clean-3 (212 days, no frequency) becomes stale
  PortalCheckResult r =
      CheckPortal(MakePortal(), units_, absl::CivilDay(2020, 6, 30), &transport_, o, nullptr);
  EXPECT_THAT(Kinds(*Find(r.observations, "units/u-clean")),
              ::testing::ElementsAre("opendata_stale_dataset"));
}

TEST_F(OpenDataCheckTest, UnreadablePortalIsNotAssessedAndRetriedWhileDeliveriesRemain) {
  transport_.On("organization_list", [](const Query&) {
    return Answer(503, "<html><h1>503 Service Unavailable</h1></html>", "text/html");
  });
  common::v1::TaskPayload payload;
  payload.set_round("rounds/r1");
  payload.set_as_of("2020-06-30");
  *payload.mutable_portal() = MakePortal();
  for (const auto& u : units_) *payload.add_units() = u;
  auto first = RunPortalTask(payload, 1, 5, &transport_, FastOptions(), nullptr, nullptr);
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 503")));
  auto last = RunPortalTask(payload, 5, 5, &transport_, FastOptions(), nullptr, nullptr);
  ASSERT_THAT(last, IsOk());
  ASSERT_EQ(last->size(), 8u);
  for (const auto& o : *last) {
    EXPECT_EQ(o.status(), common::v1::TARGET_STATUS_NOT_ASSESSED) << o.target();
    EXPECT_THAT(o.not_assessed_reason(), HasSubstr("开放数据平台无法读取"));
    EXPECT_THAT(o.not_assessed_reason(), HasSubstr("HTTP 503"));
    EXPECT_EQ(o.findings_size(), 0);
  }
}

TEST_F(OpenDataCheckTest, PermanentFailureOfOneUnitIsNotRetried) {
  transport_.On("package_search", [](const Query& q) {
    if (absl::StrContains(q.at("fq"), "o-zero")) {
      return Answer(200, "<!DOCTYPE html><html>维护中</html>", "text/html");
    }
    return Answer(200, R"({"success": true, "result": {"count": 0, "results": []}})");
  });
  common::v1::TaskPayload payload;
  payload.set_as_of("2020-06-30");
  *payload.mutable_portal() = MakePortal();
  for (const auto& u : units_) *payload.add_units() = u;
  auto obs = RunPortalTask(payload, 1, 5, &transport_, FastOptions(), nullptr, nullptr);
  ASSERT_THAT(obs, IsOk());
  const auto* zero = Find(*obs, "units/u-zero");
  ASSERT_NE(zero, nullptr);
  EXPECT_EQ(zero->status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(zero->not_assessed_reason(), HasSubstr("HTML page"));
  EXPECT_EQ(zero->findings_size(), 0);
  EXPECT_EQ(Find(*obs, "units/u-clean")->status(), common::v1::TARGET_STATUS_ASSESSED);
  EXPECT_EQ((*obs)[0].open_data().units_not_assessed(), 1);
}

TEST_F(OpenDataCheckTest, UnanswerableDownloadMakesOnlyThatUnitNotAssessed) {
  transport_.OnFile([](const std::string&, const std::string& url) {
    if (absl::StrContains(url, "stale-ok")) return Failure(common::v1::FETCH_ERROR_TIMEOUT);
    return Answer(200, "", "text/csv");
  });
  common::v1::TaskPayload payload;
  payload.set_as_of("2020-06-30");
  *payload.mutable_portal() = MakePortal();
  for (const auto& u : units_) *payload.add_units() = u;
  EXPECT_THAT(RunPortalTask(payload, 2, 5, &transport_, FastOptions(), nullptr, nullptr),
              StatusIs(absl::StatusCode::kUnavailable));
  auto obs = RunPortalTask(payload, 5, 5, &transport_, FastOptions(), nullptr, nullptr);
  ASSERT_THAT(obs, IsOk());
  EXPECT_EQ(Find(*obs, "units/u-stale")->status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(Find(*obs, "units/u-stale")->not_assessed_reason(), HasSubstr("timeout"));
  // The portal's API kept answering: every other unit is assessed.
  EXPECT_EQ((*obs)[0].open_data().units_not_assessed(), 1);
  EXPECT_THAT(Kinds(*Find(*obs, "units/u-zero")), ::testing::ElementsAre("opendata_zero_records"));
}

TEST_F(OpenDataCheckTest, BadPayloadIsNotAssessedAtOnce) {
  common::v1::TaskPayload payload;
  payload.set_as_of("30/06/2020");
  *payload.mutable_portal() = MakePortal();
  *payload.add_units() = units_[0];
  auto obs = RunPortalTask(payload, 1, 5, &transport_, FastOptions(), nullptr, nullptr);
  ASSERT_THAT(obs, IsOk());
  ASSERT_EQ(obs->size(), 2u);
  EXPECT_EQ((*obs)[1].status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT((*obs)[1].not_assessed_reason(), HasSubstr("as_of"));
  EXPECT_EQ(transport_.Calls("organization_list"), 0);
}

}  // namespace
}  // namespace govinspect::dataopen
