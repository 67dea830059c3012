#include "common/grpc/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace govinspect::common {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::Status ValidateServerRunnerOptions(const ServerRunnerOptions& o) {
  if (o.listen_address.empty() || o.listen_address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen_address \"", o.listen_address, "\": want host:port"));
  }
  if (!o.metrics_address.empty() && o.metrics_address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_address \"", o.metrics_address, "\": want host:port"));
  }
  if (o.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--shutdown_grace must not be negative");
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert_file and --tls_key_file go together");
  }
  if (!o.tls_client_ca_file.empty() && o.tls_cert_file.empty()) {
    return absl::InvalidArgumentError("--tls_client_ca_file needs --tls_cert_file");
  }
  return absl::OkStatus();
}

ServerRunner::ServerRunner(ServerRunnerOptions options)
    : options_(std::move(options)), registry_(std::make_shared<prometheus::Registry>()) {}

ServerRunner::~ServerRunner() { Shutdown(); }

void ServerRunner::AddService(grpc::Service* service, std::string full_name) {
  services_.emplace_back(service, std::move(full_name));
}

void ServerRunner::AddDrainHook(std::function<void()> hook) {
  drain_hooks_.push_back(std::move(hook));
}

absl::Status ServerRunner::Start() {
  if (absl::Status s = ValidateServerRunnerOptions(options_); !s.ok()) return s;
  if (!options_.metrics_address.empty()) {
    try {
      exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_address);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("metrics endpoint ", options_.metrics_address, ": ", e.what()));
    }
    exposer_->RegisterCollectable(registry_);
  }
  grpc_metrics_ = std::make_unique<GrpcServerMetrics>(*registry_);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (!options_.tls_cert_file.empty()) {
    grpc::SslServerCredentialsOptions ssl;
    auto cert = ReadFile(options_.tls_cert_file);
    auto key = ReadFile(options_.tls_key_file);
    if (!cert.ok()) return cert.status();
    if (!key.ok()) return key.status();
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!options_.tls_client_ca_file.empty()) {
      auto ca = ReadFile(options_.tls_client_ca_file);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(options_.listen_address, creds, &port_);
  builder.SetMaxReceiveMessageSize(64 << 20);
  for (auto& [service, _] : services_) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<MetricsInterceptorFactory>(grpc_metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address));
  }
  SetServing(true);
  GI_LOG(INFO).With("port", port_).With("metrics", metrics_endpoint())
      << options_.service_name << " serving";
  return absl::OkStatus();
}

std::string ServerRunner::metrics_endpoint() const {
  if (exposer_ == nullptr) return "";
  auto ports = exposer_->GetListeningPorts();
  if (ports.empty()) return "";
  std::string host = options_.metrics_address.substr(0, options_.metrics_address.rfind(':'));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  return absl::StrCat(host, ":", ports[0]);
}

void ServerRunner::SetServing(bool serving) {
  if (server_ == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (auto& [_, name] : services_) health->SetServingStatus(name, serving);
}

std::shared_ptr<grpc::Channel> ServerRunner::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void ServerRunner::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  GI_LOG(INFO) << options_.service_name << " shutting down";
  if (auto* health = server_->GetHealthCheckService(); health != nullptr) health->Shutdown();
  for (auto& hook : drain_hooks_) hook();
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoNanoseconds(options_.shutdown_grace));
  server_->Wait();
  GI_LOG(INFO) << options_.service_name << " stopped";
}

sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

int WaitForShutdownSignal(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

}  // namespace govinspect::common
