// crawler: crawls sites taken from the queue; CrawlerService for ad-hoc checks.

#include "absl/flags/flag.h"
#include "common/log/log.h"
#include "services/crawler/crawler_server.h"
#include "services/main_support/server_flags.h"

ABSL_FLAG(std::string, connect_to, "",
          "HOST:PORT to send every fetch to, whatever the URL's host (the simulated province, a "
          "forward setup); empty = normal DNS");
ABSL_FLAG(absl::Duration, fetch_timeout, absl::Seconds(15), "Timeout of one page fetch");
ABSL_FLAG(int, max_redirects, 5, "Redirects followed per fetch");
ABSL_FLAG(std::string, user_agent,
          "govinspect/0.1 (government website inspection; +https://www.gov.cn/)",
          "User-Agent of every fetch (put a contact address in it)");
ABSL_FLAG(bool, verify_tls, true, "Verify TLS certificates");
ABSL_FLAG(int, check_threads, 2, "Ad-hoc CheckSite calls run at once");

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "crawler",
                                           "govinspect crawler: site crawls and checks");
  auto common = govinspect::main_support::ReadCommonServerFlags("crawler");
  if (!common.ok()) return govinspect::main_support::FailStartup("crawler", common.status());

  govinspect::crawler::CrawlerServerOptions options;
  options.server = common->server;
  options.worker = common->worker;
  options.api_token = common->api_token;
  options.fetch.connect_to = absl::GetFlag(FLAGS_connect_to);
  options.fetch.timeout = absl::GetFlag(FLAGS_fetch_timeout);
  options.fetch.max_redirects = absl::GetFlag(FLAGS_max_redirects);
  options.fetch.user_agent = absl::GetFlag(FLAGS_user_agent);
  options.fetch.verify_tls = absl::GetFlag(FLAGS_verify_tls);
  options.check_threads = absl::GetFlag(FLAGS_check_threads);

  govinspect::crawler::CrawlerServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("crawler", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
