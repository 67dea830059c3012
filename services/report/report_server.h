#ifndef GOVINSPECT_SERVICES_REPORT_REPORT_SERVER_H_
#define GOVINSPECT_SERVICES_REPORT_REPORT_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "common/grpc/server_runner.h"
#include "common/redis/redis_pool.h"
#include "services/report/report_manager.h"
#include "services/report/report_service.h"

namespace govinspect::report {

struct ReportServerOptions {
  common::ServerRunnerOptions server;
  common::RedisOptions redis;
  std::string key_prefix = "govinspect";
  std::string api_token;
  // host:port of the scoring service.
  std::string scoring_address;
  // Deadline of each call to the scoring service.
  absl::Duration scoring_timeout = absl::Seconds(30);
  // Where artifacts are written (created if missing).
  std::string reports_dir;
  // A template directory (templates/report/<name>); empty = the compiled-in gov-2019 set.
  std::string templates_dir;
  int executor_threads = 4;
  int executor_queue = 256;
  // Reports written at once, and waiting.
  int render_threads = 2;
  int render_queue = 16;
};

absl::Status ValidateOptions(const ReportServerOptions& options);

class ReportServer {
 public:
  ReportServer();
  ~ReportServer();
  // Tests may pass their own scoring reader (else one over options.scoring_address).
  absl::Status BuildAndStart(const ReportServerOptions& options,
                             std::unique_ptr<ScoringReader> scoring = nullptr);
  void Shutdown();
  int port() const { return runner_ ? runner_->port() : 0; }
  common::ServerRunner* runner() { return runner_.get(); }

 private:
  ReportServerOptions options_;
  ReportTemplates templates_;
  ReportMetrics metrics_;
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<common::RedisPool> pool_;
  std::unique_ptr<ScoringReader> scoring_;
  std::unique_ptr<ReportManager> manager_;
  std::unique_ptr<common::BoundedExecutor> executor_;
  std::unique_ptr<common::BoundedExecutor> render_executor_;
  std::unique_ptr<common::RpcAuthorizer> auth_;
  std::unique_ptr<ReportServiceImpl> service_;
};

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_REPORT_SERVER_H_
