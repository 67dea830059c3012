// Crawls one site fully (all link checks on) and prints one JSON line with the figures.
//   crawl_bench URL [--connect_to HOST:PORT] [--concurrency N] [--in_flight N] [--as_of YYYY-MM-DD]
//               [--understand 0|1] [--page_threads N] [--findings_out FILE]
// --findings_out writes the findings, one a line, sorted: kind, url, text, date, detail
// (tab-separated; the page a finding was seen on is left out, it depends on the crawl order).
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/crawler/site_crawler.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: crawl_bench URL [--connect_to HOST:PORT] [--concurrency N] [--in_flight N]\n";
    return 2;
  }
  govinspect::crawler::CrawlOptions o;
  o.engine.per_host_delay = absl::ZeroDuration();  // benchmarks: no politeness delay
  o.engine.per_host_concurrency = 16;
  o.engine.max_in_flight = 32;
  o.max_pages = 100000;
  o.time_budget = absl::Minutes(30);
  std::string as_of = "2020-06-30";  // the simulated province's 监测时间点
  std::string findings_out;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    if (f == "--connect_to") o.engine.fetch.connect_to = argv[i + 1];
    else if (f == "--concurrency") absl::SimpleAtoi(argv[i + 1], &o.engine.per_host_concurrency);
    else if (f == "--in_flight") absl::SimpleAtoi(argv[i + 1], &o.engine.max_in_flight);
    else if (f == "--as_of") as_of = argv[i + 1];
    else if (f == "--understand") o.understand_pages = std::string(argv[i + 1]) != "0";
    else if (f == "--page_threads") absl::SimpleAtoi(argv[i + 1], &o.page_threads);
    else if (f == "--findings_out") findings_out = argv[i + 1];
  }
  govinspect::common::v1::Site site;
  site.set_name("sites/bench");
  site.set_home_url(argv[1]);
  govinspect::crawler::MemoryLinkCache cache;
  absl::Time start = absl::Now();
  auto obs = govinspect::crawler::CrawlSite(site, as_of, o, &cache, nullptr);
  double secs = absl::ToDoubleSeconds(absl::Now() - start);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  int64_t fetches = 0;
  for (const auto& c : obs.site().fetch_results()) fetches += c.count();
  std::cout << "{\"pages\":" << obs.site().pages_crawled() << ",\"links_found\":"
            << obs.site().links_found() << ",\"links_checked\":" << obs.site().links_checked()
            << ",\"fetches\":" << fetches << ",\"findings\":" << obs.findings_size()
            << ",\"seconds\":" << secs << ",\"pages_per_second\":" << obs.site().pages_crawled() / secs
            << ",\"peak_rss_kib\":" << ru.ru_maxrss << "}" << std::endl;
  if (!findings_out.empty()) {
    std::vector<std::string> lines;
    for (const auto& f : obs.findings()) {
      lines.push_back(absl::StrJoin({f.kind(), f.url(), f.text(), f.date(), f.detail()}, "\t"));
    }
    std::sort(lines.begin(), lines.end());
    std::ofstream out(findings_out);
    for (const std::string& l : lines) out << l << "\n";
    if (!out) {
      std::cerr << "cannot write " << findings_out << "\n";
      return 1;
    }
  }
  return 0;
}
