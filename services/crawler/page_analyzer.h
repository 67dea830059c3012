#ifndef GOVINSPECT_SERVICES_CRAWLER_PAGE_ANALYZER_H_
#define GOVINSPECT_SERVICES_CRAWLER_PAGE_ANALYZER_H_

// What one page says, read from its DOM (libxml2's HTML parser, recovering from any markup):
// the main list of dated items, blank-column markers, short links (navigation, pagination),
// labelled fields (留言时间, 答复单位, 起止时间, 办理材料, 成文日期 …), the publish date, the
// footer's identity items, search and viewport, and the visible text for the content checks.
// Transport-free and site-agnostic; the site-level conclusions are SiteAnalyzer's.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "govinspect/common/v1/registry.pb.h"

struct _xmlDoc;

namespace govinspect::crawler {

struct ListItem {
  std::string url;  // resolved
  std::optional<absl::CivilDay> date;
  // The date showed no year ([06-18]): the year was taken from the as_of date, so the item's
  // own page (its publish date) is the better witness when it was read.
  bool year_implied = false;
  // The second date of a range ("2020-05-01 至 2020-05-31"), if any.
  std::optional<absl::CivilDay> end_date;
  // A status word shown with the item: 已答复, 办理中, 进行中, 已结束 … ("" if none).
  std::string status;
  // The link's text (whitespace collapsed, at most 200 bytes): matches feedback to its survey.
  std::string title;
  // Where the date was read: "list" (the item's text), "title" (the anchor's title attribute);
  // "" when the list shows none.
  std::string date_source;
};

struct ShortLink {
  std::string url;   // resolved
  std::string text;  // whitespace removed, at most 16 characters
  // "more": a block's 更多>> link, named by the block's heading (the text is the heading).
  std::string via;
};

// A list page that the page's script asks for with a form POST (Hanweb jpage's dataproxy.jsp):
// fetched with `body`, read as a page under `key` (the URL with the form fields added to its
// query, so that every column's pages have their own key).
struct PostPage {
  std::string url;
  std::string body;
  std::string key;
};

// Footer / identity items (bit positions).
enum FooterItem : int {
  kFooterSiteCode = 0,
  kFooterIcp,
  kFooterPolice,
  kFooterBadge,
  kFooterSponsor,
  kFooterSitemap,
  kFooterErrorReport,
  kFooterItems
};
const char* FooterItemId(int item);  // "site_code", "icp", …

struct PageFacts {
  // <meta name=…> names seen (SiteName, SiteIDCode, ColumnName, PubDate …) and the values used.
  std::vector<std::string> meta_names;
  std::string meta_site_code;
  std::string meta_column_name;
  bool viewport = false;
  bool search = false;
  // A form with a text area or several inputs other than search (an opinion / message form).
  bool input_form = false;

  // The main list (the container with the most dated items; else the longest list of titled
  // links) and every dated item of every list on the page (for the home page's freshness).
  std::vector<ListItem> items;
  int dated_items = 0;
  // Every dated item of every list on the page (at most 500).
  std::vector<ListItem> all_dated_items;
  // The titled items without a date of every list on the page (at most 300): their own pages
  // date them (a home page whose blocks show no dates).
  std::vector<ListItem> undated_items;
  // What the page calls itself in its breadcrumb (当前位置：首页 > 互动交流 > 调查征集): the
  // last linked name; "" without a breadcrumb or when it names only the home page.
  std::string crumb_name;
  // "" or no_info_text / zero_items / empty_container.
  std::string blank;
  // Links whose text is short (column names, pagination words) and pagination targets.
  std::vector<ShortLink> short_links;
  std::vector<std::string> pagination;
  // How the main list was found: "ul>li", "table>tr", "div>div" … (parent>member tags),
  // "datastore" (records in a data island), "override"; "" without a list.
  std::string list_structure;
  // How further list pages are linked: "anchor" (下一页, page numbers), "createPageHTML",
  // "dataproxy"; "" if none.
  std::string pagination_form;
  // Pages the crawl should read that no anchor links: list pages drawn by scripts
  // (createPageHTML), records' links inside a data island.
  std::vector<std::string> extra_links;
  std::vector<PostPage> post_pages;
  // Where the page sends a browser at once: <meta http-equiv="refresh" content="0;url=…"> (up to
  // 10 s) or a script `location.href = '…'` (resolved; "" if none).
  std::string redirect;

  // Labelled fields by canonical label (留言时间, 答复单位, 答复时间, 答复内容, 办理状态,
  // 起止时间, 征集状态, 事项名称 …, 成文日期, 发布日期), first occurrence wins.
  std::vector<std::pair<std::string, std::string>> fields;
  const std::string* Field(absl::string_view label) const;
  // Publish date (meta PubDate, else a 发布日期/发布时间/信息提供日期 field) and 成文日期.
  std::optional<absl::CivilDay> publish_date;
  // "meta", "label" (发布日期/发布时间 …), "url" (t20200601_, /art/2020/6/1/: only for a page
  // that is no list page), "override"; "" without a publish date.
  std::string publish_date_source;
  std::optional<absl::CivilDay> document_date;
  // Links in a block that speaks of results (结果反馈：<a>…</a>): survey feedback candidates.
  std::vector<std::string> feedback_links;

  // Identity (bit i = FooterItem i present), and the 网站标识码 written in the text.
  unsigned footer_items = 0;
  std::string footer_site_code;
  // Handling statistics of messages (留言…条 … 答复率) are published on this page.
  bool message_statistics = false;
  // The newest year written as "YYYY年" (≤ the reference year) in the page's main text block
  // (navigation, sidebars and footer left out), 0 if none.
  int newest_year = 0;

  // The visible text (scripts, styles and <select> menus left out).
  std::string text;
};

struct PageContext {
  std::string url;  // the page's URL (normalised), the base for relative links
  absl::CivilDay as_of;
  const common::v1::SiteOverrides* overrides = nullptr;  // may be null
};

PageFacts AnalyzePage(absl::string_view utf8_html, const PageContext& context);
// The same for a page already parsed (common::ParseHtmlDocument); the document is only read.
PageFacts AnalyzeDocument(_xmlDoc* doc, const PageContext& context);

// "留 言 时 间：" → "留言时间": spaces, full-width spaces and a trailing colon removed.
std::string NormalizeLabel(absl::string_view label);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_PAGE_ANALYZER_H_
