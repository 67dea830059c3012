#ifndef GOVINSPECT_SERVICES_CRAWLER_SCRIPT_LISTS_H_
#define GOVINSPECT_SERVICES_CRAWLER_SCRIPT_LISTS_H_

// What real CMS templates put in scripts instead of markup, read without running the scripts
// (docs/crawler.md, "Lists, pagination and dates"):
// - list records in an XML data island, `<datastore><recordset><record><![CDATA[<li>…</li>]]>`
//   (Hanweb jpage), inline in a `<script type="text/xml">` or as the whole answer of its
//   paging endpoint;
// - the paging endpoint and its form fields (`proxyUrl:'/module/web/jpage/dataproxy.jsp'`,
//   `columnid`, `unitid` …, `totalRecord`, `perPage`);
// - pagination drawn by a script call (`createPageHTML(10, 0, "index", "html")`, TRS);
// - a redirect by script (`location.href = '…'`, `window.location.replace("…")`).
// Transport-free and site-agnostic.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace govinspect::crawler {

// The records of a `<datastore>` data island as one HTML fragment (`<ul>` + each record's
// markup), or nullopt when the text holds no `<recordset>`. `records` receives the number of
// records (0 for an empty recordset).
std::optional<std::string> DatastoreToHtml(absl::string_view text, int* records = nullptr);

// A jpage paging endpoint read from a page's scripts.
struct JpageProxy {
  std::string proxy_url;  // as written (relative or absolute)
  // The form fields, url-encoded, in the order found ("col=1&appid=1&webid=…").
  std::string form;
  int total_records = 0;
  int per_page = 0;
};
// Reads `proxyUrl`, the form fields (col, appid, webid, path, columnid, sourceContentType,
// unitid, webname, permissiontype) and totalRecord / perPage from script text; nullopt when the
// text names no dataproxy endpoint or no columnid.
std::optional<JpageProxy> ParseJpageProxy(absl::string_view script);
// The query strings of the endpoint's pages after the first, as jpage asks for them
// ("startrecord=16&endrecord=30&perpage=15" …), at most `max_pages`.
std::vector<std::string> JpagePageQueries(const JpageProxy& proxy, int records_on_page, int max_pages);

// `createPageHTML(pages, current, "name", "ext")` → the relative URLs of the other pages
// ("index_1.html" … "index_{pages-1}.html"; page 0 is "index.html"), at most `max_pages`.
std::vector<std::string> CreatePageHtmlUrls(absl::string_view script, int max_pages);

// The target of a script redirect (`location.href='…'`, `window.location = "…"`,
// `location.replace('…')`, `top.location.href=…`), "" if none.
std::string ScriptRedirect(absl::string_view script);

// The date a URL carries (`t20200601_123.html`, `/art/2020/6/1/art_…`, `/20200601/…`,
// `/2020-06-01/…`), nullopt if none.
std::optional<absl::CivilDay> UrlDate(absl::string_view url);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_SCRIPT_LISTS_H_
