#include "services/dataopen/dataopen_server.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace govinspect::dataopen {

absl::Status ValidateOptions(const DataOpenServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (absl::Status s = ValidateOptions(o.check); !s.ok()) return s;
  if (o.worker.threads < 0) return absl::InvalidArgumentError("--worker_threads must be ≥ 0");
  if (o.fetch.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--fetch_timeout must be positive");
  }
  if (!o.fetch.connect_to.empty() && o.fetch.connect_to.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect_to \"", o.fetch.connect_to, "\": want host:port"));
  }
  if (absl::Status s = common::ValidateCaFile(o.fetch); !s.ok()) return s;
  if (o.check_threads < 1) return absl::InvalidArgumentError("--check_threads must be ≥ 1");
  if (o.key_prefix.empty()) return absl::InvalidArgumentError("--key_prefix must not be empty");
  return absl::OkStatus();
}

absl::Status DataOpenServer::BuildAndStart(const DataOpenServerOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  options_ = options;
  runner_ = std::make_unique<common::ServerRunner>(options_.server);
  transport_ = std::make_unique<FetchTransport>(options_.fetch);
  ckan_metrics_ = std::make_unique<CkanMetrics>(runner_->registry());
  unit_metrics_ = std::make_unique<UnitMetrics>(runner_->registry());
  pool_ = std::make_unique<common::RedisPool>(options_.redis);
  executor_ = std::make_unique<common::BoundedExecutor>("check", options_.check_threads, 8);
  auth_ = std::make_unique<common::RpcAuthorizer>(options_.api_token);
  if (!auth_->enabled() && options_.server.tls_client_ca_file.empty()) {
    GI_LOG(WARNING) << "no API token set: CheckPortal is open to anyone who can connect";
  }

  CheckPortalBackend backend;
  backend.registry = [this]() -> absl::StatusOr<common::v1::Registry> {
    auto conn = pool_->Borrow();
    auto reply = conn->Command({"GET", absl::StrCat(options_.key_prefix, ":registry")});
    if (!reply.ok()) {
      return absl::UnavailableError(absl::StrCat("redis: ", reply.status().message()));
    }
    if (reply->is_nil()) {
      return absl::FailedPreconditionError("no registry has been imported yet");
    }
    common::v1::Registry registry;
    if (!registry.ParseFromString(reply->str)) {
      return absl::InternalError("the registry in Redis does not parse");
    }
    return registry;
  };
  backend.check = [this](const common::v1::Portal& portal,
                         const std::vector<common::v1::Unit>& units,
                         absl::CivilDay as_of) -> absl::StatusOr<v1::CheckPortalResponse> {
    PortalCheckResult r = CheckPortal(portal, units, as_of, transport_.get(), options_.check,
                                      ckan_metrics_.get());
    if (!r.portal_status.ok()) {
      return absl::UnavailableError(
          absl::StrCat(portal.name(), " cannot be read: ", r.portal_status.message()));
    }
    v1::CheckPortalResponse resp;
    for (auto& o : r.observations) *resp.add_observations() = std::move(o);
    return resp;
  };
  backend.today = [] {
    return absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));  // China Standard Time
  };
  service_ = std::make_unique<DataOpenServiceImpl>(executor_.get(), auth_.get(), std::move(backend));
  runner_->AddService(service_.get(), "govinspect.dataopen.v1.DataOpenService");

  if (options_.worker.threads > 0) {
    common::QueueWorkerOptions wo = options_.worker;
    wo.kind = "portal";
    const int max_deliveries = wo.queue.max_deliveries;
    worker_ = std::make_unique<common::QueueWorker>(
        wo,
        common::MultiTaskHandler(
            [this, max_deliveries](const common::v1::TaskPayload& payload, const common::Task& task)
                -> absl::StatusOr<std::vector<common::v1::Observation>> {
              auto t0 = absl::Now();
              auto obs = RunPortalTask(payload, task.deliveries, max_deliveries, transport_.get(),
                                       options_.check, ckan_metrics_.get(), unit_metrics_.get());
              if (obs.ok()) {
                int not_assessed = 0, findings = 0;
                for (const auto& o : *obs) {
                  not_assessed += o.status() != common::v1::TARGET_STATUS_ASSESSED;
                  findings += o.findings_size();
                }
                GI_LOG(INFO).With("round", payload.round()).With("portal", task.target)
                    .With("units", static_cast<int64_t>(obs->size()) - 1)
                    .With("not_assessed", not_assessed).With("findings", findings)
                    .With("seconds", static_cast<int64_t>(absl::ToInt64Seconds(absl::Now() - t0)))
                    << "portal checked";
              }
              return obs;
            }),
        &runner_->registry());
    runner_->AddDrainHook([this] { worker_->Stop(); });
  }
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  if (worker_ != nullptr) {
    if (absl::Status s = worker_->Start(); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("portal worker: ", s.message()));
    }
  }
  GI_LOG(INFO).With("worker_threads", options_.worker.threads)
      .With("connect_to", options_.fetch.connect_to)
      .With("fetch_timeout_ms", absl::ToInt64Milliseconds(options_.fetch.timeout))
      .With("stale_periods", options_.check.stale_periods)
      .With("default_update_period_days", options_.check.default_update_period_days)
      .With("portal_parallelism", options_.check.parallelism)
      .With("auth", auth_->enabled() ? "token" : "none")
      << "dataopen configured";
  return absl::OkStatus();
}

void DataOpenServer::Shutdown() {
  if (runner_ != nullptr) runner_->Shutdown();
  if (worker_ != nullptr) worker_->Stop();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::dataopen
