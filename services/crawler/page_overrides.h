#ifndef GOVINSPECT_SERVICES_CRAWLER_PAGE_OVERRIDES_H_
#define GOVINSPECT_SERVICES_CRAWLER_PAGE_OVERRIDES_H_

// The registry's per-site overrides (Site.overrides, from site_overrides.csv: docs/registry.md,
// docs/crawler.md "Per-site overrides") applied to a page: which override covers a page, the
// list items, dates and labelled fields its XPath selectors pick out of the parsed page, and the
// category override of a column.
//
// The functions take any libxml2 document (htmlReadMemory / htmlCtxtReadMemory from UTF-8 is what
// the crawler gives them; no parser options are required) and only read it. Text is read from
// the document's text nodes (not <script>, <style> or comments) with whitespace collapsed: ASCII
// whitespace, U+00A0 (&nbsp;) and U+3000 (full-width space) become one ASCII space, trimmed at
// both ends; block elements (p, div, li, td, dd, br …) separate words.
//
// Work per call is bounded: the XPath evaluations together stop after kMaxOverrideXPathOps steps
// (an error), and at most kMaxOverrideNodes nodes — nodes selected plus nodes walked to read their
// text — are visited (past that, the result is cut short, not an error). A text is at most
// kMaxOverrideTextBytes bytes (cut on a character boundary).

#include <libxml/tree.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::crawler {

inline constexpr int kMaxOverrideNodes = 5000;
inline constexpr unsigned long kMaxOverrideXPathOps = 1000000;
inline constexpr size_t kMaxOverrideTextBytes = 16384;

// The override for a page: the PageOverride with the longest path_prefix that prefixes
// path_and_query; null if none. `path_and_query` is the page's path and query ("/xxgk/index.html",
// "/module/jpage/dataproxy.jsp?columnid=12"); a whole URL is accepted too (its path and query are
// used). Prefixes compare bytes, case-sensitively; an empty path_prefix matches nothing.
const common::v1::PageOverride* FindPageOverride(const common::v1::SiteOverrides& overrides,
                                                 absl::string_view path_and_query);

struct OverrideListItem {
  // The item's first <a href> (the item itself when it is one): the attribute as written
  // (entities decoded, surrounding ASCII whitespace removed), not resolved against the page.
  std::string href;
  // The whitespace-collapsed text of that <a>; its title attribute when the text is empty.
  std::string title;
  // The text date_xpath selects relative to the item when date_xpath is set, else the item's
  // whole text; the date in it is for the caller to parse.
  std::string date_text;
};

// The items `items_xpath` selects (absolute, evaluated on the document), in document order.
// Selected nodes that are not elements, and elements without an <a href> inside, are skipped
// (the header row of a table-based list, say). `date_xpath` (may be empty) is evaluated with
// each item as the context node; a node-set gives the text of its first node ("" if empty),
// a string, number or boolean result its string value.
// INVALID_ARGUMENT for an XPath that does not compile or fails to evaluate, or an items_xpath
// whose result is not a node-set; RESOURCE_EXHAUSTED when the evaluations exceed their bound.
absl::StatusOr<std::vector<OverrideListItem>> SelectListItems(xmlDocPtr doc,
                                                              const std::string& items_xpath,
                                                              const std::string& date_xpath);

// Text (whitespace collapsed) of the first node an absolute XPath selects; "" if none. A string,
// number or boolean result gives its string value (so "substring(//span[@class='date'], 6)"
// works). Errors as SelectListItems.
absl::StatusOr<std::string> SelectText(xmlDocPtr doc, const std::string& xpath);

// Labelled fields (留言时间, 答复单位, 起止时间, 办理材料 …), in document order. For each node
// `label_xpath` selects:
//   label = its text without spaces (ASCII, U+00A0, U+3000: "留 言 时 间：" → "留言时间") and
//           without the trailing "：" / ":"; nodes whose label is then empty are skipped;
//   value = the text of its next element sibling, when only whitespace lies between them and that
//           sibling is not itself a selected label (<td>留言时间：</td><td>2020-06-18</td>);
//           else the text following the label inside the same parent, up to the next selected
//           label (<p><span class="lab">留言时间：</span>2020-06-18 <span class="lab">…).
// A label whose own text goes on after a colon ("留言时间：2020-06-18") holds its value: label =
// the text before the first "：" / ":", value = the rest.
// Errors as SelectListItems.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SelectFields(
    xmlDocPtr doc, const std::string& label_xpath);

// The category override for a column, or nullopt. An override whose `column` starts with "/" or
// holds "://" is a URL (or path) and matches when its path and query equal those of `list_url`
// (host and fragment are not compared); any other override matches when it equals `column_name`
// with spaces (ASCII, U+00A0, U+3000) ignored. A URL match wins over a name match; among equals
// the first in the registry wins.
std::optional<std::string> OverrideCategory(const common::v1::SiteOverrides& overrides,
                                            absl::string_view column_name,
                                            absl::string_view list_url);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_PAGE_OVERRIDES_H_
