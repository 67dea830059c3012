#include "services/coordinator/coordinator_server.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/log/log.h"
#include "common/redis/work_queue.h"
#include "common/status/grpc_status.h"
#include "govinspect/report/v1/report_service.grpc.pb.h"
#include "govinspect/scoring/v1/scoring_service.grpc.pb.h"

namespace govinspect::coordinator {
namespace {

// Scoring and report steps through the other services' APIs (callback client, bounded wait).
class GrpcPipelineSteps : public PipelineSteps {
 public:
  GrpcPipelineSteps(const std::string& scoring, const std::string& report, std::string token,
                    absl::Duration timeout)
      : token_(std::move(token)), timeout_(timeout) {
    if (!scoring.empty()) {
      scoring_ = scoring::v1::ScoringService::NewStub(
          grpc::CreateChannel(scoring, grpc::InsecureChannelCredentials()));
    }
    if (!report.empty()) {
      report_ = report::v1::ReportService::NewStub(
          grpc::CreateChannel(report, grpc::InsecureChannelCredentials()));
    }
  }

  absl::Status ScoreRound(const v1::Round& round) override {
    if (scoring_ == nullptr) return absl::UnimplementedError("no scoring service configured");
    scoring::v1::ScoreRoundRequest req;
    req.set_round(round.name());
    req.set_ruleset(round.ruleset());
    scoring::v1::Scoring resp;
    return Call([&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
      scoring_->async()->ScoreRound(ctx, &req, &resp, std::move(done));
    });
  }

  absl::Status CreateReport(const v1::Round& round) override {
    if (report_ == nullptr) return absl::UnimplementedError("no report service configured");
    report::v1::CreateReportRequest req;
    req.mutable_report()->set_round(round.name());
    req.set_request_id(absl::StrCat("round-report-", round.name()));
    report::v1::Report resp;
    return Call([&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
      report_->async()->CreateReport(ctx, &req, &resp, std::move(done));
    });
  }

  absl::Status CheckRuleset(const std::string& ruleset) override {
    if (scoring_ == nullptr) return absl::UnimplementedError("no scoring service configured");
    scoring::v1::GetRulesetRequest req;
    req.set_name(ruleset);
    scoring::v1::Ruleset resp;
    // A lookup in the scoring service's memory: a short deadline, so CreateRound fails fast.
    return Call(
        [&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
          scoring_->async()->GetRuleset(ctx, &req, &resp, std::move(done));
        },
        std::min(timeout_, absl::Seconds(5)));
  }

  void Cancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    for (grpc::ClientContext* ctx : active_) ctx->TryCancel();
  }

 private:
  template <typename Start>
  absl::Status Call(Start start, absl::Duration timeout = absl::InfiniteDuration()) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoNanoseconds(std::min(timeout, timeout_)));
    ctx.set_wait_for_ready(false);
    common::AddBearerToken(&ctx, token_);
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_) return absl::CancelledError("the coordinator is stopping");
      active_.insert(&ctx);
    }
    absl::Notification done;
    grpc::Status result;
    start(&ctx, [&](grpc::Status s) {
      result = std::move(s);
      done.Notify();
    });
    done.WaitForNotification();  // bounded by the deadline, or by Cancel()
    {
      absl::MutexLock lock(&mu_);
      active_.erase(&ctx);
    }
    return common::FromGrpcStatus(result);
  }

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  // Calls in flight (cancelled by Cancel()).
  std::set<grpc::ClientContext*> active_ ABSL_GUARDED_BY(mu_);
  std::string token_;
  absl::Duration timeout_;
  std::unique_ptr<scoring::v1::ScoringService::Stub> scoring_;
  std::unique_ptr<report::v1::ReportService::Stub> report_;
};

}  // namespace

absl::Status ValidateOptions(const CoordinatorServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (o.key_prefix.empty()) return absl::InvalidArgumentError("--key_prefix must not be empty");
  if (o.executor_threads < 1) return absl::InvalidArgumentError("--executor_threads must be ≥ 1");
  if (o.executor_queue < 1) return absl::InvalidArgumentError("--executor_queue must be ≥ 1");
  if (o.lease < absl::Seconds(1)) return absl::InvalidArgumentError("--lease must be ≥ 1s");
  if (o.max_deliveries < 1) return absl::InvalidArgumentError("--max_deliveries must be ≥ 1");
  if (o.step_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--step_timeout must be positive");
  }
  if (o.step_attempts < 1) return absl::InvalidArgumentError("step attempts must be ≥ 1");
  if (o.step_backoff < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("step backoff must be ≥ 0");
  }
  if (o.event_claim_idle < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError("event claim idle time must be ≥ 1ms");
  }
  if (o.step_give_up < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--step_give_up must be ≥ 0");
  }
  return ValidateProbeOptions(o.probe);
}

CoordinatorServer::CoordinatorServer() = default;
CoordinatorServer::~CoordinatorServer() { Shutdown(); }

absl::Status CoordinatorServer::BuildAndStart(const CoordinatorServerOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  options_ = options;
  pool_ = std::make_unique<common::RedisPool>(options.redis);
  {
    auto conn = pool_->Borrow();
    if (auto ping = conn->Command({"PING"}); !ping.ok()) {
      return absl::UnavailableError(absl::StrCat("redis: ", ping.status().message()));
    }
  }
  steps_ = std::make_unique<GrpcPipelineSteps>(options.scoring_address, options.report_address,
                                               options.api_token, options.step_timeout);
  RoundManagerOptions mo;
  mo.key_prefix = options.key_prefix;
  mo.queue.key_prefix = options.key_prefix;
  mo.queue.lease = options.lease;
  mo.queue.max_deliveries = options.max_deliveries;
  mo.step_attempts = options.step_attempts;
  mo.step_backoff = options.step_backoff;
  mo.step_give_up = options.step_give_up;
  mo.event_claim_idle = options.event_claim_idle;
  runner_ = std::make_unique<common::ServerRunner>(options.server);
  // Both reasons exported from the start, so that an alert on increase() sees the first one.
  auto& lost = prometheus::BuildCounter()
                   .Name("govinspect_coordinator_state_lost_total")
                   .Help("Rounds whose state or results Redis lost, by reason: redis_empty (a "
                         "round the coordinator knew is gone: Redis restarted empty or was "
                         "flushed), write_refused (results Redis refused to store). Each such "
                         "round is FAILED and says why.")
                   .Register(runner_->registry());
  std::map<std::string, prometheus::Counter*> lost_by_reason = {
      {"redis_empty", &lost.Add({{"reason", "redis_empty"}})},
      {"write_refused", &lost.Add({{"reason", "write_refused"}})}};
  mo.on_state_lost = [lost_by_reason](const std::string& reason) {
    if (auto it = lost_by_reason.find(reason); it != lost_by_reason.end()) it->second->Increment();
  };
  manager_ = std::make_unique<RoundManager>(mo, pool_.get(), steps_.get());
  executor_ = std::make_unique<common::BoundedExecutor>("coordinator", options.executor_threads,
                                                        options.executor_queue);
  auth_ = std::make_unique<common::RpcAuthorizer>(options.api_token);
  if (!auth_->enabled() && options.server.tls_client_ca_file.empty()) {
    GI_LOG(WARNING) << "no API token set: mutating RPCs are open to anyone who can connect";
  }
  hub_ = std::make_unique<WatchHub>(manager_.get(), options.watch_period);
  registry_service_ =
      std::make_unique<RegistryServiceImpl>(manager_.get(), executor_.get(), auth_.get());
  round_service_ = std::make_unique<RoundServiceImpl>(manager_.get(), executor_.get(),
                                                      auth_.get(), hub_.get());
  runner_->AddService(registry_service_.get(), "govinspect.coordinator.v1.RegistryService");
  runner_->AddService(round_service_.get(), "govinspect.coordinator.v1.RoundService");
  runner_->AddDrainHook([this] {
    // Steps waiting for scoring / report give up at once (the round stays where it is, for the
    // next sweep): the event loop must not hold the shutdown for their retries.
    manager_->Stop();
    stop_ = true;
    if (event_loop_.joinable()) event_loop_.join();
    hub_->Stop();
  });
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  event_loop_ = std::thread([this] { manager_->RunEventLoop(&stop_, options_.sweep_every); });
  metrics_thread_ = std::thread([this] { CollectMetrics(); });
  ProbeOptions probe = options.probe;
  probe.store.key_prefix = options.key_prefix;
  ConfigureRoundAvailability(probe);
  probe_scheduler_ = std::make_unique<ProbeScheduler>(probe, pool_.get());
  probe_thread_ = std::thread([this] { probe_scheduler_->Run(&stop_); });
  GI_LOG(INFO).With("redis", options.redis.unix_socket.empty()
                                 ? absl::StrCat(options.redis.host, ":", options.redis.port)
                                 : options.redis.unix_socket)
      .With("scoring", options.scoring_address).With("report", options.report_address)
      .With("auth", auth_->enabled() ? "token" : "none")
      << "coordinator configured";
  return absl::OkStatus();
}

void CoordinatorServer::CollectMetrics() {
  auto& reg = runner_->registry();
  auto& length = prometheus::BuildGauge().Name("govinspect_queue_length")
                     .Help("Tasks in the stream (waiting or being worked).").Register(reg);
  auto& pending = prometheus::BuildGauge().Name("govinspect_queue_pending")
                      .Help("Tasks delivered to a worker and not yet finished.").Register(reg);
  auto& lag = prometheus::BuildGauge().Name("govinspect_queue_lag")
                  .Help("Tasks not yet delivered to any worker.").Register(reg);
  auto& dead = prometheus::BuildGauge().Name("govinspect_queue_dead_letters")
                   .Help("Entries in the dead-letter stream.").Register(reg);
  auto& rounds = prometheus::BuildGauge().Name("govinspect_coordinator_active_rounds")
                     .Help("Rounds not yet DONE, FAILED or CANCELLED.").Register(reg).Add({});
  auto& tasks = prometheus::BuildGauge().Name("govinspect_coordinator_round_tasks")
                    .Help("Tasks of the active rounds, by kind and status.").Register(reg);
  auto& up = prometheus::BuildGauge().Name("govinspect_redis_up")
                 .Help("1 if the last Redis call of the metrics collector succeeded.")
                 .Register(reg).Add({});
  auto& round_info = prometheus::BuildGauge().Name("govinspect_round_info")
                         .Help("1 for each of the 20 newest rounds, labelled with its state.")
                         .Register(reg);
  auto& round_tasks = prometheus::BuildGauge().Name("govinspect_round_tasks")
                          .Help("Tasks of each of the 20 newest rounds, by kind and status.")
                          .Register(reg);
  std::map<std::string, prometheus::Gauge*> info_children, task_children;
  struct KindGauges {
    prometheus::Gauge *length, *pending, *lag, *dead, *total, *done, *failed;
  };
  std::map<std::string, KindGauges> kinds;
  for (const char* k : {"crawl", "account", "portal"}) {
    kinds[k] = {&length.Add({{"queue", k}}), &pending.Add({{"queue", k}}),
                &lag.Add({{"queue", k}}),    &dead.Add({{"queue", k}}),
                &tasks.Add({{"kind", k}, {"status", "total"}}),
                &tasks.Add({{"kind", k}, {"status", "done"}}),
                &tasks.Add({{"kind", k}, {"status", "dead"}})};
  }
  common::RedisConnection conn(options_.redis);
  common::WorkQueueOptions qo;
  qo.key_prefix = options_.key_prefix;
  common::WorkQueue queue(&conn, qo);
  do {
    bool ok = true;
    for (auto& [k, g] : kinds) {
      auto s = queue.Stats(k);
      if (!s.ok()) {
        ok = false;
        break;
      }
      g.length->Set(s->length);
      g.pending->Set(s->pending);
      g.lag->Set(s->lag);
      g.dead->Set(s->dead_letters);
    }
    auto active = manager_->ActiveRounds();
    if (active.ok()) {
      rounds.Set(active->size());
      std::map<std::string, std::array<int64_t, 3>> sums;
      for (const auto& r : *active) {
        for (const auto& p : r.progress()) {
          auto& s = sums[QueueName(p.kind())];
          s[0] += p.total();
          s[1] += p.done();
          s[2] += p.dead();
        }
      }
      for (auto& [k, g] : kinds) {
        g.total->Set(sums[k][0]);
        g.done->Set(sums[k][1]);
        g.failed->Set(sums[k][2]);
      }
    } else {
      ok = false;
    }
    // Per-round series for the newest rounds; series of older rounds are removed.
    auto recent = manager_->ListRounds(20, "");
    if (recent.ok()) {
      std::map<std::string, prometheus::Gauge*> info_now, tasks_now;
      for (const auto& r : recent->rounds()) {
        std::string id = r.name().substr(r.name().find('/') + 1);
        std::string state = v1::Round::State_Name(r.state());
        std::string key = id + "|" + state;
        auto it = info_children.find(key);
        prometheus::Gauge* g = it != info_children.end()
                                   ? it->second
                                   : &round_info.Add({{"round", id}, {"state", state}});
        g->Set(1);
        info_now[key] = g;
        for (const auto& p : r.progress()) {
          const std::string kind = QueueName(p.kind());
          for (auto [status, value] : {std::pair<const char*, int64_t>{"total", p.total()},
                                       {"done", p.done()},
                                       {"dead", p.dead()}}) {
            std::string tkey = absl::StrCat(id, "|", kind, "|", status);
            auto t = task_children.find(tkey);
            prometheus::Gauge* tg =
                t != task_children.end()
                    ? t->second
                    : &round_tasks.Add({{"round", id}, {"kind", kind}, {"status", status}});
            tg->Set(static_cast<double>(value));
            tasks_now[tkey] = tg;
          }
        }
      }
      for (auto& [key, g] : info_children) {
        if (!info_now.count(key)) round_info.Remove(g);
      }
      for (auto& [key, g] : task_children) {
        if (!tasks_now.count(key)) round_tasks.Remove(g);
      }
      info_children = std::move(info_now);
      task_children = std::move(tasks_now);
    }
    up.Set(ok ? 1 : 0);
  } while (!metrics_stop_.WaitForNotificationWithTimeout(options_.metrics_period));
}

void CoordinatorServer::Shutdown() {
  if (manager_ != nullptr) manager_->Stop();
  if (runner_ != nullptr) runner_->Shutdown();
  stop_ = true;
  if (event_loop_.joinable()) event_loop_.join();
  if (probe_thread_.joinable()) probe_thread_.join();
  if (!metrics_stop_.HasBeenNotified()) metrics_stop_.Notify();
  if (metrics_thread_.joinable()) metrics_thread_.join();
  if (hub_ != nullptr) hub_->Stop();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::coordinator
