#ifndef GOVINSPECT_TOOLS_GOVINSPECT_CLI_H_
#define GOVINSPECT_TOOLS_GOVINSPECT_CLI_H_

// The `govinspect` admin CLI: command-line parsing, the gRPC clients it uses, and the commands.
//
//   absl::StatusOr<Invocation> inv = ParseCommandLine(args, env);   // usage errors → exit 2
//   std::unique_ptr<Clients> clients = MakeGrpcClients(inv->options);
//   Cli cli(inv->options, clients.get(), std::cout, std::cerr);
//   return cli.Run(*inv);
//
// docs/cli.md describes every command and the exit codes.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "govinspect/coordinator/v1/registry_service.grpc.pb.h"
#include "govinspect/coordinator/v1/round_service.grpc.pb.h"
#include "govinspect/crawler/v1/crawler_service.grpc.pb.h"
#include "govinspect/report/v1/report_service.grpc.pb.h"
#include "govinspect/scoring/v1/scoring_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace govinspect::cli {

// The services the CLI knows, in the order `health` checks them.
inline constexpr const char* kServiceNames[] = {"coordinator", "crawler", "newmedia",
                                                "dataopen",    "scoring", "report"};

enum class OutputFormat { kText, kJson };

// Process exit codes (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInvalid = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitAlreadyExists = 5;
inline constexpr int kExitAuth = 6;
inline constexpr int kExitUnavailable = 7;
inline constexpr int kExitResourceExhausted = 8;
inline constexpr int kExitInterrupted = 130;

struct Options {
  OutputFormat output = OutputFormat::kText;
  // Per call (per attempt). Streams (round watch) have none.
  absl::Duration deadline = absl::Seconds(10);
  // Sent as `authorization: Bearer <token>` when not empty.
  std::string token;
  // Service name (kServiceNames) → host:port.
  std::map<std::string, std::string> addresses;
  // Draw a redrawn progress line instead of one line per update.
  bool stdout_is_tty = false;
  // Retries of UNAVAILABLE on idempotent reads: attempts in all, and the first backoff (doubled
  // after each attempt). Not flags; tests shorten the backoff.
  int max_attempts = 3;
  absl::Duration initial_backoff = absl::Milliseconds(250);
  // round watch reconnects for as long as the coordinator is unavailable (until Ctrl-C), the
  // wait between attempts doubling up to this.
  absl::Duration max_watch_backoff = absl::Seconds(5);
};

// A parsed command line.
struct Invocation {
  Options options;
  // "registry", "round", "health"; empty with `help` for the top-level usage.
  std::string group;
  // "import", "list", ...; empty for `health`.
  std::string verb;
  std::vector<std::string> args;
  // Command flags by long name (without "--"); booleans hold "true" or "false".
  std::map<std::string, std::vector<std::string>> flags;
  // --help / -h / `help`: print the usage of `group` (all groups when empty) and exit 0.
  bool help = false;
};

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses `args` (argv without the program name). Global flags may appear anywhere; `--flag
// value` and `--flag=value` both work; `--` ends the flags. Addresses and the token fall back to
// GOVINSPECT_<SERVICE> / GOVINSPECT_TOKEN from `env`, then to the defaults.
// Returns INVALID_ARGUMENT (a usage error) for unknown commands or flags, missing or surplus
// arguments and bad global flag values.
absl::StatusOr<Invocation> ParseCommandLine(const std::vector<std::string>& args,
                                            const EnvLookup& env);

// Usage of one group ("registry", "round", "health"), or of everything for "" or an unknown one.
std::string Usage(const std::string& group);

// The command lines of one group (of all for "" or an unknown one), for usage errors.
std::string ShortUsage(const std::string& group);

// ShortUsage of the first group named in `args` (for parse errors).
std::string UsageFor(const std::vector<std::string>& args);

// A usage error (exit code 2): INVALID_ARGUMENT carrying a marker payload.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

// The exit code for a failed command (docs/cli.md): 2 for usage errors, else by code.
int ExitCodeFor(const absl::Status& status);

// The stubs the commands use. Tests implement it over an in-process server.
class Clients {
 public:
  virtual ~Clients() = default;
  virtual coordinator::v1::RegistryService::StubInterface& registry() = 0;
  virtual coordinator::v1::RoundService::StubInterface& rounds() = 0;
  // The health stub of one of kServiceNames; nullptr for other names.
  virtual ::grpc::health::v1::Health::StubInterface* health(const std::string& service) = 0;
  // The server-reflection stub of one of kServiceNames; nullptr for other names (or in fakes
  // that do not offer it).
  virtual ::grpc::reflection::v1alpha::ServerReflection::StubInterface* reflection(
      const std::string& /*service*/) {
    return nullptr;
  }
  // The crawler's CrawlerService (`site check`); nullptr in fakes that do not offer it.
  virtual crawler::v1::CrawlerService::StubInterface* crawler() { return nullptr; }
  // The scoring service (`scores`, `round rescore`); nullptr in fakes that do not offer it.
  virtual scoring::v1::ScoringService::StubInterface* scoring() { return nullptr; }
  // The report service (`report get`, `report units`); nullptr in fakes that do not offer it.
  virtual ::govinspect::report::v1::ReportService::StubInterface* report() { return nullptr; }
};

// Clients over one channel per service (`channels` keyed by kServiceNames; the coordinator's
// carries RegistryService and RoundService).
class ChannelClients : public Clients {
 public:
  explicit ChannelClients(
      std::map<std::string, std::shared_ptr<::grpc::ChannelInterface>> channels);

  coordinator::v1::RegistryService::StubInterface& registry() override { return *registry_; }
  coordinator::v1::RoundService::StubInterface& rounds() override { return *rounds_; }
  ::grpc::health::v1::Health::StubInterface* health(const std::string& service) override;
  ::grpc::reflection::v1alpha::ServerReflection::StubInterface* reflection(
      const std::string& service) override;
  crawler::v1::CrawlerService::StubInterface* crawler() override { return crawler_.get(); }
  scoring::v1::ScoringService::StubInterface* scoring() override { return scoring_.get(); }
  ::govinspect::report::v1::ReportService::StubInterface* report() override {
    return report_.get();
  }

 private:
  std::unique_ptr<::govinspect::report::v1::ReportService::StubInterface> report_;
  std::unique_ptr<crawler::v1::CrawlerService::StubInterface> crawler_;
  std::unique_ptr<scoring::v1::ScoringService::StubInterface> scoring_;
  std::map<std::string,
           std::unique_ptr<::grpc::reflection::v1alpha::ServerReflection::StubInterface>>
      reflection_;
  std::unique_ptr<coordinator::v1::RegistryService::StubInterface> registry_;
  std::unique_ptr<coordinator::v1::RoundService::StubInterface> rounds_;
  std::map<std::string, std::unique_ptr<::grpc::health::v1::Health::StubInterface>> health_;
};

// Plaintext channels to options.addresses (connected lazily, on the first call).
std::unique_ptr<Clients> MakeGrpcClients(const Options& options);

class Cli {
 public:
  // `clients`, `out` and `err` must outlive the Cli.
  Cli(Options options, Clients* clients, std::ostream& out, std::ostream& err);

  // Runs the command and returns the process exit code. Never throws.
  int Run(const Invocation& invocation);

  // Thread-safe (e.g. from a signal-waiting thread): cancels the open watch stream, which makes
  // Run return kExitInterrupted. Returns false if no stream is open (the caller should exit).
  bool Interrupt();

 private:
  // A command's result: OK with an exit code (watch: 1 for FAILED/CANCELLED rounds), or an
  // error status.
  using Result = absl::StatusOr<int>;

  Result Dispatch(const Invocation& inv);
  Result RegistryImport(const Invocation& inv);
  Result RegistryList(const Invocation& inv);
  Result RoundStart(const Invocation& inv);
  Result RoundGet(const Invocation& inv);
  Result RoundList(const Invocation& inv);
  Result RoundCancel(const Invocation& inv);
  Result RoundWatch(const std::string& round_name);
  Result RoundExport(const Invocation& inv);
  Result Health(const Invocation& inv);
  // `site check URL`: through CrawlerService.CheckSite, or in-process with --local.
  Result SiteCheck(const Invocation& inv);
  // `scores list|show`, `round rescore`: through the scoring service.
  Result ScoresList(const Invocation& inv);
  Result ScoresShow(const Invocation& inv);
  Result RoundRescore(const Invocation& inv);
  // report get / report units: the newest SUCCEEDED report of a round, downloaded.
  Result ReportGet(const Invocation& inv);
  Result ReportUnits(const Invocation& inv);
  absl::StatusOr<::govinspect::report::v1::Report> LatestReport(const std::string& round);
  absl::StatusOr<std::string> DownloadReport(const std::string& report,
                                             ::govinspect::report::v1::ReportFormat format,
                                             const std::string& unit);
  // Lists the gRPC services of `service` through server reflection.
  void ListServices(const std::string& service, std::vector<std::string>* names,
                    std::string* error);

  // Runs one unary call with a deadline and the token; retries UNAVAILABLE with backoff when
  // `idempotent`. Errors are described with the service, its address and the method.
  absl::Status Call(const std::string& service, absl::string_view method, bool idempotent,
                    const std::function<::grpc::Status(::grpc::ClientContext*)>& rpc);
  // Fetches pages of a coordinator List method from `first_token`, following next_page_token
  // when `all` (then merged->next_page_token() is cleared), appending into `merged`.
  template <typename Response>
  absl::Status ListPages(absl::string_view method, bool all, const std::string& first_token,
                         const std::function<::grpc::Status(::grpc::ClientContext*,
                                                            const std::string&, Response*)>& fetch,
                         Response* merged);
  void PrepareContext(::grpc::ClientContext* context, bool with_deadline) const;
  std::string Address(const std::string& service) const;
  absl::Status Describe(const std::string& service, absl::string_view method,
                        const ::grpc::Status& status) const;
  // Writes `message` as JSON (one document) to out_.
  absl::Status PrintJson(const google::protobuf::Message& message);
  bool json() const { return options_.output == OutputFormat::kJson; }

  Options options_;
  Clients* clients_;
  std::ostream& out_;
  std::ostream& err_;

  absl::Mutex mu_;
  ::grpc::ClientContext* active_stream_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace govinspect::cli

#endif  // GOVINSPECT_TOOLS_GOVINSPECT_CLI_H_
