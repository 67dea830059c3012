#ifndef GOVINSPECT_SERVICES_CRAWLER_SITE_ANALYZER_H_
#define GOVINSPECT_SERVICES_CRAWLER_SITE_ANALYZER_H_

// Site-level page understanding: from the facts of every crawled page (PageAnalyzer) to the
// findings of docs/finding-kinds.md — columns (discovery from the navigation, category by name,
// newest item, blank), home-page freshness, content errors and privacy leaks, the message board
// (unanswered, late, missing elements, statistics, no channel), surveys, 概况信息, identity
// (domain, footer, search, viewport) and 办事服务 — with their evidence (PageUnderstanding).

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "common/calendar/workday_calendar.h"
#include "common/text/content_checker.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "services/crawler/column_categories.h"
#include "services/crawler/page_analyzer.h"

namespace govinspect::crawler {

struct SiteAnalysisContext {
  std::string home_url;  // normalised
  absl::CivilDay as_of;
  // The unit has public-service duties (no 办事服务 is a veto only then).
  bool public_service = true;
  const common::v1::SiteOverrides* overrides = nullptr;           // may be null
  const ColumnCategories* categories = nullptr;                   // null = the default table
  const common::ContentChecker* checker = nullptr;                // null = the default dictionary
  const common::WorkdayCalendar* calendar = nullptr;              // null = the built-in calendar
  // Whether a URL belongs to the site (its hosts).
  std::function<bool(const std::string&)> in_scope;
  // For a checked link target: true if broken; nullopt if it was never checked.
  std::function<std::optional<bool>(const std::string&)> link_broken;
};

class SiteAnalyzer {
 public:
  explicit SiteAnalyzer(SiteAnalysisContext context);

  // The home page's URL as fetched (after redirects), when it differs from the context's.
  void set_home_url(const std::string& url) { ctx_.home_url = url; }
  // Runs the content checks on the page's text and keeps what the site-level checks need.
  void AddPage(const std::string& url, PageFacts facts);
  // The same in two steps, for crawls that read pages on several threads: CheckContent is
  // const and may run on any thread; AddPage with its result must not run concurrently with
  // another AddPage or Finish. The findings do not depend on the order pages are added in.
  std::vector<common::ContentMatch> CheckContent(const PageFacts& facts) const;
  void AddPage(const std::string& url, PageFacts facts, std::vector<common::ContentMatch> matches);
  // Appends the findings and fills `understanding`.
  void Finish(common::v1::Observation* obs, common::v1::PageUnderstanding* understanding);

 private:
  struct Column {
    std::string name;
    std::string url;
    std::string category;
    std::string category_source;
    bool first_level = false;
    std::string found_by;  // nav, more, submenu, tree
    int parent = -1;       // the column on whose pages it was found
    bool has_children = false;
    std::vector<std::string> pages;  // list pages, first page first
    std::vector<ListItem> items;     // from every list page
  };

  const PageFacts* Page(const std::string& url) const;
  // A list item's date; a date shown without its year is taken from the item's own page, and
  // an item the list shows no date for takes its page's publish date, else its URL's date.
  // `source` (may be null) receives list, title, article, url or "".
  std::optional<absl::CivilDay> ItemDate(const ListItem& item, std::string* source = nullptr) const;
  void DiscoverColumns();
  void Add(common::v1::Observation* obs, const std::string& kind, const std::string& url = "",
           const std::string& source_url = "", const std::string& text = "", const std::string& date = "",
           const std::string& detail = "", const std::string& excerpt = "");
  void Columns(common::v1::Observation* obs, common::v1::PageUnderstanding* u);
  void Interaction(common::v1::Observation* obs, common::v1::PageUnderstanding* u);
  void StatisticsPage(common::v1::InteractionEvidence* ev) const;
  void Surveys(common::v1::Observation* obs, common::v1::PageUnderstanding* u);
  void Identity(common::v1::Observation* obs, common::v1::PageUnderstanding* u);
  void Service(common::v1::Observation* obs, common::v1::PageUnderstanding* u);

  SiteAnalysisContext ctx_;
  absl::flat_hash_map<std::string, PageFacts> pages_;
  std::vector<Column> columns_;
  // Content findings by (kind, text): the pages with the smallest URLs, at most
  // kContentEvidencePages of them (the same text on many pages: a few are evidence enough).
  static constexpr size_t kContentEvidencePages = 5;
  std::map<std::pair<std::string, std::string>, std::vector<common::v1::Finding>> content_findings_;
  int content_pages_ = 0;
  int64_t content_bytes_ = 0;
};

// The indicator of a site finding kind (docs/finding-kinds.md), "" if unknown.
const char* SiteIndicator(const std::string& kind);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_SITE_ANALYZER_H_
