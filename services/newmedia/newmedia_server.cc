#include "services/newmedia/newmedia_server.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "services/newmedia/unit_observation_store.h"

namespace govinspect::newmedia {

absl::StatusOr<std::map<std::string, std::string>> ParsePlatformApi(const std::string& spec) {
  std::map<std::string, std::string> out;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    size_t eq = item.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--platform_api: \"", item, "\": want PLATFORM=URL"));
    }
    std::string platform(absl::StripAsciiWhitespace(item.substr(0, eq)));
    std::string url(absl::StripAsciiWhitespace(item.substr(eq + 1)));
    if (ParsePlatformId(platform) == common::v1::PLATFORM_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--platform_api: unknown platform \"", platform,
          "\" (wechat, weibo, douyin, toutiao, app, other)"));
    }
    if (url != "none" && !absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--platform_api: ", platform, ": \"", url, "\" is neither an http(s) URL nor none"));
    }
    if (!out.emplace(platform, url).second) {
      return absl::InvalidArgumentError(absl::StrCat("--platform_api: ", platform, " given twice"));
    }
  }
  return out;
}

absl::Status ValidateOptions(const NewMediaServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (absl::Status s = ValidateOptions(o.check); !s.ok()) return s;
  if (o.worker.threads < 0) return absl::InvalidArgumentError("--worker_threads must be ≥ 0");
  if (o.fetch.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--platform_timeout must be positive");
  }
  if (!o.fetch.connect_to.empty() && o.fetch.connect_to.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect_to \"", o.fetch.connect_to, "\": want host:port"));
  }
  if (o.adapter.attempts < 1) return absl::InvalidArgumentError("--platform_attempts must be ≥ 1");
  if (o.platform_qps < 0) return absl::InvalidArgumentError("--platform_qps must be ≥ 0");
  if (o.platform_burst < 1) return absl::InvalidArgumentError("--platform_burst must be ≥ 1");
  if (o.check_threads < 1) return absl::InvalidArgumentError("--check_threads must be ≥ 1");
  if (o.key_prefix.empty()) return absl::InvalidArgumentError("--key_prefix must not be empty");
  return absl::OkStatus();
}

CheckMetrics::CheckMetrics(prometheus::Registry& registry) {
  auto& checked = prometheus::BuildCounter()
                      .Name("govinspect_newmedia_accounts_checked_total")
                      .Help("Accounts checked by outcome (clean, findings, not_assessed, retry)")
                      .Register(registry);
  clean_ = &checked.Add({{"outcome", "clean"}});
  findings_ = &checked.Add({{"outcome", "findings"}});
  not_assessed_ = &checked.Add({{"outcome", "not_assessed"}});
  retry_ = &checked.Add({{"outcome", "retry"}});
  content_seconds_ = &prometheus::BuildCounter()
                          .Name("govinspect_newmedia_content_check_seconds_total")
                          .Help("CPU seconds spent in the content checker")
                          .Register(registry)
                          .Add({});
}

void CheckMetrics::Record(const AccountCheckResult& r, bool retry) {
  content_seconds_->Increment(r.content_seconds);
  if (retry) {
    retry_->Increment();
  } else if (r.account.status() != common::v1::TARGET_STATUS_ASSESSED) {
    not_assessed_->Increment();
  } else if (r.account.findings_size() > 0) {
    findings_->Increment();
  } else {
    clean_->Increment();
  }
}

absl::StatusOr<std::unique_ptr<AccountChecker>> AccountChecker::Create(
    const NewMediaServerOptions& options, prometheus::Registry* registry,
    std::unique_ptr<HttpGetter> getter) {
  auto c = std::unique_ptr<AccountChecker>(new AccountChecker);
  c->check_ = options.check;
  common::Dictionary dict = common::Dictionary::Default();
  if (!options.dictionaries_dir.empty()) {
    absl::StatusOr<common::Dictionary> loaded =
        common::Dictionary::LoadDirectory(options.dictionaries_dir);
    if (!loaded.ok()) return loaded.status();
    dict = *std::move(loaded);
  }
  auto content = common::ContentChecker::Create(dict);
  if (!content.ok()) return content.status();
  c->content_ = *std::move(content);
  c->getter_ = getter != nullptr ? std::move(getter)
                                 : std::make_unique<FetchGetter>(options.fetch);
  if (registry != nullptr) c->metrics_ = std::make_unique<AdapterMetrics>(*registry);
  for (const auto& [platform, url] : options.platform_api) {
    if (url == "none") continue;
    c->limiters_.push_back(
        std::make_unique<RateLimiter>(options.platform_qps, options.platform_burst));
    c->owned_.push_back(std::make_unique<HttpPlatformAdapter>(
        platform, url, c->getter_.get(), c->limiters_.back().get(), c->metrics_.get(),
        options.adapter));
    c->adapters_[platform] = c->owned_.back().get();
  }
  return c;
}

AccountCheckResult AccountChecker::Check(const common::v1::TaskPayload& payload) const {
  return CheckAccount(payload, adapters_, *content_, check_);
}

int64_t AccountChecker::requests() const {
  int64_t n = 0;
  for (const auto& a : owned_) n += a->requests();
  return n;
}

absl::StatusOr<std::shared_ptr<const OrphanUnitPlan>> NewMediaServer::RoundPlan(
    const std::string& round_id) {
  {
    absl::MutexLock lock(&plans_mu_);
    if (auto it = plans_.find(round_id); it != plans_.end()) return it->second;
  }
  auto conn = pool_->Borrow();
  auto reply = conn->Command(
      {"GET", absl::StrCat(options_.worker.queue.key_prefix, ":round:", round_id, ":registry")});
  if (!reply.ok()) return absl::UnavailableError(absl::StrCat("redis: ", reply.status().message()));
  if (reply->is_nil()) {
    return absl::NotFoundError(absl::StrCat("round ", round_id, " has no registry snapshot"));
  }
  common::v1::Registry registry;
  if (!registry.ParseFromString(reply->str)) {
    return absl::DataLossError(absl::StrCat("the registry snapshot of ", round_id, " is corrupt"));
  }
  auto plan = std::make_shared<const OrphanUnitPlan>(PlanOrphanUnits(registry));
  absl::MutexLock lock(&plans_mu_);
  if (plans_.size() >= 8) plans_.erase(plans_.begin());  // a few rounds at a time
  plans_[round_id] = plan;
  return plan;
}

absl::Status NewMediaServer::SearchOrphanUnits(const common::v1::TaskPayload& payload,
                                               const common::Task& task, bool last_delivery) {
  auto plan = RoundPlan(task.round);
  if (!plan.ok()) {
    GI_LOG_EVERY_N_SEC(WARNING, 10).With("round", payload.round())
        << "cannot plan the search for units without filed accounts: " << plan.status();
    return plan.status().code() == absl::StatusCode::kUnavailable && !last_delivery
               ? plan.status()
               : absl::OkStatus();
  }
  if ((*plan)->first_account != payload.account().name()) return absl::OkStatus();
  int stored = 0;
  for (const common::v1::Unit& unit : (*plan)->units) {
    absl::StatusOr<common::v1::Observation> obs =
        CheckUnitAccounts(payload.round(), unit, checker_->adapters(), options_.check);
    if (!obs.ok()) {
      if (IsTransient(obs.status()) && !last_delivery) return obs.status();
      GI_LOG_EVERY_N_SEC(WARNING, 5).With("unit", unit.name())
          << "the unit's accounts could not be searched: " << obs.status();
      continue;
    }
    absl::Status s = StoreUnitObservation(task.round, *obs);
    if (!s.ok()) {
      // A write Redis refused is never skipped: the worker gives the task up as lost.
      if (!last_delivery || common::IsWriteRefused(s)) return s;
      continue;
    }
    ++stored;
  }
  GI_LOG(INFO).With("round", payload.round()).With("units", static_cast<int64_t>((*plan)->units.size()))
          .With("stored", stored)
      << "searched the platforms for units without filed accounts";
  return absl::OkStatus();
}

absl::StatusOr<common::v1::Observation> NewMediaServer::RunTask(
    const common::v1::TaskPayload& payload, const common::Task& task) {
  AccountCheckResult r = checker_->Check(payload);
  const bool last = task.deliveries >= options_.worker.queue.max_deliveries;
  if (!r.status.ok() && IsTransient(r.status) && !last) {
    metrics_->Record(r, /*retry=*/true);
    GI_LOG_EVERY_N_SEC(WARNING, 5).With("round", payload.round()).With("account", task.target)
            .With("deliveries", task.deliveries)
        << "platform unreadable, the task will be delivered again: " << r.status;
    return absl::UnavailableError(r.status.message());
  }
  if (r.unit.has_value()) {
    absl::Status s = StoreUnitObservation(task.round, *r.unit);
    if (!s.ok()) {
      GI_LOG_EVERY_N_SEC(WARNING, 5).With("unit", r.unit->target())
          << "cannot store the unit observation: " << s;
      // Refused by Redis (maxmemory): the worker delivers the task again and, on the last
      // delivery, gives it up as lost (its round fails naming it) — never dropped silently.
      if (common::IsWriteRefused(s)) return s;
      if (!last) return absl::UnavailableError(s.message());
    }
  } else if (!r.status.ok() && r.account.status() == common::v1::TARGET_STATUS_ASSESSED) {
    GI_LOG_EVERY_N_SEC(WARNING, 5).With("account", task.target)
        << "the unit's accounts could not be searched: " << r.status;
  }
  if (options_.check.search_unit_accounts) {
    if (absl::Status s = SearchOrphanUnits(payload, task, last); !s.ok()) {
      if (common::IsWriteRefused(s)) return s;
      return absl::UnavailableError(s.message());
    }
  }
  metrics_->Record(r, /*retry=*/false);
  return std::move(r.account);
}

absl::Status NewMediaServer::BuildAndStart(const NewMediaServerOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  options_ = options;
  runner_ = std::make_unique<common::ServerRunner>(options_.server);
  auto checker = AccountChecker::Create(options_, &runner_->registry());
  if (!checker.ok()) return checker.status();
  checker_ = *std::move(checker);
  metrics_ = std::make_unique<CheckMetrics>(runner_->registry());
  pool_ = std::make_unique<common::RedisPool>(options_.redis);
  executor_ = std::make_unique<common::BoundedExecutor>("check", options_.check_threads, 16);
  auth_ = std::make_unique<common::RpcAuthorizer>(options_.api_token);
  if (!auth_->enabled() && options_.server.tls_client_ca_file.empty()) {
    GI_LOG(WARNING) << "no API token set: CheckAccount is open to anyone who can connect";
  }
  CheckAccountBackend backend;
  backend.registry = [this]() -> absl::StatusOr<common::v1::Registry> {
    auto conn = pool_->Borrow();
    auto reply = conn->Command({"GET", absl::StrCat(options_.key_prefix, ":registry")});
    if (!reply.ok()) {
      return absl::UnavailableError(absl::StrCat("redis: ", reply.status().message()));
    }
    if (reply->is_nil()) return absl::FailedPreconditionError("no registry has been imported yet");
    common::v1::Registry registry;
    if (!registry.ParseFromString(reply->str)) {
      return absl::InternalError("the registry in Redis does not parse");
    }
    return registry;
  };
  backend.check = [this](const common::v1::TaskPayload& p) { return checker_->Check(p); };
  backend.today = [] { return absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)); };
  service_ = std::make_unique<NewMediaServiceImpl>(executor_.get(), auth_.get(), std::move(backend));
  runner_->AddService(service_.get(), "govinspect.newmedia.v1.NewMediaService");

  if (options_.worker.threads > 0) {
    common::QueueWorkerOptions wo = options_.worker;
    wo.kind = "account";
    worker_ = std::make_unique<common::QueueWorker>(
        wo,
        common::TaskHandler([this](const common::v1::TaskPayload& payload,
                                   const common::Task& task) { return RunTask(payload, task); }),
        &runner_->registry());
    runner_->AddDrainHook([this] { worker_->Stop(); });
  }
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  if (worker_ != nullptr) {
    if (absl::Status s = worker_->Start(); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("account worker: ", s.message()));
    }
  }
  std::vector<std::string> apis;
  for (const auto& [p, u] : options_.platform_api) apis.push_back(absl::StrCat(p, "=", u));
  GI_LOG(INFO).With("worker_threads", options_.worker.threads)
          .With("platform_api", absl::StrJoin(apis, ","))
          .With("connect_to", options_.fetch.connect_to)
          .With("platform_timeout_ms", absl::ToInt64Milliseconds(options_.fetch.timeout))
          .With("platform_qps", static_cast<int64_t>(options_.platform_qps))
          .With("dictionaries", options_.dictionaries_dir.empty() ? "built-in"
                                                                  : options_.dictionaries_dir)
          .With("auth", auth_->enabled() ? "token" : "none")
      << "newmedia configured";
  return absl::OkStatus();
}

absl::Status NewMediaServer::StoreUnitObservation(const std::string& round,
                                                  const common::v1::Observation& obs) {
  return newmedia::StoreUnitObservation(*pool_, options_.worker.queue.key_prefix, round, obs,
                                        options_.worker.result_retry,
                                        [this] { return stopping_.load(); });
}

void NewMediaServer::Shutdown() {
  stopping_.store(true);
  if (runner_ != nullptr) runner_->Shutdown();
  if (worker_ != nullptr) worker_->Stop();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::newmedia
