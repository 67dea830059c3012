#include "services/crawler/page_overrides.h"

#include <libxml/xpath.h>

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/html/xpath.h"

namespace govinspect::crawler {
namespace {

// The nodes a call may still visit (kMaxOverrideNodes in all).
struct Budget {
  int left = kMaxOverrideNodes;
  bool Take() {
    if (left <= 0) return false;
    --left;
    return true;
  }
};

bool NameIs(const xmlNode* node, const char* name) {
  return node->name != nullptr &&
         xmlStrcasecmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

bool IsSkipped(const xmlNode* node) {
  return node->type == XML_ELEMENT_NODE &&
         (NameIs(node, "script") || NameIs(node, "style") || NameIs(node, "noscript") ||
          NameIs(node, "template"));
}

bool IsBlock(const xmlNode* node) {
  static const char* const kBlocks[] = {
      "address", "article", "aside", "blockquote", "br",     "caption", "dd",    "div",
      "dl",      "dt",      "fieldset", "figure",  "footer", "form",    "h1",    "h2",
      "h3",      "h4",      "h5",     "h6",        "header", "hr",      "li",    "main",
      "nav",     "ol",      "option", "p",         "pre",    "section", "table", "tbody",
      "td",      "tfoot",   "th",     "thead",     "tr",     "ul"};
  if (node->type != XML_ELEMENT_NODE || node->name == nullptr) return false;
  for (const char* b : kBlocks) {
    if (NameIs(node, b)) return true;
  }
  return false;
}

// Appends `s` to `out`, keeping `out` within kMaxOverrideTextBytes (raw; collapsed later, so a
// little slack for whitespace).
void AppendCapped(std::string* out, const char* s) {
  if (s == nullptr) return;
  const size_t room = 2 * kMaxOverrideTextBytes;
  if (out->size() >= room) return;
  out->append(s, std::min(std::strlen(s), room - out->size()));
}

// The raw text below `node` (the node itself included), block elements separated by spaces.
void RawText(const xmlNode* node, Budget* budget, std::string* out) {
  if (node == nullptr) return;
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
    if (budget->Take()) AppendCapped(out, reinterpret_cast<const char*>(node->content));
    return;
  }
  if (node->type == XML_ATTRIBUTE_NODE) {
    if (!budget->Take()) return;
    for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE) AppendCapped(out, reinterpret_cast<const char*>(c->content));
    }
    return;
  }
  if (node->type != XML_ELEMENT_NODE && node->type != XML_DOCUMENT_NODE &&
      node->type != XML_HTML_DOCUMENT_NODE) {
    return;
  }
  // Iterative pre-order walk of the subtree (pages nest deeply).
  const xmlNode* cur = node;
  while (cur != nullptr) {
    bool descend = false;
    if (!budget->Take()) return;
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      AppendCapped(out, reinterpret_cast<const char*>(cur->content));
    } else if ((cur->type == XML_ELEMENT_NODE || cur == node) && !IsSkipped(cur)) {
      if (IsBlock(cur)) out->push_back(' ');
      descend = cur->children != nullptr;
    }
    if (descend) {
      cur = cur->children;
      continue;
    }
    // Up until a next sibling, closing blocks on the way.
    while (cur != node) {
      if (IsBlock(cur)) out->push_back(' ');
      if (cur->next != nullptr) {
        cur = cur->next;
        break;
      }
      cur = cur->parent;
    }
    if (cur == node) {
      if (IsBlock(cur)) out->push_back(' ');
      return;
    }
  }
}

// Whitespace (ASCII, U+00A0, U+3000) at s[i]: its length in bytes, 0 if none.
size_t SpaceAt(absl::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80) {
    return 3;
  }
  return 0;
}

// Cuts `s` to at most `max` bytes on a UTF-8 character boundary.
void CapUtf8(std::string* s, size_t max) {
  if (s->size() <= max) return;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>((*s)[n]) & 0xC0) == 0x80) --n;
  s->resize(n);
}

std::string Collapse(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    if (size_t n = SpaceAt(s, i); n > 0) {
      space = true;
      i += n;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(s[i++]);
  }
  CapUtf8(&out, kMaxOverrideTextBytes);
  return out;
}

std::string RemoveSpaces(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (size_t n = SpaceAt(s, i); n > 0) {
      i += n;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::string Text(const xmlNode* node, Budget* budget) {
  std::string raw;
  RawText(node, budget, &raw);
  return Collapse(raw);
}

std::string Attribute(const xmlNode* node, const char* name) {
  xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool HasAttribute(const xmlNode* node, const char* name) {
  return xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

// The first <a href> at or below `node` in document order, or null.
const xmlNode* FirstLink(const xmlNode* node, Budget* budget) {
  const xmlNode* cur = node;
  while (cur != nullptr) {
    if (!budget->Take()) return nullptr;
    if (cur->type == XML_ELEMENT_NODE && NameIs(cur, "a") && HasAttribute(cur, "href")) {
      return cur;
    }
    if (cur->type == XML_ELEMENT_NODE && cur->children != nullptr && !IsSkipped(cur)) {
      cur = cur->children;
      continue;
    }
    while (cur != node && cur->next == nullptr) cur = cur->parent;
    if (cur == node) return nullptr;
    cur = cur->next;
  }
  return nullptr;
}

absl::StatusOr<common::CompiledXPath> Compile(const std::string& xpath, const char* what) {
  auto compiled = common::CompileXPath(xpath);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", xpath, "\": ", compiled.status().message()));
  }
  return compiled;
}

absl::StatusOr<common::XPathObject> Evaluate(common::XPathEvaluator* eval,
                                             const common::CompiledXPath& expr,
                                             const std::string& xpath, const char* what,
                                             xmlNodePtr context) {
  auto obj = eval->Eval(expr.get(), context);
  if (!obj.ok()) {
    return absl::Status(obj.status().code(),
                        absl::StrCat(what, " \"", xpath, "\": ", obj.status().message()));
  }
  return obj;
}

int NodeCount(const xmlXPathObject& obj) {
  return obj.type == XPATH_NODESET && obj.nodesetval != nullptr ? obj.nodesetval->nodeNr : 0;
}

// The text of a result: its first node's text for a node-set, else its string value.
std::string ResultText(xmlXPathObjectPtr obj, Budget* budget) {
  if (obj->type == XPATH_NODESET || obj->type == XPATH_XSLT_TREE) {
    if (NodeCount(*obj) == 0) return "";
    if (!budget->Take()) return "";
    return Text(obj->nodesetval->nodeTab[0], budget);
  }
  xmlChar* s = xmlXPathCastToString(obj);
  if (s == nullptr) return "";
  std::string out = Collapse(reinterpret_cast<const char*>(s));
  xmlFree(s);
  return out;
}

absl::string_view StripColons(absl::string_view s) {
  while (true) {
    if (absl::ConsumeSuffix(&s, ":") || absl::ConsumeSuffix(&s, "：")) continue;
    return s;
  }
}

// Path and query of a URL or path: "http://h/a/b?x=1#f" → "/a/b?x=1"; "/a#f" → "/a".
std::string PathAndQuery(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  if (size_t hash = url.find('#'); hash != absl::string_view::npos) url = url.substr(0, hash);
  if (size_t scheme = url.find("://"); scheme != absl::string_view::npos) {
    absl::string_view rest = url.substr(scheme + 3);
    size_t end = rest.find_first_of("/?");
    if (end == absl::string_view::npos) return "/";
    rest = rest.substr(end);
    return rest[0] == '?' ? absl::StrCat("/", rest) : std::string(rest);
  }
  if (url.empty()) return "";
  return url[0] == '?' ? absl::StrCat("/", url) : std::string(url);
}

bool IsUrlOrPath(absl::string_view column) {
  return absl::StartsWith(column, "/") || absl::StrContains(column, "://");
}

}  // namespace

const common::v1::PageOverride* FindPageOverride(const common::v1::SiteOverrides& overrides,
                                                 absl::string_view path_and_query) {
  std::string path;
  if (absl::StrContains(path_and_query, "://")) {
    path = PathAndQuery(path_and_query);
    path_and_query = path;
  }
  const common::v1::PageOverride* best = nullptr;
  for (const auto& page : overrides.pages()) {
    const std::string& prefix = page.path_prefix();
    if (prefix.empty() || !absl::StartsWith(path_and_query, prefix)) continue;
    if (best == nullptr || prefix.size() > best->path_prefix().size()) best = &page;
  }
  return best;
}

absl::StatusOr<std::vector<OverrideListItem>> SelectListItems(xmlDocPtr doc,
                                                              const std::string& items_xpath,
                                                              const std::string& date_xpath) {
  if (doc == nullptr) return absl::InvalidArgumentError("no document");
  auto items_expr = Compile(items_xpath, "list_items_xpath");
  if (!items_expr.ok()) return items_expr.status();
  common::CompiledXPath date_expr;
  if (!date_xpath.empty()) {
    auto compiled = Compile(date_xpath, "date_xpath");
    if (!compiled.ok()) return compiled.status();
    date_expr = *std::move(compiled);
  }
  common::XPathEvaluator eval(doc, kMaxOverrideXPathOps);
  auto items = Evaluate(&eval, *items_expr, items_xpath, "list_items_xpath", nullptr);
  if (!items.ok()) return items.status();
  if ((*items)->type != XPATH_NODESET) {
    return absl::InvalidArgumentError(
        absl::StrCat("list_items_xpath \"", items_xpath, "\" does not select nodes"));
  }
  std::vector<OverrideListItem> out;
  Budget budget;
  const int n = NodeCount(**items);
  for (int i = 0; i < n && budget.Take(); ++i) {
    xmlNodePtr item = (*items)->nodesetval->nodeTab[i];
    if (item->type != XML_ELEMENT_NODE) continue;
    const xmlNode* link = FirstLink(item, &budget);
    if (link == nullptr) continue;
    OverrideListItem li;
    li.href = std::string(absl::StripAsciiWhitespace(Attribute(link, "href")));
    li.title = Text(link, &budget);
    if (li.title.empty()) li.title = Collapse(Attribute(link, "title"));
    if (date_expr != nullptr) {
      auto date = Evaluate(&eval, date_expr, date_xpath, "date_xpath", item);
      if (!date.ok()) return date.status();
      li.date_text = ResultText(date->get(), &budget);
    } else {
      li.date_text = Text(item, &budget);
    }
    out.push_back(std::move(li));
  }
  return out;
}

absl::StatusOr<std::string> SelectText(xmlDocPtr doc, const std::string& xpath) {
  if (doc == nullptr) return absl::InvalidArgumentError("no document");
  auto expr = Compile(xpath, "XPath");
  if (!expr.ok()) return expr.status();
  common::XPathEvaluator eval(doc, kMaxOverrideXPathOps);
  auto result = Evaluate(&eval, *expr, xpath, "XPath", nullptr);
  if (!result.ok()) return result.status();
  Budget budget;
  return ResultText(result->get(), &budget);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SelectFields(
    xmlDocPtr doc, const std::string& label_xpath) {
  if (doc == nullptr) return absl::InvalidArgumentError("no document");
  auto expr = Compile(label_xpath, "field_label_xpath");
  if (!expr.ok()) return expr.status();
  common::XPathEvaluator eval(doc, kMaxOverrideXPathOps);
  auto result = Evaluate(&eval, *expr, label_xpath, "field_label_xpath", nullptr);
  if (!result.ok()) return result.status();
  if ((*result)->type != XPATH_NODESET) {
    return absl::InvalidArgumentError(
        absl::StrCat("field_label_xpath \"", label_xpath, "\" does not select nodes"));
  }
  const int n = std::min(NodeCount(**result), kMaxOverrideNodes);
  absl::flat_hash_set<const xmlNode*> labels;
  for (int i = 0; i < n; ++i) labels.insert((*result)->nodesetval->nodeTab[i]);

  std::vector<std::pair<std::string, std::string>> out;
  Budget budget;
  for (int i = 0; i < n && budget.Take(); ++i) {
    const xmlNode* node = (*result)->nodesetval->nodeTab[i];
    if (node->type != XML_ELEMENT_NODE && node->type != XML_TEXT_NODE &&
        node->type != XML_CDATA_SECTION_NODE) {
      continue;
    }
    const std::string text = Text(node, &budget);
    // "留言时间：2020-06-18": the value is inside the label.
    size_t colon = std::string::npos;
    size_t colon_len = 0;
    if (size_t a = text.find(':'); a != std::string::npos) { colon = a; colon_len = 1; }
    if (size_t f = text.find("："); f != std::string::npos && f < colon) {
      colon = f;
      colon_len = std::strlen("：");
    }
    if (colon != std::string::npos) {
      std::string label = RemoveSpaces(absl::string_view(text).substr(0, colon));
      std::string inline_value = Collapse(absl::string_view(text).substr(colon + colon_len));
      inline_value = std::string(StripColons(inline_value));
      if (!label.empty() && !inline_value.empty()) {
        out.emplace_back(std::move(label), std::move(inline_value));
        continue;
      }
    }
    std::string label(StripColons(RemoveSpaces(text)));
    if (label.empty()) continue;

    // The next element sibling, when only whitespace comes before it.
    const xmlNode* next = node->next;
    bool text_between = false;
    for (; next != nullptr && next->type != XML_ELEMENT_NODE; next = next->next) {
      if (!budget.Take()) break;
      if ((next->type == XML_TEXT_NODE || next->type == XML_CDATA_SECTION_NODE) &&
          !RemoveSpaces(reinterpret_cast<const char*>(next->content)).empty()) {
        text_between = true;
      }
    }
    std::string value;
    // <span class="lab">留言时间：</span><br>2020-06-18: a line break is not the value.
    const bool is_break = next != nullptr && (NameIs(next, "br") || NameIs(next, "hr"));
    if (next != nullptr && !text_between && !is_break && !labels.contains(next)) {
      value = Text(next, &budget);
    } else {
      std::string raw;
      for (const xmlNode* s = node->next; s != nullptr && !labels.contains(s); s = s->next) {
        RawText(s, &budget, &raw);
        if (budget.left <= 0) break;
      }
      value = Collapse(raw);
    }
    out.emplace_back(std::move(label), std::move(value));
  }
  return out;
}

std::optional<std::string> OverrideCategory(const common::v1::SiteOverrides& overrides,
                                            absl::string_view column_name,
                                            absl::string_view list_url) {
  const std::string url = list_url.empty() ? "" : PathAndQuery(list_url);
  const std::string name = RemoveSpaces(column_name);
  std::optional<std::string> by_name;
  for (const auto& c : overrides.column_categories()) {
    if (IsUrlOrPath(c.column())) {
      if (!url.empty() && PathAndQuery(c.column()) == url) return c.category();
    } else if (!by_name.has_value() && !name.empty() && RemoveSpaces(c.column()) == name) {
      by_name = c.category();
    }
  }
  return by_name;
}

}  // namespace govinspect::crawler
