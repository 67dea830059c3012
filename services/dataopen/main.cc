// dataopen: open-data portal checks (CKAN Action API) for `portal` tasks and CheckPortal.

#include "absl/flags/flag.h"
#include "common/log/log.h"
#include "services/dataopen/dataopen_server.h"
#include "services/main_support/server_flags.h"

ABSL_FLAG(std::string, connect_to, "",
          "HOST:PORT to send every CKAN call and download check to, whatever the URL's host (the "
          "simulated province, a forward setup); empty = normal DNS");
ABSL_FLAG(absl::Duration, fetch_timeout, absl::Seconds(15),
          "Timeout of one CKAN call or download check");
ABSL_FLAG(std::string, user_agent,
          "govinspect/0.1 (government website inspection; +https://www.gov.cn/)",
          "User-Agent of every request (put a contact address in it)");
ABSL_FLAG(bool, verify_tls, true, "Verify TLS certificates");
ABSL_FLAG(std::string, ca_file, "",
          "PEM file of the certificate authorities to trust instead of the system's bundle "
          "(e.g. the province's own CA together with the public ones); empty = the system's");
ABSL_FLAG(int, ckan_page_size, 100, "Rows asked per package_search page (1-1000)");
ABSL_FLAG(int, ckan_attempts, 3, "Attempts per CKAN call on timeouts, resets and 5xx");
ABSL_FLAG(absl::Duration, ckan_retry_backoff, absl::Milliseconds(200),
          "Wait before the first retry of a CKAN call (doubles per retry)");
ABSL_FLAG(int, stale_periods, 2,
          "A dataset is stale when not modified for more than this many update periods");
ABSL_FLAG(int, default_update_period_days, 365,
          "Update period of a dataset that declares none (or an irregular one)");
ABSL_FLAG(int, portal_parallelism, 4, "Units of one portal checked at once");
ABSL_FLAG(bool, check_resources, true, "Check that every resource file can be downloaded");
ABSL_FLAG(bool, count_records, true, "Count datastore records (datastore_search limit=0)");
ABSL_FLAG(int, check_threads, 1, "CheckPortal calls running at once");

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "dataopen",
                                           "govinspect dataopen: open-data portal checks");
  auto common = govinspect::main_support::ReadCommonServerFlags("dataopen");
  if (!common.ok()) return govinspect::main_support::FailStartup("dataopen", common.status());

  govinspect::dataopen::DataOpenServerOptions options;
  options.server = common->server;
  options.worker = common->worker;
  options.redis = common->redis;
  options.key_prefix = common->key_prefix;
  options.api_token = common->api_token;
  options.fetch.connect_to = absl::GetFlag(FLAGS_connect_to);
  options.fetch.timeout = absl::GetFlag(FLAGS_fetch_timeout);
  options.fetch.user_agent = absl::GetFlag(FLAGS_user_agent);
  options.fetch.verify_tls = absl::GetFlag(FLAGS_verify_tls);
  options.fetch.ca_file = absl::GetFlag(FLAGS_ca_file);
  options.check.client.page_size = absl::GetFlag(FLAGS_ckan_page_size);
  options.check.client.attempts = absl::GetFlag(FLAGS_ckan_attempts);
  options.check.client.retry_backoff = absl::GetFlag(FLAGS_ckan_retry_backoff);
  options.check.stale_periods = absl::GetFlag(FLAGS_stale_periods);
  options.check.default_update_period_days = absl::GetFlag(FLAGS_default_update_period_days);
  options.check.parallelism = absl::GetFlag(FLAGS_portal_parallelism);
  options.check.check_resources = absl::GetFlag(FLAGS_check_resources);
  options.check.count_records = absl::GetFlag(FLAGS_count_records);
  options.check_threads = absl::GetFlag(FLAGS_check_threads);

  govinspect::dataopen::DataOpenServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("dataopen", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
