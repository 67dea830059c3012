#include "services/report/report_server.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace govinspect::report {

absl::Status ValidateOptions(const ReportServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (o.key_prefix.empty()) return absl::InvalidArgumentError("--key_prefix must not be empty");
  if (o.reports_dir.empty()) return absl::InvalidArgumentError("--reports_dir must be set");
  if (o.executor_threads < 1 || o.render_threads < 1) {
    return absl::InvalidArgumentError("--executor_threads and --render_threads must be ≥ 1");
  }
  if (o.executor_queue < 1 || o.render_queue < 1) {
    return absl::InvalidArgumentError("queue sizes must be ≥ 1");
  }
  if (o.scoring_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--scoring_timeout must be positive");
  }
  return absl::OkStatus();
}

ReportServer::ReportServer() = default;
ReportServer::~ReportServer() { Shutdown(); }

absl::Status ReportServer::BuildAndStart(const ReportServerOptions& options,
                                         std::unique_ptr<ScoringReader> scoring) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  options_ = options;
  auto templates = LoadTemplates(options.templates_dir);
  if (!templates.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--templates_dir: ", templates.status().message()));
  }
  templates_ = *std::move(templates);
  std::error_code ec;
  std::filesystem::create_directories(options.reports_dir, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--reports_dir ", options.reports_dir, ": ", ec.message()));
  }
  pool_ = std::make_unique<common::RedisPool>(options.redis);
  {
    auto conn = pool_->Borrow();
    if (auto ping = conn->Command({"PING"}); !ping.ok()) {
      return absl::UnavailableError(absl::StrCat("redis: ", ping.status().message()));
    }
  }
  if (scoring == nullptr) {
    if (options.scoring_address.empty()) {
      return absl::InvalidArgumentError("--scoring_address must be set");
    }
    scoring = MakeGrpcScoringReader(options.scoring_address, options.api_token,
                                    options.scoring_timeout);
  }
  scoring_ = std::move(scoring);
  runner_ = std::make_unique<common::ServerRunner>(options.server);

  // Metric families, built once.
  auto& reg = runner_->registry();
  auto& total = prometheus::BuildCounter()
                    .Name("govinspect_report_reports_total")
                    .Help("Reports finished, by final state.")
                    .Register(reg);
  metrics_.succeeded = &total.Add({{"state", "succeeded"}});
  metrics_.failed = &total.Add({{"state", "failed"}});
  metrics_.running = &prometheus::BuildGauge()
                          .Name("govinspect_report_reports_running")
                          .Help("Reports being written.")
                          .Register(reg)
                          .Add({});
  auto& seconds = prometheus::BuildHistogram()
                      .Name("govinspect_report_render_seconds")
                      .Help("Time to render one artifact, by format (unit_sheet: one unit's sheet).")
                      .Register(reg);
  const prometheus::Histogram::BucketBoundaries buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,   1,    2.5,   5,    10,  30};
  for (const char* f : {"html", "pdf", "xlsx", "markdown", "json", "unit_sheet"}) {
    metrics_.render_seconds[f] = &seconds.Add({{"format", f}}, buckets);
  }

  ReportManagerOptions mo;
  mo.key_prefix = options.key_prefix;
  mo.reports_dir = options.reports_dir;
  manager_ = std::make_unique<ReportManager>(mo, pool_.get(), scoring_.get(), &templates_, &metrics_);
  executor_ = std::make_unique<common::BoundedExecutor>("report", options.executor_threads,
                                                        options.executor_queue);
  render_executor_ = std::make_unique<common::BoundedExecutor>(
      "report-render", options.render_threads, options.render_queue);
  auth_ = std::make_unique<common::RpcAuthorizer>(options.api_token);
  if (!auth_->enabled() && options.server.tls_client_ca_file.empty()) {
    GI_LOG(WARNING) << "no API token set: CreateReport is open to anyone who can connect";
  }
  service_ = std::make_unique<ReportServiceImpl>(manager_.get(), executor_.get(),
                                                 render_executor_.get(), auth_.get());
  runner_->AddService(service_.get(), "govinspect.report.v1.ReportService");
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  GI_LOG(INFO).With("scoring", options.scoring_address).With("reports_dir", options.reports_dir)
      .With("templates", options.templates_dir.empty() ? "compiled-in gov-2019" : options.templates_dir)
      .With("office", templates_.Setting("office"))
      .With("auth", auth_->enabled() ? "token" : "none")
      << "report configured";
  return absl::OkStatus();
}

void ReportServer::Shutdown() {
  if (runner_ != nullptr) runner_->Shutdown();
  if (render_executor_ != nullptr) render_executor_->Shutdown();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::report
