// Renders the pages of the simulated sites from the model, deterministically.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_RENDER_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_RENDER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/simprovince/model.h"
#include "tools/simprovince/page_weight.h"

namespace govinspect::simprovince {

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
};

// Converts UTF-8 to `charset` (e.g. "GBK", "GB18030") with glibc's iconv.
absl::StatusOr<std::string> ConvertFromUtf8(absl::string_view utf8, const char* charset);

class SiteRenderer {
 public:
  // `weight`: kHeavy adds what real templates weigh (page_weight.h) to every page of the sites;
  // what the pages say and link within the site is the same.
  explicit SiteRenderer(const Province& p, PageWeight weight = PageWeight::kLight);

  // Renders `path_and_query` (as sent, starting with '/') of site `site`.
  HttpResponse Render(int site, absl::string_view path_and_query) const;
  // True if the path is the site's home page ("/", "/index.html", …).
  static bool IsHomePath(absl::string_view path_and_query);
  // Hosts outside the province that pages link to (中国政府网, ICP, …): a stub page each.
  static bool IsStubHost(absl::string_view host);
  static HttpResponse StubPage(absl::string_view host);
  // Number of routable HTML pages of a site (home, lists, articles, sitemap).
  size_t PageCount(int site) const { return routes_[site].size(); }
  // Every routable path of a site (sorted), for export-site.
  std::vector<std::string> Paths(int site) const;

  // The href a page at `page_path` writes for the site path `target` (per the site's LinkStyle).
  static std::string Href(const Site& s, absl::string_view page_path, const std::string& target);
  // Hanweb jpage data proxy: the <datastore> XML of records [start, end] (1-based) of a column.
  std::string HanwebDatastore(int site, uint32_t column_id, int start, int end) const;

 private:
  enum class PageType : uint8_t { kHome, kHomeForward, kList, kArticle, kSitemap, kSearch, kTree };
  struct PageRef {
    PageType type;
    int16_t column;
    int32_t index;  // list page number or item index
  };
  struct Ctx;

  std::string RenderHtml(int site, const PageRef& ref, absl::string_view page_path, absl::string_view query) const;
  std::string HomeForwardPage(const Site& s) const;
  HttpResponse Finish(const Site& s, std::string html) const;
  void Head(Ctx& c, const std::string& title, const std::string& column, const std::string& article_title,
            Day pub) const;
  void Header(Ctx& c) const;
  void Footer(Ctx& c) const;
  // Heavy pages only: the head's style sheet and scripts, the accessibility bar, the full-site
  // menu, the footer's link blocks, the floating tools and the statistics scripts.
  void HeavyHead(Ctx& c) const;
  void HeavyTopBar(Ctx& c) const;
  void HeavyMenu(Ctx& c) const;
  void HeavyFooterLinks(Ctx& c) const;
  void HeavyTail(Ctx& c) const;
  void HomeBody(Ctx& c) const;
  void ListBody(Ctx& c, int column, int page) const;
  void ArticleBody(Ctx& c, int column, int item) const;
  void MessageBody(Ctx& c, int column, int item) const;
  void SurveyBody(Ctx& c, int column, int item) const;
  void GuideBody(Ctx& c, int column, int item) const;
  void ProfileBody(Ctx& c, int column) const;
  void StatsBody(Ctx& c) const;
  void SitemapBody(Ctx& c) const;
  void TreeBody(Ctx& c) const;
  std::string HomeForward(const Site& s) const;
  std::string H(const Ctx& c, const std::string& target) const;
  struct Row {
    std::string href, title, date, extra;
    std::string date_attr;  // the date for a title= attribute
  };
  std::vector<Row> ListRows(const Site& s, int column, int from, int to) const;
  void AppendRows(Ctx& c, const Column& col, const std::vector<Row>& rows, bool home_block) const;
  void Pagination(Ctx& c, int column, int page) const;
  void BlankList(Ctx& c, const Column& col) const;
  std::string Title(const Site& s, int column, int item) const;

  const Province& p_;
  PageWeight weight_;
  std::vector<absl::flat_hash_map<std::string, PageRef>> routes_;
  std::vector<absl::flat_hash_set<std::string>> missing_;
  std::vector<absl::flat_hash_map<uint64_t, std::vector<int>>> injections_by_item_;
  std::string friend_links_;  // shared 友情链接 <select>
};

std::string FormatListDate(Day d, DateFormat f);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_RENDER_H_
