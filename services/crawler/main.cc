// crawler: crawls sites taken from the queue, runs availability probes; CrawlerService for
// ad-hoc checks.

#include <memory>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/text/content_checker.h"
#include "services/crawler/column_categories.h"
#include "services/crawler/crawler_server.h"
#include "services/main_support/server_flags.h"

ABSL_FLAG(std::string, connect_to, "",
          "HOST:PORT to send every fetch to, whatever the URL's host (the simulated province, a "
          "forward setup); empty = normal DNS. Its address is allowed by the SSRF guard");
ABSL_FLAG(std::vector<std::string>, allow_networks, {},
          "Comma-separated addresses/networks the SSRF guard lets through (e.g. 10.1.0.0/16)");
ABSL_FLAG(bool, ssrf_guard, true,
          "Refuse private, loopback, link-local and metadata addresses (after DNS, per redirect)");
ABSL_FLAG(absl::Duration, fetch_timeout, absl::Seconds(15), "Timeout of one page fetch");
ABSL_FLAG(int, fetch_attempts, 3, "Attempts per fetch for transient errors (429/5xx, timeouts, resets)");
ABSL_FLAG(int, max_redirects, 5, "Redirects followed per fetch");
ABSL_FLAG(int64_t, max_body_bytes, 10 << 20, "Largest body read (decoded); more is body_too_large");
ABSL_FLAG(std::string, user_agent,
          "govinspect/0.1 (government website inspection; contact: webmaster@example.gov.cn)",
          "User-Agent of every fetch (put a contact address in it)");
ABSL_FLAG(bool, verify_tls, true, "Verify TLS certificates");
ABSL_FLAG(std::string, ca_file, "",
          "PEM file of the certificate authorities to trust instead of the system's bundle "
          "(e.g. the province's own CA together with the public ones); empty = the system's");
ABSL_FLAG(int, max_in_flight, 32, "Fetches in flight per crawl");
ABSL_FLAG(int, per_host_concurrency, 4, "Fetches in flight per host (politeness)");
ABSL_FLAG(absl::Duration, per_host_delay, absl::ZeroDuration(),
          "Minimum time between two request starts to one host (politeness)");
ABSL_FLAG(int, max_pages, 5000, "Pages fetched per site at most");
ABSL_FLAG(int, max_depth, 30, "Link depth from the home page");
ABSL_FLAG(int, max_links_per_page, 1000,
          "New links (pages, files, other sites) taken from one page at most; the rest are counted as skipped");
ABSL_FLAG(int, max_images_per_page, 500, "New images taken from one page at most; the rest are counted as skipped");
ABSL_FLAG(absl::Duration, crawl_budget, absl::Minutes(30), "Time budget of one site crawl");
ABSL_FLAG(bool, check_external, true, "Check links to other sites (once per round)");
ABSL_FLAG(bool, check_resources, true, "Check images, attachments and other files (HEAD)");
ABSL_FLAG(bool, honor_robots, false, "Honour robots.txt");
ABSL_FLAG(int, probe_threads, 1, "Availability probe threads (0 = none)");
ABSL_FLAG(absl::Duration, probe_timeout, absl::Seconds(15),
          "A probe fails if the home page has not opened within this time");
ABSL_FLAG(int, check_threads, 2, "Ad-hoc CheckSite calls run at once");
ABSL_FLAG(int, probe_batch, 32, "Availability probes taken and run at once per probe thread");
ABSL_FLAG(std::string, dictionaries_dir, "",
          "Directory with expression-errors.txt, sensitive-words.txt and abolished-names.txt for the "
          "content checks of pages (empty = the built-in set, data/dictionaries/)");
ABSL_FLAG(std::string, column_categories, "",
          "Column name → category keyword table (empty = the built-in data/crawler/column-categories.txt)");
ABSL_FLAG(bool, understand_pages, true,
          "Read columns, freshness, content, interaction, surveys, identity and service from the pages");

ABSL_FLAG(int, page_threads, 0,
          "Threads per crawl that decode, parse and read pages (0 = one per core, at most 4)");

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
  govinspect::common::FetchOptions& f = options.crawl.engine.fetch;
  f.connect_to = absl::GetFlag(FLAGS_connect_to);
  f.allow_networks = absl::GetFlag(FLAGS_allow_networks);
  f.ssrf_guard = absl::GetFlag(FLAGS_ssrf_guard);
  f.timeout = absl::GetFlag(FLAGS_fetch_timeout);
  f.max_attempts = absl::GetFlag(FLAGS_fetch_attempts);
  f.max_redirects = absl::GetFlag(FLAGS_max_redirects);
  f.max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  f.user_agent = absl::GetFlag(FLAGS_user_agent);
  f.verify_tls = absl::GetFlag(FLAGS_verify_tls);
  f.ca_file = absl::GetFlag(FLAGS_ca_file);
  options.crawl.engine.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  options.crawl.engine.per_host_concurrency = absl::GetFlag(FLAGS_per_host_concurrency);
  options.crawl.engine.per_host_delay = absl::GetFlag(FLAGS_per_host_delay);
  options.crawl.max_pages = absl::GetFlag(FLAGS_max_pages);
  options.crawl.max_depth = absl::GetFlag(FLAGS_max_depth);
  options.crawl.max_links_per_page = absl::GetFlag(FLAGS_max_links_per_page);
  options.crawl.max_images_per_page = absl::GetFlag(FLAGS_max_images_per_page);
  options.crawl.time_budget = absl::GetFlag(FLAGS_crawl_budget);
  options.crawl.check_external = absl::GetFlag(FLAGS_check_external);
  options.crawl.check_resources = absl::GetFlag(FLAGS_check_resources);
  options.crawl.honor_robots = absl::GetFlag(FLAGS_honor_robots);
  options.probe_threads = absl::GetFlag(FLAGS_probe_threads);
  options.probe_timeout = absl::GetFlag(FLAGS_probe_timeout);
  options.probe_batch = absl::GetFlag(FLAGS_probe_batch);
  options.check_threads = absl::GetFlag(FLAGS_check_threads);

  options.crawl.understand_pages = absl::GetFlag(FLAGS_understand_pages);
  options.crawl.page_threads = absl::GetFlag(FLAGS_page_threads);
  // Loaded once; they live as long as the process.
  static std::unique_ptr<govinspect::common::ContentChecker> checker;
  static std::optional<govinspect::crawler::ColumnCategories> categories;
  if (const std::string dir = absl::GetFlag(FLAGS_dictionaries_dir); !dir.empty()) {
    auto dict = govinspect::common::Dictionary::LoadDirectory(dir);
    if (!dict.ok()) return govinspect::main_support::FailStartup("crawler", dict.status());
    auto c = govinspect::common::ContentChecker::Create(*dict);
    if (!c.ok()) return govinspect::main_support::FailStartup("crawler", c.status());
    checker = *std::move(c);
    options.crawl.content_checker = checker.get();
  }
  if (const std::string path = absl::GetFlag(FLAGS_column_categories); !path.empty()) {
    auto c = govinspect::crawler::ColumnCategories::LoadFile(path);
    if (!c.ok()) return govinspect::main_support::FailStartup("crawler", c.status());
    categories = *std::move(c);
    options.crawl.column_categories = &*categories;
  }

  govinspect::crawler::CrawlerServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("crawler", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
