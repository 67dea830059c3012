#ifndef GOVINSPECT_COMMON_GRPC_METRICS_INTERCEPTOR_H_
#define GOVINSPECT_COMMON_GRPC_METRICS_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace govinspect::common {

// RPC RED metrics with the go-grpc-prometheus names, so stock dashboards work:
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}
// Families are built once; per-(method, code) children are cached.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  void Started(const std::string& full_method, const char* type);
  void Handled(const std::string& full_method, const char* type, int code, double seconds);

 private:
  struct Children {
    prometheus::Counter* started = nullptr;
    prometheus::Histogram* seconds = nullptr;
    prometheus::Counter* handled[17] = {};
  };
  Children& Get(const std::string& full_method, const char* type);

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Children>> children_ ABSL_GUARDED_BY(mu_);
};

class MetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  GrpcServerMetrics* metrics_;
};

// The gRPC code names used as label values ("OK", "NOT_FOUND", …).
const char* GrpcCodeName(int code);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_GRPC_METRICS_INTERCEPTOR_H_
