#ifndef GOVINSPECT_COMMON_HTML_LINK_EXTRACTOR_H_
#define GOVINSPECT_COMMON_HTML_LINK_EXTRACTOR_H_

// The crawler's hot path: one SAX pass of libxml2's HTML parser (recovering from any markup)
// that collects the links of a page with their anchor text, the <title> and <base href>.

#include <memory>
#include <string>
#include <vector>

struct _xmlDoc;

#include "absl/strings/string_view.h"

namespace govinspect::common {

enum class LinkTag { kA, kArea, kImg, kScript, kLink, kIframe, kFrame, kEmbed, kSource, kRefresh };

struct ExtractedLink {
  LinkTag tag;
  // The attribute value as written (entities decoded), not resolved.
  std::string href;
  // Anchor text (a), alt text (area, img), whitespace collapsed, at most ~200 bytes.
  std::string text;
};

struct PageLinks {
  std::string title;
  std::string base_href;
  std::vector<ExtractedLink> links;
  // <meta name="robots" content="nofollow">
  bool nofollow = false;
};

// Parses UTF-8 HTML (meta charset declarations are ignored: the text is already UTF-8).
PageLinks ExtractLinks(absl::string_view utf8_html);

// A page parsed once into a DOM (libxml2's HTML parser, recovering; bytes that are not UTF-8
// replaced by U+FFFD) for callers that read more than the links (page understanding). What
// nothing reads and costs most to parse is left out before parsing: the bodies of <style>
// elements and the options of <select> menus (a select whose content is options alone), so
// these elements are empty; ExtractLinks does the same.
struct HtmlDocDeleter {
  void operator()(_xmlDoc* doc) const;
};
using HtmlDoc = std::unique_ptr<_xmlDoc, HtmlDocDeleter>;
HtmlDoc ParseHtmlDocument(absl::string_view utf8_html);

// The links of a parsed page, as ExtractLinks finds them in the same HTML (the same handler
// replayed over the tree; on badly broken markup the recovered tree can differ from the event
// stream, so anchor texts may differ there).
PageLinks ExtractLinksFromDocument(const _xmlDoc* doc);

// "a", "img", … for logs and tests.
const char* LinkTagName(LinkTag tag);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTML_LINK_EXTRACTOR_H_
