#ifndef GOVINSPECT_SERVICES_CRAWLER_SITE_CRAWLER_H_
#define GOVINSPECT_SERVICES_CRAWLER_SITE_CRAWLER_H_

// The crawl of one site (transport-free): a breadth-first frontier over the site's hosts, every
// page decoded to UTF-8 and parsed for links, every link target checked once (pages by GET,
// images/attachments/resources by HEAD with a ranged-GET fallback, external links once per round
// through a shared cache), broken targets reported as findings (docs/finding-kinds.md).

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/http/fetch_engine.h"
#include "common/text/content_checker.h"
#include "services/crawler/column_categories.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::crawler {

struct CrawlOptions {
  common::FetchEngineOptions engine;
  // Pages (HTML documents) fetched per site at most, and link depth from the home page.
  int max_pages = 5000;
  int max_depth = 30;
  // Whole-crawl time budget; what is still open then is abandoned (evidence: truncated).
  absl::Duration time_budget = absl::Minutes(30);
  // Attempts for the home page (the rest use engine.fetch.max_attempts).
  int home_attempts = 3;
  // Check images, attachments and other non-page targets; check links to other sites.
  bool check_resources = true;
  bool check_external = true;
  bool honor_robots = false;
  std::string robots_agent = "govinspect";
  // Trap guards.
  int max_url_length = 512;
  int max_segment_repeats = 2;           // the same path segment more than this → trap
  int max_query_variants_per_path = 5000; // distinct query strings per path
  int max_param_sets_per_path = 16;       // distinct sets of parameter names per path
  int max_calendar_pages = 24;            // date-named pages ("/cal/2020-06") per pattern
  // New targets taken from one page at most: links (pages, files, other sites) and images, in
  // the page's order; the rest are counted in the evidence as skipped. A page's structural
  // links (pagination drawn by scripts, data-island records) are not limited.
  int max_links_per_page = 1000;
  int max_images_per_page = 500;
  // Page understanding (columns, freshness, content, interaction, surveys, identity, service;
  // docs/crawler.md). Null tables/checkers mean the compiled-in defaults.
  bool understand_pages = true;
  // Threads that decode, parse and read this crawl's pages (the fetches stay on the calling
  // thread); 0 = one per core, at most 4.
  int page_threads = 0;
  const ColumnCategories* column_categories = nullptr;
  const common::ContentChecker* content_checker = nullptr;
};

// Results of external link checks shared by every crawl of a round (e.g. in Redis).
class LinkCache {
 public:
  virtual ~LinkCache() = default;
  // url → reason ("ok", "http_404", "timeout", …) for the URLs known.
  virtual absl::flat_hash_map<std::string, std::string> Lookup(
      const std::vector<std::string>& urls) = 0;
  virtual void Store(const std::vector<std::pair<std::string, std::string>>& results) = 0;
};

class MemoryLinkCache : public LinkCache {
 public:
  absl::flat_hash_map<std::string, std::string> Lookup(const std::vector<std::string>& urls) override;
  void Store(const std::vector<std::pair<std::string, std::string>>& results) override;

 private:
  absl::flat_hash_map<std::string, std::string> map_;
};

// Observes each crawl (pages per crawl); may be null.
class CrawlObserver {
 public:
  virtual ~CrawlObserver() = default;
  virtual void OnCrawlDone(int pages, double seconds) = 0;
};

// Crawls `site` and returns its observation (status ASSESSED, findings, SiteEvidence). `as_of`
// is the round's YYYY-MM-DD (for the calendar trap guard; may be empty). `fetch_observer`
// receives every fetch (metrics). Never fails: a site whose home page was not read is
// NOT_ASSESSED with the reason, the home fetch's error in the evidence (docs/crawler.md).
// `unit` (may be null) is the site's unit: no 办事服务 is reported only for units with
// public-service duties (null = unknown: not judged).
common::v1::Observation CrawlSite(const common::v1::Site& site, const std::string& as_of,
                                  const CrawlOptions& options, LinkCache* cache,
                                  common::FetchObserver* fetch_observer,
                                  CrawlObserver* crawl_observer = nullptr,
                                  const common::v1::Unit* unit = nullptr);

// What a link target is, by tag and extension.
enum class TargetKind { kPage, kImage, kAttachment, kResource };
TargetKind ClassifyTarget(const std::string& normalized_url, bool is_img_tag);

// True if the URL looks like a crawler trap on its own (too long, repeating segments).
bool LooksLikeTrap(const std::string& normalized_url, const CrawlOptions& options);

// The key of a date-named page ("/__calendar/2020-06" → "/__calendar/#"), "" if the page is not
// named by a date.
std::string CalendarPattern(const std::string& path_and_query);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_SITE_CRAWLER_H_
