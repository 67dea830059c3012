#ifndef GOVINSPECT_SERVICES_MAIN_SUPPORT_BASIC_SERVER_H_
#define GOVINSPECT_SERVICES_MAIN_SUPPORT_BASIC_SERVER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/grpc/server_runner.h"
#include "common/worker/queue_worker.h"

namespace govinspect::main_support {

// A server process made of gRPC services plus, optionally, one queue worker: what the services
// whose checks are still to come run (they serve health, reflection and /metrics, answer
// UNIMPLEMENTED for their RPCs, and record every task of their queue as not assessed so rounds
// complete honestly).
class BasicServer {
 public:
  ~BasicServer() { Shutdown(); }
  // `services` are (service, full name); `handler` may be empty (no queue worker).
  absl::Status BuildAndStart(const common::ServerRunnerOptions& server,
                             std::vector<std::pair<grpc::Service*, std::string>> services,
                             const common::QueueWorkerOptions& worker,
                             common::TaskHandler handler);
  void Shutdown();
  int port() const { return runner_ ? runner_->port() : 0; }

 private:
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<common::QueueWorker> worker_;
};

// A handler that records the task's target as not assessed, with `reason`.
common::TaskHandler NotAssessedHandler(std::string reason);

}  // namespace govinspect::main_support

#endif  // GOVINSPECT_SERVICES_MAIN_SUPPORT_BASIC_SERVER_H_
