#include "services/scoring/scoring_server.h"

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
  scorer_ = std::make_unique<RoundScorer>(
      shared_catalog, pool_.get(), options.key_prefix,
      [&scorings, &cards, &seconds](const v1::Scoring& s, double secs) {
        scorings.Increment();
        cards.Increment(s.scorecard_count());
        seconds.Observe(secs);
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
