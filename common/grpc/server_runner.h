#ifndef GOVINSPECT_COMMON_GRPC_SERVER_RUNNER_H_
#define GOVINSPECT_COMMON_GRPC_SERVER_RUNNER_H_

#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/grpc/metrics_interceptor.h"

namespace govinspect::common {

struct ServerRunnerOptions {
  // For logs, e.g. "coordinator".
  std::string service_name;
  // host:port; port 0 picks a free port (tests).
  std::string listen_address = "0.0.0.0:0";
  // host:port of the Prometheus /metrics endpoint; empty = none.
  std::string metrics_address;
  // In-flight RPCs get this long after SIGTERM before they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // TLS (all three empty = plaintext). With tls_client_ca, clients must present a certificate
  // signed by it, and such clients count as authenticated for mutating RPCs.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
};

absl::Status ValidateServerRunnerOptions(const ServerRunnerOptions& options);

// What every govinspect server does around its services: health (grpc.health.v1), reflection,
// RPC metrics from one interceptor, a /metrics exposer, and the shutdown order
// NOT_SERVING → drain hooks (stop taking queue work) → Shutdown(now + grace) → Wait.
class ServerRunner {
 public:
  explicit ServerRunner(ServerRunnerOptions options);
  ~ServerRunner();

  // The process's metrics registry (for domain metrics). Valid from construction.
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }

  // Registers a service before Start; `full_name` (e.g. "govinspect.coordinator.v1.RoundService")
  // gets its own health status.
  void AddService(grpc::Service* service, std::string full_name);
  // Called in order on Shutdown, before the gRPC server stops (e.g. stop queue workers).
  void AddDrainHook(std::function<void()> hook);

  absl::Status Start();
  int port() const { return port_; }
  // "127.0.0.1:NNNN" of the metrics endpoint, or "".
  std::string metrics_endpoint() const;

  // Health of every registered service plus "".
  void SetServing(bool serving);

  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Idempotent.
  void Shutdown();

 private:
  ServerRunnerOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<GrpcServerMetrics> grpc_metrics_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::function<void()>> drain_hooks_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

// Blocks SIGTERM and SIGINT in the calling thread (call first in main, before any thread
// exists, so every thread inherits the mask), ignores SIGPIPE, and returns the set to wait on.
sigset_t BlockShutdownSignals();
// Waits for SIGTERM or SIGINT; returns the signal.
int WaitForShutdownSignal(const sigset_t& signals);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_GRPC_SERVER_RUNNER_H_
