#include "services/report/tiny_fixture.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/testing/redis_server.h"
#include "nlohmann/json.hpp"
#include "gtest/gtest.h"
#include "services/coordinator/registry_import.h"
#include "services/scoring/engine.h"
#include "services/scoring/ruleset.h"
#include "tools/simprovince/civil_date.h"
#include "tools/simprovince/generate.h"
#include "tools/simprovince/truth.h"

namespace govinspect::report::testing {
namespace {

using common::v1::Finding;
using common::v1::Observation;

std::string& NotAssessed() {
  static auto* s = new std::string();
  return *s;
}

}  // namespace

const std::string& NotAssessedTarget() { return NotAssessed(); }

absl::StatusOr<ReportInput> TinyInput(const std::string& round_id) {
  simprovince::GenerateOptions o;
  o.seed = kTinySeed;
  o.as_of = simprovince::DayFromYmd(2020, 6, 30);
  o.profile = simprovince::Profile::kTiny;
  GOVINSPECT_ASSIGN_OR_RETURN(simprovince::Province p, simprovince::GenerateProvince(o));
  govinspect::testing::TempDir dir;
  GOVINSPECT_RETURN_IF_ERROR(simprovince::WriteProvince(p, dir.path()));
  std::vector<coordinator::RegistryFile> files;
  for (const char* name : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
    std::ifstream in(absl::StrCat(dir.path(), "/", name));
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back({name, ss.str()});
  }
  ReportInput input;
  GOVINSPECT_ASSIGN_OR_RETURN(input.registry, coordinator::ParseRegistryBundle(files));
  input.round.name = absl::StrCat("rounds/", round_id);
  input.round.as_of = kTinyAsOf;
  input.round.display_name = "2020年第二季度";
  input.round.ruleset = "gov-2019";

  const nlohmann::json truth = simprovince::BuildTruth(p);
  for (const auto& t : truth["targets"]) {
    if (t.value("type", "") == "account" && t.value("in_registry", true) && t["findings"].empty() &&
        t["expected"].value("result", "") == "pass") {
      NotAssessed() = t["target"].get<std::string>();
    }
  }
  for (const auto& t : truth["targets"]) {
    if (t.contains("in_registry") && !t["in_registry"].get<bool>()) continue;
    Observation obs;
    obs.set_round(input.round.name);
    obs.set_target(t["target"].get<std::string>());
    obs.set_name(absl::StrCat(input.round.name, "/observations/", obs.target()));
    obs.set_unit(t["unit"].get<std::string>());
    if (obs.target() == NotAssessedTarget()) {
      obs.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
      obs.set_not_assessed_reason("平台接口连续5次超时，任务已转入死信队列");
    } else {
      obs.set_status(common::v1::TARGET_STATUS_ASSESSED);
      for (const auto& f : t["findings"]) {
        Finding* x = obs.add_findings();
        x->set_kind(f.value("kind", ""));
        x->set_indicator(f.value("indicator", ""));
        x->set_url(f.value("url", ""));
        x->set_source_url(f.value("source_url", ""));
        x->set_text(f.value("text", ""));
        x->set_excerpt(f.value("excerpt", ""));
        x->set_date(f.value("date", ""));
        x->set_detail(f.value("detail", ""));
      }
    }
    input.observations.push_back(std::move(obs));
  }
  ScoreFromTruth(&input);
  return input;
}

void ScoreFromTruth(ReportInput* in) {
  // The real scoring engine with the source tree's gov-2019 ruleset.
  auto catalog = scoring::RulesetCatalog::LoadDir(GOVINSPECT_SOURCE_DIR "/rulesets");
  if (!catalog.ok()) {
    ADD_FAILURE() << "rulesets: " << catalog.status();
    return;
  }
  auto ruleset = catalog->Find("gov-2019");
  if (ruleset == nullptr) {
    ADD_FAILURE() << "no gov-2019 ruleset";
    return;
  }
  scoring::Engine engine(ruleset->ruleset, ruleset->digest);
  auto result = engine.ScoreRound(in->round.name, in->round.as_of, in->observations, in->registry);
  if (!result.ok()) {
    ADD_FAILURE() << "ScoreRound: " << result.status();
    return;
  }
  in->scoring = std::move(result->scoring);
  in->cards = std::move(result->cards);
}

PreviousRound PreviousOf(const ReportInput& input) {
  PreviousRound prev;
  prev.round.name = "rounds/tiny-2020q1";
  prev.round.as_of = "2020-03-31";
  prev.round.display_name = "2020年第一季度";
  prev.round.ruleset = "gov-2019";
  prev.observations = input.observations;
  for (Observation& o : prev.observations) {
    o.set_round(prev.round.name);
    if (o.target() == "sites/zs-tjj-site") {
      Finding* f = o.add_findings();
      f->set_kind("broken_link");
      f->set_indicator("site_deduct_broken_links");
      f->set_url("http://tjj.zs.gov.cn/old/404.html");
      f->set_source_url("http://tjj.zs.gov.cn/");
      f->set_detail("http_404");
    }
    if (o.target() == "sites/zs-gov-site") {
      auto* fs = o.mutable_findings();
      for (int i = fs->size() - 1; i >= 0; --i) {
        if (fs->Get(i).kind() == "expression_error") fs->DeleteSubrange(i, 1);
      }
    }
    if (o.target() == NotAssessedTarget()) {
      o.set_status(common::v1::TARGET_STATUS_ASSESSED);
      o.clear_not_assessed_reason();
      Finding* f = o.add_findings();
      f->set_kind("account_not_updated");
      f->set_indicator("account_not_updated");
      f->set_date("2020-02-01");
    }
  }
  return prev;
}

}  // namespace govinspect::report::testing
