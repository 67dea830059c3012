// newmedia: checks of government new-media accounts (`account` tasks and CheckAccount).

#include "absl/flags/flag.h"
#include "common/log/log.h"
#include "services/main_support/server_flags.h"
#include "services/newmedia/newmedia_server.h"

ABSL_FLAG(std::string, platform_api, govinspect::newmedia::kDefaultPlatformApi,
          "The platform API (docs/platform-api.md) per platform: PLATFORM=URL,... with PLATFORM "
          "one of wechat, weibo, douyin, toutiao, app, other; URL `none` = no adapter (accounts "
          "of that platform are not assessed)");
ABSL_FLAG(std::string, connect_to, "",
          "HOST:PORT to send every platform call to, whatever the URL's host (the simulated "
          "province, a forward setup); empty = normal DNS");
ABSL_FLAG(absl::Duration, platform_timeout, absl::Seconds(10), "Timeout of one platform call");
ABSL_FLAG(int, platform_attempts, 3, "Attempts per platform call on timeouts, resets, 5xx, 429");
ABSL_FLAG(absl::Duration, platform_retry_backoff, absl::Milliseconds(200),
          "Wait before the first retry of a platform call (doubles per retry)");
ABSL_FLAG(double, platform_qps, 50, "Requests per second per platform (0 = unlimited)");
ABSL_FLAG(int, platform_burst, 10, "Requests a platform may get at once after a quiet spell");
ABSL_FLAG(std::string, user_agent,
          "govinspect/0.1 (government new-media inspection; +https://www.gov.cn/)",
          "User-Agent of every platform call");
ABSL_FLAG(int, update_days, 14, "account_not_updated: no post in this many days before as_of");
ABSL_FLAG(int, dormant_months, 3, "account_dormant (僵尸/睡眠): no post for more than this many months");
ABSL_FLAG(int, filing_days, 3, "account_filed_late: filed more than this many days after opening");
ABSL_FLAG(int, max_posts, 2000, "Posts read (and content-checked) per account at most");
ABSL_FLAG(bool, search_unit_accounts, true,
          "Search the platforms for each unit's accounts (unfiled, duplicates)");
ABSL_FLAG(std::string, dictionaries_dir, "",
          "Directory with expression-errors.txt, sensitive-words.txt, abolished-names.txt "
          "(docs/text.md); empty = the built-in set");
ABSL_FLAG(int, check_threads, 2, "CheckAccount calls running at once");

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(
      argc, argv, "newmedia", "govinspect newmedia: checks of government new-media accounts");
  auto common = govinspect::main_support::ReadCommonServerFlags("newmedia");
  if (!common.ok()) return govinspect::main_support::FailStartup("newmedia", common.status());

  govinspect::newmedia::NewMediaServerOptions options;
  options.server = common->server;
  options.worker = common->worker;
  options.redis = common->redis;
  options.key_prefix = common->key_prefix;
  options.api_token = common->api_token;
  auto apis = govinspect::newmedia::ParsePlatformApi(absl::GetFlag(FLAGS_platform_api));
  if (!apis.ok()) return govinspect::main_support::FailStartup("newmedia", apis.status());
  options.platform_api = *apis;
  options.fetch.connect_to = absl::GetFlag(FLAGS_connect_to);
  options.fetch.timeout = absl::GetFlag(FLAGS_platform_timeout);
  options.fetch.user_agent = absl::GetFlag(FLAGS_user_agent);
  options.adapter.attempts = absl::GetFlag(FLAGS_platform_attempts);
  options.adapter.retry_backoff = absl::GetFlag(FLAGS_platform_retry_backoff);
  options.platform_qps = absl::GetFlag(FLAGS_platform_qps);
  options.platform_burst = absl::GetFlag(FLAGS_platform_burst);
  options.check.update_days = absl::GetFlag(FLAGS_update_days);
  options.check.dormant_months = absl::GetFlag(FLAGS_dormant_months);
  options.check.filing_days = absl::GetFlag(FLAGS_filing_days);
  options.check.max_posts = absl::GetFlag(FLAGS_max_posts);
  options.check.search_unit_accounts = absl::GetFlag(FLAGS_search_unit_accounts);
  options.dictionaries_dir = absl::GetFlag(FLAGS_dictionaries_dir);
  options.check_threads = absl::GetFlag(FLAGS_check_threads);

  govinspect::newmedia::NewMediaServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("newmedia", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
