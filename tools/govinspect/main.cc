// govinspect: the operators' CLI. Parses the command line and dispatches; see docs/cli.md.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tools/govinspect/cli.h"

namespace {

std::optional<std::string> GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = ::govinspect::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<cli::Invocation> invocation = cli::ParseCommandLine(args, GetEnv);
  if (!invocation.ok()) {
    std::cerr << "govinspect: " << invocation.status().message() << "\n\n" << cli::UsageFor(args);
    return cli::kExitUsage;
  }
  if (invocation->help) {
    std::cout << cli::Usage(invocation->group);
    return cli::kExitOk;
  }

  // Ctrl-C / SIGTERM: cancel an open watch stream (Run then returns), else exit at once. Blocked
  // before gRPC starts its threads so that only the waiting thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  cli::Options options = invocation->options;
  options.stdout_is_tty = isatty(STDOUT_FILENO) == 1;
  std::unique_ptr<cli::Clients> clients = cli::MakeGrpcClients(options);
  cli::Cli command(options, clients.get(), std::cout, std::cerr);

  std::thread([&command, signals] {
    while (true) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (!command.Interrupt()) std::_Exit(cli::kExitInterrupted);
    }
  }).detach();

  const int code = command.Run(*invocation);
  std::cout.flush();
  std::cerr.flush();
  // Skip static destructors: the signal thread may still be waiting.
  std::_Exit(code);
}
