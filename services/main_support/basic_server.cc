#include "services/main_support/basic_server.h"

#include "common/log/log.h"

namespace govinspect::main_support {

absl::Status BasicServer::BuildAndStart(
    const common::ServerRunnerOptions& server,
    std::vector<std::pair<grpc::Service*, std::string>> services,
    const common::QueueWorkerOptions& worker, common::TaskHandler handler) {
  runner_ = std::make_unique<common::ServerRunner>(server);
  for (auto& [service, name] : services) runner_->AddService(service, name);
  if (handler && worker.threads > 0) {
    worker_ = std::make_unique<common::QueueWorker>(worker, std::move(handler),
                                                    &runner_->registry());
    runner_->AddDrainHook([this] { worker_->Stop(); });
  }
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  if (worker_ != nullptr) return worker_->Start();
  return absl::OkStatus();
}

void BasicServer::Shutdown() {
  if (runner_ != nullptr) runner_->Shutdown();
  if (worker_ != nullptr) worker_->Stop();
}

common::TaskHandler NotAssessedHandler(std::string reason) {
  return [reason](const common::v1::TaskPayload&,
                  const common::Task&) -> absl::StatusOr<common::v1::Observation> {
    common::v1::Observation o;
    o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    o.set_not_assessed_reason(reason);
    return o;
  };
}

}  // namespace govinspect::main_support
