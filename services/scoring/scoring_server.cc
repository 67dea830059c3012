#include "services/scoring/scoring_server.h"

#include <algorithm>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"

namespace govinspect::scoring {

absl::Status ValidateOptions(const ScoringServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (o.key_prefix.empty()) return absl::InvalidArgumentError("--key_prefix must not be empty");
  if (o.rulesets_dir.empty()) return absl::InvalidArgumentError("--rulesets_dir must not be empty");
  if (o.executor_threads < 1) return absl::InvalidArgumentError("--executor_threads must be ≥ 1");
  if (o.executor_queue < 1) return absl::InvalidArgumentError("--executor_queue must be ≥ 1");
  return absl::OkStatus();
}

RoundMetrics::RoundMetrics(prometheus::Registry& registry)
    : pass_ratio_(prometheus::BuildGauge()
                      .Name("govinspect_scoring_pass_ratio")
                      .Help("合格率 / 达标率 of the round's latest scoring by target kind (site, portal_site, "
                            "department_site, account); assessed targets only.")
                      .Register(registry)),
      problems_(prometheus::BuildGauge()
                    .Name("govinspect_scoring_problems")
                    .Help("Findings of the round's latest scoring by finding kind.")
                    .Register(registry)) {}

void RoundMetrics::Record(const v1::Scoring& s) {
  const std::string round = s.round().substr(s.round().find('/') + 1);
  const std::string key = absl::StrCat(round, "|", s.ruleset());
  absl::MutexLock lock(&mu_);
  auto& series = series_[key];
  for (prometheus::Gauge* g : series.pass) pass_ratio_.Remove(g);
  for (prometheus::Gauge* g : series.problems) problems_.Remove(g);
  series = {};
  auto ratio = [&](const char* kind, const v1::VerdictCounts& c) {
    const int assessed = c.passed() + c.failed();
    if (assessed == 0) return;
    prometheus::Gauge& g = pass_ratio_.Add({{"round", round}, {"ruleset", s.ruleset()}, {"target_kind", kind}});
    g.Set(static_cast<double>(c.passed()) / assessed);
    series.pass.push_back(&g);
  };
  ratio("site", s.sites());
  ratio("portal_site", s.portal_sites());
  ratio("department_site", s.department_sites());
  ratio("account", s.accounts());
  for (const auto& k : s.kind_counts()) {
    prometheus::Gauge& g = problems_.Add({{"round", round}, {"ruleset", s.ruleset()}, {"kind", k.kind()}});
    g.Set(k.findings());
    series.problems.push_back(&g);
  }
  // The newest rounds only: the label values stay bounded.
  order_.erase(std::remove(order_.begin(), order_.end(), key), order_.end());
  order_.push_back(key);
  while (order_.size() > kMaxRounds) {
    auto& old = series_[order_.front()];
    for (prometheus::Gauge* g : old.pass) pass_ratio_.Remove(g);
    for (prometheus::Gauge* g : old.problems) problems_.Remove(g);
    series_.erase(order_.front());
    order_.erase(order_.begin());
  }
}

ScoringServer::ScoringServer() = default;
ScoringServer::~ScoringServer() { Shutdown(); }

absl::Status ScoringServer::BuildAndStart(const ScoringServerOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  absl::StatusOr<RulesetCatalog> catalog = RulesetCatalog::LoadDir(options.rulesets_dir);
  if (!catalog.ok()) {
    return absl::Status(catalog.status().code(),
                        absl::StrCat("rulesets: ", catalog.status().message()));
  }
  auto shared_catalog = std::make_shared<const RulesetCatalog>(*std::move(catalog));
  pool_ = std::make_unique<common::RedisPool>(options.redis);
  {
    auto conn = pool_->Borrow();
    if (auto ping = conn->Command({"PING"}); !ping.ok()) {
      return absl::UnavailableError(absl::StrCat("redis: ", ping.status().message()));
    }
  }
  runner_ = std::make_unique<common::ServerRunner>(options.server);
  auto& reg = runner_->registry();
  auto& scorings = prometheus::BuildCounter()
                       .Name("govinspect_scoring_scorings_total")
                       .Help("Scorings of rounds computed (ScoreRound and RescoreRound).")
                       .Register(reg)
                       .Add({});
  auto& cards = prometheus::BuildCounter()
                    .Name("govinspect_scoring_scorecards_total")
                    .Help("Scorecards computed.")
                    .Register(reg)
                    .Add({});
  auto& seconds = prometheus::BuildHistogram()
                      .Name("govinspect_scoring_round_seconds")
                      .Help("Time to score one round (read, score, store).")
                      .Register(reg)
                      .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.5, 1, 5,
                                                                       10, 30});
  round_metrics_ = std::make_unique<RoundMetrics>(reg);
  scorer_ = std::make_unique<RoundScorer>(
      shared_catalog, pool_.get(), options.key_prefix,
      [&scorings, &cards, &seconds, m = round_metrics_.get()](const v1::Scoring& s, double secs) {
        scorings.Increment();
        cards.Increment(s.scorecard_count());
        seconds.Observe(secs);
        m->Record(s);
      });
  executor_ = std::make_unique<common::BoundedExecutor>("scoring", options.executor_threads,
                                                        options.executor_queue);
  auth_ = std::make_unique<common::RpcAuthorizer>(options.api_token);
  if (!auth_->enabled() && options.server.tls_client_ca_file.empty()) {
    GI_LOG(WARNING) << "no API token set: ScoreRound and RescoreRound are open to anyone who can "
                       "connect";
  }
  service_ = std::make_unique<ScoringServiceImpl>(scorer_.get(), executor_.get(), auth_.get());
  runner_->AddService(service_.get(), "govinspect.scoring.v1.ScoringService");
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  GI_LOG(INFO).With("rulesets_dir", options.rulesets_dir)
          .With("rulesets", absl::StrJoin(shared_catalog->Names(), ","))
          .With("auth", auth_->enabled() ? "token" : "none")
      << "scoring configured";
  return absl::OkStatus();
}

void ScoringServer::Shutdown() {
  if (runner_ != nullptr) runner_->Shutdown();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::scoring
