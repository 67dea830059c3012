#include "common/grpc/metrics_interceptor.h"

#include <chrono>

namespace govinspect::common {
namespace {

const char* RpcTypeName(grpc::experimental::ServerRpcInfo::Type type) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  switch (type) {
    case Type::UNARY: return "unary";
    case Type::CLIENT_STREAMING: return "client_stream";
    case Type::SERVER_STREAMING: return "server_stream";
    case Type::BIDI_STREAMING: return "bidi_stream";
  }
  return "unary";
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics* metrics, grpc::experimental::ServerRpcInfo* info)
      : metrics_(metrics),
        method_(info->method() != nullptr ? info->method() : "unknown"),
        type_(RpcTypeName(info->type())),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA)) {
      metrics_->Started(method_, type_);
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      metrics_->Handled(method_, type_, static_cast<int>(status.error_code()), seconds);
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics* metrics_;
  std::string method_;
  const char* type_;
  std::chrono::steady_clock::time_point start_;
};

void SplitMethod(const std::string& full, std::string* service, std::string* method) {
  // "/pkg.Service/Method"
  size_t slash = full.rfind('/');
  if (full.size() > 1 && full[0] == '/' && slash != std::string::npos && slash > 0) {
    *service = full.substr(1, slash - 1);
    *method = full.substr(slash + 1);
  } else {
    *service = "unknown";
    *method = full;
  }
}

}  // namespace

const char* GrpcCodeName(int code) {
  static const char* const kNames[] = {
      "OK",        "Canceled",         "Unknown",       "InvalidArgument",    "DeadlineExceeded",
      "NotFound",  "AlreadyExists",    "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",   "OutOfRange",       "Unimplemented", "Internal",           "Unavailable",
      "DataLoss",  "Unauthenticated"};
  if (code < 0 || code > 16) return "Unknown";
  return kNames[code];
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success "
                         "or failure.")
                   .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Histogram of response latency (seconds) of gRPC that had been "
                         "application-level handled by the server.")
                   .Register(registry)) {}

GrpcServerMetrics::Children& GrpcServerMetrics::Get(const std::string& full_method,
                                                    const char* type) {
  absl::MutexLock lock(&mu_);
  auto& slot = children_[full_method];
  if (slot == nullptr) {
    slot = std::make_unique<Children>();
    std::string service, method;
    SplitMethod(full_method, &service, &method);
    std::map<std::string, std::string> labels = {
        {"grpc_service", service}, {"grpc_method", method}, {"grpc_type", type}};
    slot->started = &started_.Add(labels);
    slot->seconds = &seconds_.Add(
        labels, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                        1, 2.5, 5, 10});
    for (int c = 0; c <= 16; ++c) {
      auto l = labels;
      l["grpc_code"] = GrpcCodeName(c);
      slot->handled[c] = &handled_.Add(l);
    }
  }
  return *slot;
}

void GrpcServerMetrics::Started(const std::string& full_method, const char* type) {
  Get(full_method, type).started->Increment();
}

void GrpcServerMetrics::Handled(const std::string& full_method, const char* type, int code,
                                double seconds) {
  Children& c = Get(full_method, type);
  if (code < 0 || code > 16) code = 2;
  c.handled[code]->Increment();
  c.seconds->Observe(seconds);
}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MetricsInterceptor(metrics_, info);
}

}  // namespace govinspect::common
