#include "common/html/link_extractor.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <strings.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/text/utf8.h"

namespace govinspect::common {
namespace {

constexpr size_t kMaxText = 200;

struct State {
  PageLinks* out;
  int in_a = -1;  // index of the open <a> link, -1 if none
  bool in_title = false;
  bool title_done = false;
  int skip = 0;  // inside <script>/<style>
};

const char* Attr(const xmlChar** attrs, const char* name) {
  if (attrs == nullptr) return nullptr;
  for (const xmlChar** p = attrs; p[0] != nullptr; p += 2) {
    if (strcasecmp(reinterpret_cast<const char*>(p[0]), name) == 0) {
      return p[1] != nullptr ? reinterpret_cast<const char*>(p[1]) : "";
    }
  }
  return nullptr;
}

void AppendText(std::string* s, const char* data, int len) {
  for (int i = 0; i < len && s->size() < kMaxText; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      if (!s->empty() && s->back() != ' ') s->push_back(' ');
    } else {
      s->push_back(static_cast<char>(c));
    }
  }
}

// AppendText stops at kMaxText bytes, possibly inside a multi-byte character: drop such an
// incomplete last character (the text goes into protobuf string fields, which must be UTF-8).
void DropIncompleteTail(std::string* s) {
  size_t cont = 0;  // continuation bytes at the end
  while (cont < s->size() && cont < 4 &&
         (static_cast<unsigned char>((*s)[s->size() - 1 - cont]) & 0xC0) == 0x80) {
    ++cont;
  }
  if (cont == s->size()) return;
  const auto lead = static_cast<unsigned char>((*s)[s->size() - 1 - cont]);
  const size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (want > 1 && cont + 1 < want) s->resize(s->size() - 1 - cont);
}

void Trim(std::string* s) {
  DropIncompleteTail(s);
  while (!s->empty() && s->back() == ' ') s->pop_back();
  size_t i = 0;
  while (i < s->size() && (*s)[i] == ' ') ++i;
  s->erase(0, i);
}

void Add(State* st, LinkTag tag, const char* href, const char* text = nullptr) {
  if (href == nullptr) return;
  ExtractedLink l{tag, href, ""};
  if (text != nullptr) AppendText(&l.text, text, static_cast<int>(std::strlen(text)));
  Trim(&l.text);
  st->out->links.push_back(std::move(l));
}

void CloseA(State* st) {
  if (st->in_a >= 0) Trim(&st->out->links[st->in_a].text);
  st->in_a = -1;
}

void OnStart(void* ctx, const xmlChar* xname, const xmlChar** attrs) {
  auto* st = static_cast<State*>(ctx);
  const char* name = reinterpret_cast<const char*>(xname);
  switch (name[0]) {
    case 'a':
      if (name[1] == '\0') {
        CloseA(st);
        if (const char* href = Attr(attrs, "href")) {
          Add(st, LinkTag::kA, href);
          st->in_a = static_cast<int>(st->out->links.size()) - 1;
        }
        return;
      }
      if (std::strcmp(name, "area") == 0) Add(st, LinkTag::kArea, Attr(attrs, "href"), Attr(attrs, "alt"));
      return;
    case 'i':
      if (std::strcmp(name, "img") == 0) {
        const char* src = Attr(attrs, "src");
        if (src == nullptr || *src == '\0') src = Attr(attrs, "data-src");
        Add(st, LinkTag::kImg, src, Attr(attrs, "alt"));
        if (st->in_a >= 0 && st->out->links[st->in_a].text.empty()) {
          if (const char* alt = Attr(attrs, "alt")) {
            AppendText(&st->out->links[st->in_a].text, alt, static_cast<int>(std::strlen(alt)));
          }
        }
      } else if (std::strcmp(name, "iframe") == 0) {
        Add(st, LinkTag::kIframe, Attr(attrs, "src"));
      }
      return;
    case 's':
      if (std::strcmp(name, "script") == 0) {
        Add(st, LinkTag::kScript, Attr(attrs, "src"));
        ++st->skip;
      } else if (std::strcmp(name, "style") == 0) {
        ++st->skip;
      } else if (std::strcmp(name, "source") == 0) {
        Add(st, LinkTag::kSource, Attr(attrs, "src"));
      }
      return;
    case 'l':
      if (std::strcmp(name, "link") == 0) {
        const char* rel = Attr(attrs, "rel");
        std::string r = rel != nullptr ? absl::AsciiStrToLower(rel) : "";
        if (r.find("stylesheet") != std::string::npos || r.find("icon") != std::string::npos) {
          Add(st, LinkTag::kLink, Attr(attrs, "href"));
        }
      }
      return;
    case 'f':
      if (std::strcmp(name, "frame") == 0) Add(st, LinkTag::kFrame, Attr(attrs, "src"));
      return;
    case 'e':
      if (std::strcmp(name, "embed") == 0) Add(st, LinkTag::kEmbed, Attr(attrs, "src"));
      return;
    case 't':
      if (std::strcmp(name, "title") == 0 && !st->title_done) st->in_title = true;
      return;
    case 'b':
      if (std::strcmp(name, "base") == 0 && st->out->base_href.empty()) {
        if (const char* href = Attr(attrs, "href")) st->out->base_href = href;
      }
      return;
    case 'm':
      if (std::strcmp(name, "meta") == 0) {
        const char* equiv = Attr(attrs, "http-equiv");
        const char* content = Attr(attrs, "content");
        if (equiv != nullptr && content != nullptr && strcasecmp(equiv, "refresh") == 0) {
          const char* u = strcasestr(content, "url=");
          if (u != nullptr) {
            std::string url = u + 4;
            while (!url.empty() && (url.front() == '\'' || url.front() == '"')) url.erase(0, 1);
            while (!url.empty() && (url.back() == '\'' || url.back() == '"')) url.pop_back();
            Add(st, LinkTag::kRefresh, url.c_str());
          }
        }
        const char* mname = Attr(attrs, "name");
        if (mname != nullptr && content != nullptr && strcasecmp(mname, "robots") == 0 &&
            strcasestr(content, "nofollow") != nullptr) {
          st->out->nofollow = true;
        }
      }
      return;
    default:
      return;
  }
}

void OnEnd(void* ctx, const xmlChar* xname) {
  auto* st = static_cast<State*>(ctx);
  const char* name = reinterpret_cast<const char*>(xname);
  if (name[0] == 'a' && name[1] == '\0') {
    CloseA(st);
  } else if (std::strcmp(name, "title") == 0) {
    if (st->in_title) {
      Trim(&st->out->title);
      st->title_done = true;
    }
    st->in_title = false;
  } else if (std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0) {
    if (st->skip > 0) --st->skip;
  }
}

void OnChars(void* ctx, const xmlChar* ch, int len) {
  auto* st = static_cast<State*>(ctx);
  if (st->skip > 0) return;
  const char* data = reinterpret_cast<const char*>(ch);
  if (st->in_a >= 0) AppendText(&st->out->links[st->in_a].text, data, len);
  if (st->in_title) AppendText(&st->out->title, data, len);
}

void OnCdata(void*, const xmlChar*, int) {}  // script/style bodies

void Silent(void*, const char*, ...) {}

// Bytes that are not UTF-8 are replaced (common::ReplaceInvalidUtf8) before parsing: given such a
// byte, libxml2 passes it through and then reads the rest of the document as Latin-1, which
// garbles every later link and text.

// The end of the tag that starts at `lt` (the index after its '>'), quoted attribute values
// skipped; npos if the document ends first.
size_t TagEnd(absl::string_view html, size_t lt) {
  char quote = 0;
  for (size_t i = lt + 1; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // A quote opens a value only after '=' (spaces allowed): "<a b='c'>", not "<a b'>".
      size_t k = i;
      while (k > lt && (html[k - 1] == ' ' || html[k - 1] == '\t' || html[k - 1] == '\n' || html[k - 1] == '\r')) --k;
      if (k > lt && html[k - 1] == '=') quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return absl::string_view::npos;
}

// `<name` (case-insensitive) at `lt`, followed by the end of the name.
bool OpensTag(absl::string_view html, size_t lt, absl::string_view name) {
  const size_t end = lt + 1 + name.size();
  if (end >= html.size() || !absl::EqualsIgnoreCase(html.substr(lt + 1, name.size()), name)) return false;
  const char c = html[end];
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Where the raw text of a <script>/<style> element that starts at `body` ends: at the first
// "</name" (case-insensitive), as libxml2's parser ends it in recovery mode; npos if none.
size_t RawTextEnd(absl::string_view html, size_t body, absl::string_view name) {
  for (size_t p = html.find("</", body); p != absl::string_view::npos; p = html.find("</", p + 2)) {
    if (absl::EqualsIgnoreCase(html.substr(p + 2, name.size()), name)) return p;
  }
  return absl::string_view::npos;
}

// True if `body` (a <select>'s content) is options only: every tag an <option> or <optgroup>,
// opening or closing, so that leaving it out cannot change how the parser closes anything.
bool OptionsOnly(absl::string_view body) {
  for (size_t p = body.find('<'); p != absl::string_view::npos; p = body.find('<', p + 1)) {
    const size_t name = p + 1 < body.size() && body[p + 1] == '/' ? p + 2 : p + 1;
    if (!OpensTag(body, name - 1, "option") && !OpensTag(body, name - 1, "optgroup")) return false;
  }
  return true;
}

// The document without what nothing reads and costs most to parse: the bodies of <style>
// elements (libxml2 reads raw text one character at a time, and pages inline their template's
// CSS) and the options of <select> menus (friendly-link menus of dozens of sites; never links,
// never visible text to the crawler). Comments, script bodies and quoted attribute values are
// stepped over as the parser does, so only real elements are emptied; a select is emptied only
// when its content is options alone. "" when there is nothing to leave out.
std::string WithoutUnreadBodies(absl::string_view html) {
  std::string out;
  size_t copied = 0;  // html[copied, …) is not in `out` yet
  for (size_t i = html.find('<'); i != absl::string_view::npos; i = html.find('<', i)) {
    if (html.substr(i, 4) == "<!--") {
      const size_t end = html.find("-->", i + 4);
      if (end == absl::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (i + 1 >= html.size() || !absl::ascii_isalpha(static_cast<unsigned char>(html[i + 1]))) {
      ++i;
      continue;
    }
    const size_t tag_end = TagEnd(html, i);
    if (tag_end == absl::string_view::npos) break;
    const bool script = OpensTag(html, i, "script");
    const bool style = !script && OpensTag(html, i, "style");
    const bool select = !script && !style && OpensTag(html, i, "select");
    if (!script && !style && !select) {
      i = tag_end;
      continue;
    }
    const size_t body_end = RawTextEnd(html, tag_end, script ? "script" : style ? "style" : "select");
    if (body_end == absl::string_view::npos) break;
    if (select && !OptionsOnly(html.substr(tag_end, body_end - tag_end))) {
      i = tag_end;
      continue;
    }
    if (!script && body_end > tag_end) {
      if (out.empty()) out.reserve(html.size());
      out.append(html.data() + copied, tag_end - copied);
      copied = body_end;
    }
    i = body_end + 2;
  }
  if (copied == 0) return "";
  out.append(html.data() + copied, html.size() - copied);
  return out;
}

}  // namespace

void HtmlDocDeleter::operator()(_xmlDoc* doc) const {
  if (doc != nullptr) xmlFreeDoc(doc);
}

HtmlDoc ParseHtmlDocument(absl::string_view html) {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  if (html.empty()) return nullptr;
  std::string valid;
  if (!IsValidUtf8(html)) {
    valid = ReplaceInvalidUtf8(html);
    html = valid;
  }
  std::string lean = WithoutUnreadBodies(html);
  if (!lean.empty()) html = lean;
  return HtmlDoc(htmlReadMemory(html.data(), static_cast<int>(std::min<size_t>(html.size(), 1u << 30)), nullptr,
                                "UTF-8",
                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT));
}

namespace {

// Replays the document as the SAX events ExtractLinks handles, so both give the same links.
void Replay(State* st, const xmlNode* n, int depth) {
  std::vector<const xmlChar*> attrs;
  for (; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE) {
      if (n->content != nullptr) {
        OnChars(st, n->content, static_cast<int>(std::strlen(reinterpret_cast<const char*>(n->content))));
      }
      continue;
    }
    if (n->type != XML_ELEMENT_NODE || n->name == nullptr) continue;
    attrs.clear();
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      attrs.push_back(a->name);
      const xmlNode* v = a->children;
      attrs.push_back(v != nullptr && v->type == XML_TEXT_NODE && v->content != nullptr
                          ? v->content
                          : reinterpret_cast<const xmlChar*>(""));
    }
    attrs.push_back(nullptr);
    attrs.push_back(nullptr);
    OnStart(st, n->name, attrs.data());
    const char* name = reinterpret_cast<const char*>(n->name);
    // Script and style bodies are CDATA to the SAX handler: never text.
    if (depth < 256 && std::strcmp(name, "script") != 0 && std::strcmp(name, "style") != 0) {
      Replay(st, n->children, depth + 1);
    }
    OnEnd(st, n->name);
  }
}

}  // namespace

PageLinks ExtractLinksFromDocument(const _xmlDoc* doc) {
  PageLinks out;
  if (doc == nullptr) return out;
  State st{&out};
  Replay(&st, doc->children, 0);
  CloseA(&st);
  if (st.in_title) Trim(&out.title);
  return out;
}

const char* LinkTagName(LinkTag tag) {
  switch (tag) {
    case LinkTag::kA: return "a";
    case LinkTag::kArea: return "area";
    case LinkTag::kImg: return "img";
    case LinkTag::kScript: return "script";
    case LinkTag::kLink: return "link";
    case LinkTag::kIframe: return "iframe";
    case LinkTag::kFrame: return "frame";
    case LinkTag::kEmbed: return "embed";
    case LinkTag::kSource: return "source";
    case LinkTag::kRefresh: return "refresh";
  }
  return "?";
}

PageLinks ExtractLinks(absl::string_view html) {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  PageLinks out;
  if (html.empty()) return out;
  std::string valid;
  if (!IsValidUtf8(html)) {
    valid = ReplaceInvalidUtf8(html);
    html = valid;
  }
  std::string lean = WithoutUnreadBodies(html);
  if (!lean.empty()) html = lean;
  State st{&out};
  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = OnStart;
  sax.endElement = OnEnd;
  sax.characters = OnChars;
  sax.cdataBlock = OnCdata;
  sax.warning = Silent;
  sax.error = Silent;
  htmlParserCtxtPtr ctxt =
      htmlCreateMemoryParserCtxt(html.data(), static_cast<int>(std::min<size_t>(html.size(), 1u << 30)));
  if (ctxt == nullptr) return out;
  if (ctxt->sax != nullptr) xmlFree(ctxt->sax);
  ctxt->sax = static_cast<htmlSAXHandler*>(xmlMalloc(sizeof(htmlSAXHandler)));
  std::memcpy(ctxt->sax, &sax, sizeof sax);
  ctxt->userData = &st;
  xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
  htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NOIMPLIED);
  htmlParseDocument(ctxt);
  CloseA(&st);
  if (st.in_title) Trim(&out.title);  // <title> never closed
  if (ctxt->myDoc != nullptr) xmlFreeDoc(ctxt->myDoc);
  htmlFreeParserCtxt(ctxt);
  return out;
}

}  // namespace govinspect::common
