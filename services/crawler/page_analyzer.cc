#include "services/crawler/page_analyzer.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <strings.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/html/link_extractor.h"
#include "common/text/date_parser.h"
#include "common/url/url.h"
#include "services/crawler/page_overrides.h"
#include "services/crawler/script_lists.h"

namespace govinspect::crawler {
namespace {

constexpr size_t kMaxItemText = 400;   // a "list item" longer than this is a block, not an item
constexpr size_t kMaxPageText = 512 * 1024;
constexpr int kMaxNodes = 200000;

// libxml2's HTML parser gives tag names in lowercase.
bool Is(const xmlNode* n, const char* tag) {
  return n->type == XML_ELEMENT_NODE && n->name != nullptr && n->name[0] == static_cast<unsigned char>(tag[0]) &&
         strcmp(reinterpret_cast<const char*>(n->name), tag) == 0;
}

std::string Attr(const xmlNode* n, const char* name) {
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (strcasecmp(reinterpret_cast<const char*>(a->name), name) == 0) {
      xmlChar* v = xmlNodeGetContent(reinterpret_cast<const xmlNode*>(a));
      std::string s = v != nullptr ? reinterpret_cast<const char*>(v) : "";
      xmlFree(v);
      return s;
    }
  }
  return "";
}

bool Skipped(const xmlNode* n) {
  return Is(n, "script") || Is(n, "style") || Is(n, "noscript") || Is(n, "select") || Is(n, "option") ||
         Is(n, "textarea") || Is(n, "template") || n->type == XML_COMMENT_NODE;
}

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Appends the visible text of `n` with runs of whitespace collapsed to one space.
void AppendText(const xmlNode* n, std::string* out, size_t limit, int depth = 0) {
  if (out->size() >= limit || depth > 200) return;
  for (const xmlNode* c = n; c != nullptr; c = c->next) {
    if (out->size() >= limit) return;
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      const char* t = reinterpret_cast<const char*>(c->content);
      if (t == nullptr) continue;
      for (; *t != '\0' && out->size() < limit; ++t) {
        if (IsSpaceByte(*t)) {
          if (!out->empty() && out->back() != ' ') out->push_back(' ');
        } else {
          out->push_back(*t);
        }
      }
    } else if (c->type == XML_ELEMENT_NODE && !Skipped(c)) {
      const bool block = !(Is(c, "a") || Is(c, "span") || Is(c, "em") || Is(c, "strong") || Is(c, "b") ||
                           Is(c, "i") || Is(c, "font") || Is(c, "label"));
      if (block && !out->empty() && out->back() != ' ') out->push_back(' ');
      AppendText(c->children, out, limit, depth + 1);
      if (block && !out->empty() && out->back() != ' ') out->push_back(' ');
    }
  }
}

std::string TextOf(const xmlNode* n, size_t limit = 4096) {
  std::string s;
  if (n == nullptr) return s;
  if (n->type == XML_ELEMENT_NODE) {
    AppendText(n->children, &s, limit);
  } else {
    const xmlNode* saved_next = n->next;
    (void)saved_next;
    std::string t = n->content != nullptr ? reinterpret_cast<const char*>(n->content) : "";
    for (char c : t) {
      if (IsSpaceByte(c)) {
        if (!s.empty() && s.back() != ' ') s.push_back(' ');
      } else {
        s.push_back(c);
      }
    }
  }
  return std::string(absl::StripAsciiWhitespace(s));
}

// Removes ASCII spaces, U+3000 and U+00A0.
std::string Squeeze(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (IsSpaceByte(static_cast<char>(c))) continue;
    if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80) {
      i += 2;
      continue;
    }
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

size_t Utf8Chars(absl::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Canonical labels and their synonyms.
struct LabelAlias {
  const char* alias;
  const char* label;
};
constexpr LabelAlias kLabels[] = {
    {"留言标题", "留言标题"},   {"信件标题", "留言标题"},
    {"留言时间", "留言时间"},   {"来信时间", "留言时间"},   {"提问时间", "留言时间"},   {"咨询时间", "留言时间"},
    {"留言内容", "留言内容"},   {"来信内容", "留言内容"},   {"咨询内容", "留言内容"},
    {"办理状态", "办理状态"},   {"处理状态", "办理状态"},
    {"答复单位", "答复单位"},   {"回复单位", "答复单位"},   {"回复部门", "答复单位"},   {"答复部门", "答复单位"},
    {"办理单位", "答复单位"},   {"答复机构", "答复单位"},
    {"答复时间", "答复时间"},   {"回复时间", "答复时间"},   {"办结时间", "答复时间"},   {"答复日期", "答复时间"},
    {"回复日期", "答复时间"},
    {"答复内容", "答复内容"},   {"回复内容", "答复内容"},   {"办理结果", "答复内容"},   {"答复意见", "答复内容"},
    {"起止时间", "起止时间"},   {"征集时间", "起止时间"},   {"征集期限", "起止时间"},   {"调查时间", "起止时间"},
    {"征求意见时间", "起止时间"},
    {"征集状态", "征集状态"},   {"调查状态", "征集状态"},
    {"事项名称", "事项名称"},   {"设定依据", "设定依据"},   {"办理依据", "设定依据"},   {"申请条件", "申请条件"},
    {"受理条件", "申请条件"},   {"办理材料", "办理材料"},   {"申请材料", "办理材料"},   {"申报材料", "办理材料"},
    {"办理地点", "办理地点"},   {"受理地点", "办理地点"},   {"办理时间", "办理时间"},   {"受理时间", "办理时间"},
    {"联系电话", "联系电话"},   {"咨询电话", "联系电话"},   {"办理流程", "办理流程"},   {"办事流程", "办理流程"},
    {"成文日期", "成文日期"},   {"发文日期", "成文日期"},   {"成文时间", "成文日期"},
    {"发布日期", "发布日期"},   {"发布时间", "发布日期"},   {"信息提供日期", "发布日期"}, {"上载日期", "发布日期"},
    {"公开日期", "发布日期"},   {"发布机构", "发布机构"},   {"索引号", "索引号"},       {"文号", "文号"},
};

const char* Canonical(absl::string_view squeezed_label) {
  for (const LabelAlias& a : kLabels) {
    if (squeezed_label == a.alias) return a.label;
  }
  return nullptr;
}

// A block's "label：value" text runs on into the next "label：": the value stops there.
void CutAtNextLabel(std::string* value) {
  size_t cut = value->size();
  for (const LabelAlias& a : kLabels) {
    for (const char* colon : {"：", ":"}) {
      size_t p = value->find(std::string(a.alias) + colon);
      if (p != std::string::npos && p < cut) cut = p;
    }
  }
  value->resize(cut);
  while (!value->empty() && (value->back() == ' ')) value->pop_back();
}

absl::string_view StripColon(absl::string_view s) {
  if (absl::EndsWith(s, "：")) s.remove_suffix(3);
  else if (absl::EndsWith(s, ":")) s.remove_suffix(1);
  return s;
}

constexpr absl::string_view kStatusWords[] = {"已答复", "已回复", "已办结", "办理中", "未答复", "未回复", "待答复",
                                             "处理中", "进行中", "已结束", "已截止", "已完成"};

constexpr absl::string_view kNoInfoWords[] = {"暂无信息", "暂无数据", "暂无内容", "暂无记录", "没有信息",
                                             "无相关信息", "没有找到相关", "暂无相关", "没有相关",
                                             "没有记录", "无记录", "查询结果为空", "暂时没有", "暂无文章",
                                             "暂无新闻", "暂无公告"};
constexpr absl::string_view kZeroWords[] = {"共0条", "共0篇", "共有0条", "总共0条", "共0页", "总数：0", "总数:0",
                                           "记录数：0", "记录数:0", "0条记录"};

// A "more" link of a home-page block: 更多, 更多>>, more, >>, 查看更多 ….
bool IsMoreText(absl::string_view t) {
  if (absl::StrContains(t, "更多")) return true;
  std::string l = absl::AsciiStrToLower(t);
  return l == "more" || l == "more>>" || l == ">>" || l == "more+" || l == "+more" || l == "more>" || l == "+";
}

constexpr absl::string_view kPaginationWords[] = {"下一页", "上一页", "尾页", "末页", "下页", "上页", "后页", "前页"};

bool IsPaginationText(absl::string_view t) {
  for (absl::string_view w : kPaginationWords) {
    if (t == w) return true;
  }
  if (!t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  return false;
}

class Analyzer {
 public:
  Analyzer(const PageContext& ctx, PageFacts* out)
      : ctx_(ctx), out_(out), resolver_(ctx.url), page_host_(common::UrlHost(ctx.url)) {}

  void Run(xmlDoc* doc) {
    xmlNode* root = xmlDocGetRootElement(doc);
    if (root == nullptr) return;
    // <base href> in the head: relative links resolve against it, as in a browser.
    for (xmlNode* h = root->children; h != nullptr; h = h->next) {
      if (!Is(h, "head")) continue;
      for (xmlNode* b = h->children; b != nullptr; b = b->next) {
        if (!Is(b, "base")) continue;
        const std::string href = Attr(b, "href");
        if (!href.empty()) {
          if (auto r = resolver_.Resolve(href); r.ok()) {
            resolver_ = common::UrlResolver(*r);
            resolved_.clear();
          }
        }
        break;
      }
    }
    Walk(root, 0);
    AppendText(root, &out_->text, kMaxPageText);
    main_block_ = MainBlock(root);
    Finish();
    ApplyOverrides(doc);
  }

 private:
  std::optional<std::string> Resolve(const std::string& href) {
    if (href.empty() || common::IsNonLink(href)) return std::nullopt;
    // A page repeats its links (menus, lists, footers; a list item's link is read as an item
    // and as an anchor): each href is resolved once.
    auto [it, fresh] = resolved_.try_emplace(href);
    if (fresh) {
      auto r = resolver_.Resolve(href);
      if (r.ok()) it->second = *std::move(r);
    }
    return it->second;
  }

  void Walk(xmlNode* n, int depth) {
    for (xmlNode* c = n; c != nullptr; c = c->next) {
      if (++nodes_ > kMaxNodes || depth > 256) return;
      if (c->type != XML_ELEMENT_NODE) continue;
      if (Is(c, "script")) Script(c);
      if (Is(c, "script") || Is(c, "style") || Is(c, "noscript") || Is(c, "template")) continue;
      Element(c);
      if (!Is(c, "select")) Walk(c->children, depth + 1);
    }
  }

  // Scripts that draw the footer's badges, lists in data islands, pagination and redirects.
  void Script(xmlNode* s) {
    const std::string src = absl::AsciiStrToLower(Attr(s, "src"));
    const std::string id = absl::AsciiStrToLower(Attr(s, "id"));
    if (absl::StrContains(src, "conac.cn")) out_->footer_items |= 1u << kFooterBadge;
    if (absl::StrContains(src, "jiucuo") || id == "_jiucuo_") out_->footer_items |= 1u << kFooterErrorReport;
    if (!src.empty() || ++scripts_ > 200) return;
    xmlChar* raw = xmlNodeGetContent(s);
    if (raw == nullptr) return;
    std::string text = reinterpret_cast<const char*>(raw);
    xmlFree(raw);
    if (text.size() > 1024 * 1024) text.resize(1024 * 1024);
    const std::string low = absl::AsciiStrToLower(text.substr(0, 64 * 1024));
    if (absl::StrContains(low, "conac.cn") || absl::StrContains(low, "_ideconac")) {
      out_->footer_items |= 1u << kFooterBadge;
    }
    if (absl::StrContains(low, "jiucuo")) out_->footer_items |= 1u << kFooterErrorReport;
    if (absl::StrContains(low, "<recordset")) Datastore(text);
    if (absl::StrContains(text, "createPageHTML") || absl::StrContains(text, "createPageHtml")) {
      for (const std::string& rel : CreatePageHtmlUrls(text, 500)) {
        auto u = Resolve(rel);
        if (!u || *u == ctx_.url) continue;
        out_->pagination.push_back(*u);
        out_->extra_links.push_back(*u);
        if (out_->pagination_form.empty()) out_->pagination_form = "createPageHTML";
      }
    }
    // The data island's next-group link and the jpage init script may each name the endpoint;
    // only the init script tells the record count and page size, whichever comes first.
    if (absl::StrContains(low, "dataproxy")) {
      if (std::optional<JpageProxy> p = ParseJpageProxy(text); p && !jpage_) {
        jpage_ = std::move(p);
      } else if (p) {
        if (jpage_->total_records <= 0 && p->total_records > 0) {
          jpage_->total_records = p->total_records;
          if (!p->form.empty()) jpage_->form = p->form;
          if (!p->proxy_url.empty()) jpage_->proxy_url = p->proxy_url;
        }
        if (jpage_->per_page <= 0) jpage_->per_page = p->per_page;
      }
    }
    if (script_redirect_.empty() && text.size() < 4096) {
      std::string r = ScriptRedirect(text);
      if (!r.empty()) {
        if (auto u = Resolve(r)) script_redirect_ = *u;
      }
    }
  }

  // Records of a data island, read as a list of their own.
  void Datastore(const std::string& text) {
    int records = 0;
    std::optional<std::string> html = DatastoreToHtml(text, &records);
    if (!html) return;
    datastore_records_ += records;
    if (records == 0) {
      empty_recordset_ = true;
      return;
    }
    common::HtmlDoc sub = common::ParseHtmlDocument(*html);
    xmlNode* root = sub != nullptr ? xmlDocGetRootElement(sub.get()) : nullptr;
    if (root == nullptr) return;
    in_datastore_ = true;
    DatastoreWalk(root, 0);
    in_datastore_ = false;
  }
  void DatastoreWalk(xmlNode* n, int depth) {
    for (xmlNode* c = n; c != nullptr && depth < 64; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (Is(c, "a")) {
        if (auto u = Resolve(Attr(c, "href")); u && out_->extra_links.size() < 5000) out_->extra_links.push_back(*u);
      }
      ListCandidate(c);
      DatastoreWalk(c->children, depth + 1);
    }
  }

  void Element(xmlNode* e) {
    if (Is(e, "meta")) return Meta(e);
    if (Is(e, "form")) return Form(e);
    if (Is(e, "span") || Is(e, "div")) {
      const std::string id = Attr(e, "id");
      if (id == "_ideConac") out_->footer_items |= 1u << kFooterBadge;
      if (id == "_span_jiucuo") out_->footer_items |= 1u << kFooterErrorReport;
    }
    if (Is(e, "iframe") || Is(e, "frame")) {
      if (auto u = Resolve(Attr(e, "src")); u && frames_.size() < 8) frames_.push_back(*u);
    }
    if (Is(e, "a")) Anchor(e);
    if (Is(e, "img")) Image(e);
    if (Is(e, "input")) {
      std::string ph = Attr(e, "placeholder") + Attr(e, "value") + Attr(e, "title");
      if (absl::StrContains(ph, "搜索") || absl::StrContains(ph, "检索") || absl::StrContains(ph, "关键")) {
        out_->search = true;
      }
    }
    ListCandidate(e);
    Label(e);
    Crumb(e);
  }

  void Meta(xmlNode* e) {
    if (absl::EqualsIgnoreCase(Attr(e, "http-equiv"), "refresh") && meta_redirect_.empty()) {
      // "0;url=/index_1.html", "0; URL='…'": a redirect when it happens within 10 s.
      std::string c = Attr(e, "content");
      int delay = 0;
      size_t semi = c.find_first_of(";,");
      if (semi != std::string::npos && absl::SimpleAtoi(absl::StripAsciiWhitespace(c.substr(0, semi)), &delay) &&
          delay <= 10) {
        absl::string_view rest = absl::StripAsciiWhitespace(absl::string_view(c).substr(semi + 1));
        if (absl::StartsWithIgnoreCase(rest, "url")) {
          rest.remove_prefix(3);
          rest = absl::StripLeadingAsciiWhitespace(rest);
          if (absl::StartsWith(rest, "=")) rest.remove_prefix(1);
          rest = absl::StripAsciiWhitespace(rest);
          if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) rest.remove_prefix(1);
          if (!rest.empty() && (rest.back() == '\'' || rest.back() == '"')) rest.remove_suffix(1);
          if (auto u = Resolve(std::string(rest))) meta_redirect_ = *u;
        }
      }
      return;
    }
    std::string name = Attr(e, "name");
    if (name.empty()) return;
    std::string lname = absl::AsciiStrToLower(name);
    std::string content = Attr(e, "content");
    out_->meta_names.push_back(name);
    if (lname == "viewport") out_->viewport = true;
    if (lname == "siteidcode") out_->meta_site_code = std::string(absl::StripAsciiWhitespace(content));
    if (lname == "columnname") out_->meta_column_name = std::string(absl::StripAsciiWhitespace(content));
    if (lname == "pubdate" || lname == "publishdate" || lname == "firstpublishedtime") {
      if (auto d = common::ParseFirstDate(content, ctx_.as_of)) meta_pub_ = *d;
    }
  }

  void Form(xmlNode* f) {
    int text_inputs = 0;
    bool textarea = false;
    bool search_word = false;
    std::string action = absl::AsciiStrToLower(Attr(f, "action"));
    std::string cls = absl::AsciiStrToLower(Attr(f, "class") + " " + Attr(f, "id") + " " + Attr(f, "name"));
    // Inputs and buttons inside the form.
    std::vector<xmlNode*> stack{f->children};
    int guard = 0;
    while (!stack.empty() && ++guard < 2000) {
      xmlNode* n = stack.back();
      stack.pop_back();
      for (; n != nullptr; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (Is(n, "input")) {
          std::string type = absl::AsciiStrToLower(Attr(n, "type"));
          std::string nm = absl::AsciiStrToLower(Attr(n, "name"));
          if (type.empty() || type == "text" || type == "search") {
            ++text_inputs;
            if (nm == "q" || nm == "keyword" || nm == "keywords" || nm == "searchword" || nm == "wd" || nm == "kw" ||
                nm == "query" || type == "search") {
              search_word = true;
            }
          }
          std::string v = Attr(n, "value") + Attr(n, "placeholder");
          if (absl::StrContains(v, "搜索") || absl::StrContains(v, "检索")) search_word = true;
        } else if (Is(n, "textarea")) {
          textarea = true;
        } else if (Is(n, "button")) {
          std::string t = TextOf(n);
          if (absl::StrContains(t, "搜索") || absl::StrContains(t, "检索") || absl::StrContains(t, "查询")) {
            search_word = true;
          }
        }
        if (n->children != nullptr) stack.push_back(n->children);
      }
    }
    const bool search_action = absl::StrContains(action, "search") || absl::StrContains(action, "sou") ||
                               absl::StrContains(action, "query") || absl::StrContains(cls, "search");
    if (text_inputs > 0 && !textarea && (search_word || search_action)) out_->search = true;
    if (textarea || text_inputs >= 3) out_->input_form = true;
  }

  void Anchor(xmlNode* a) {
    std::string href = Attr(a, "href");
    std::string text = Squeeze(TextOf(a, 256));
    std::string title = Attr(a, "title");
    std::string low = absl::AsciiStrToLower(href);
    if (absl::StrContains(low, "bszs.conac.cn")) out_->footer_items |= 1u << kFooterBadge;
    if (absl::StrContains(low, "beian.gov.cn")) out_->footer_items |= 1u << kFooterPolice;
    if (absl::StrContains(low, "jiucuo") || absl::StrContains(low, "zhaocuo")) {
      out_->footer_items |= 1u << kFooterErrorReport;
    }
    if (text == "网站地图" || text == "站点地图") out_->footer_items |= 1u << kFooterSitemap;
    if (text.empty()) return;
    auto url = Resolve(href);
    if (!url) return;
    // 结果反馈：<a>…</a> — a link introduced by words about results.
    if (a->parent != nullptr && out_->feedback_links.size() < 20) {
      std::string around = Squeeze(TextOf(a->parent, 300));
      if (size_t p = around.find(text); p != std::string::npos) around.erase(p, text.size());
      if (absl::StrContains(around, "反馈") || absl::StrContains(around, "征集结果") ||
          absl::StrContains(around, "调查结果")) {
        if (Utf8Chars(around) <= 20) out_->feedback_links.push_back(*url);
      }
    }
    if (IsMoreText(text) && Utf8Chars(text) <= 8) {
      std::string heading = MoreHeading(a);
      if (!heading.empty()) out_->short_links.push_back({*url, heading, "more"});
      return;
    }
    if (Utf8Chars(text) > 16) return;
    out_->short_links.push_back({*url, text, ""});
    if (IsPaginationText(text)) {
      out_->pagination.push_back(*url);
      if (out_->pagination_form.empty()) out_->pagination_form = "anchor";
    }
  }

  void Image(xmlNode* img) {
    std::string alt = Attr(img, "alt") + Attr(img, "title");
    if (absl::StrContains(alt, "党政机关")) out_->footer_items |= 1u << kFooterBadge;
    if (absl::StrContains(alt, "找错")) out_->footer_items |= 1u << kFooterErrorReport;
    const std::string src = absl::AsciiStrToLower(Attr(img, "src"));
    if (absl::StrContains(src, "jiucuo")) out_->footer_items |= 1u << kFooterErrorReport;
    if (absl::StrContains(src, "conac.cn")) out_->footer_items |= 1u << kFooterBadge;
  }

  // The heading of the block a 更多>> link belongs to: the nearest short text before it, among
  // its previous siblings and those of its ancestors (three levels).
  std::string MoreHeading(xmlNode* a) {
    xmlNode* n = a;
    for (int up = 0; up < 4 && n != nullptr; ++up, n = n->parent) {
      int seen = 0;
      for (xmlNode* p = n->prev; p != nullptr && seen < 8; p = p->prev) {
        if (p->type != XML_ELEMENT_NODE && p->type != XML_TEXT_NODE) continue;
        if (p->type == XML_ELEMENT_NODE && Skipped(p)) continue;
        std::string t = Squeeze(TextOf(p, 200));
        if (t.empty()) continue;
        ++seen;
        // Strip decorations: "【通知公告】", "■ 通知公告", "通知公告|".
        std::string h;
        t = absl::StrReplaceAll(t, {{"｜", "|"}, {"»", "|"}, {"&gt;", "|"}});
        for (absl::string_view piece : absl::StrSplit(t, absl::ByAnyChar("|>"))) {
          if (!piece.empty()) {
            h = std::string(piece);
            break;
          }
        }
        for (absl::string_view deco : {"【", "】", "■", "●", "◆", "·", "[", "]", "<"}) {
          h = absl::StrReplaceAll(h, {{std::string(deco), ""}});
        }
        const size_t chars = Utf8Chars(h);
        if (chars < 2 || chars > 16 || IsMoreText(h) || !common::FindDates(h, ctx_.as_of).empty()) continue;
        return h;
      }
    }
    return "";
  }

  // What follows a date at the end of a title: nothing but spaces, brackets and a time of day.
  static bool EndsWithTimeAtMost(absl::string_view tail) {
    int digits = 0, colons = 0;
    for (char c : tail) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(c))) ++digits;
      else if (c == ':') ++colons;
      else if (c != ' ' && c != ']' && c != ')' && c != '\t') return false;
    }
    return colons == 0 ? digits == 0 : (colons <= 2 && digits <= 6);
  }

  // The first content anchor of an item and the dates outside it.
  bool ReadItem(xmlNode* item, ListItem* li, bool* titled) {
    xmlNode* anchor = nullptr;
    std::vector<xmlNode*> stack{item->children};
    int guard = 0;
    while (!stack.empty() && anchor == nullptr && ++guard < 500) {
      xmlNode* n = stack.back();
      stack.pop_back();
      for (; n != nullptr; n = n->next) {
        if (Is(n, "a")) {
          std::string href = Attr(n, "href");
          if (!href.empty() && !common::IsNonLink(href)) {
            anchor = n;
            break;
          }
        } else if (n->type == XML_ELEMENT_NODE && n->children != nullptr) {
          stack.push_back(n->children);
        }
      }
    }
    if (anchor == nullptr) return false;
    std::string all = TextOf(item, kMaxItemText + 1);
    if (all.size() > kMaxItemText) return false;
    auto url = Resolve(Attr(anchor, "href"));
    if (!url) return false;
    li->url = *url;
    std::string title = TextOf(anchor, kMaxItemText);
    *titled = Utf8Chars(Squeeze(title)) >= 6;
    // Dates outside the anchor's text first (titles may carry dates of their own).
    std::string rest = all;
    if (!title.empty()) {
      if (size_t p = rest.find(title); p != std::string::npos) rest.replace(p, title.size(), " ");
    }
    std::vector<common::FoundDate> d = common::FindDates(rest, ctx_.as_of);
    if (d.empty()) {
      d = common::FindDates(title, ctx_.as_of);
      // A date inside the title counts only when the title ends with it (<a>title 2020-06-18</a>,
      // or with its time, 2020-06-18 17:13); the title is then the words before the dates (a
      // period 2020-02-02 至 2020-03-01 too).
      if (!d.empty() && !EndsWithTimeAtMost(absl::string_view(title).substr(d.back().offset + d.back().length))) {
        d.clear();
      }
      if (!d.empty()) {
        size_t first = d.size() - 1;
        while (first > 0 && d[first - 1].offset + d[first - 1].length + 8 >= d[first].offset) --first;
        std::string head(absl::StripAsciiWhitespace(title.substr(0, d[first].offset)));
        if (Utf8Chars(Squeeze(head)) >= 4) title = head;
        d.erase(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(first));
      }
    }
    if (!d.empty()) li->date_source = "list";
    if (d.empty()) {
      // A date in the anchor's title attribute ("发布时间：2020-06-01"), not the title itself.
      std::string attr = Attr(anchor, "title");
      if (size_t p = attr.find(title); !title.empty() && p != std::string::npos) attr.replace(p, title.size(), " ");
      d = common::FindDates(attr, ctx_.as_of);
      if (!d.empty()) li->date_source = "title";
    }
    if (!d.empty()) {
      li->date = d[0].day;
      li->year_implied = d[0].year_implied;
    }
    li->title = title.size() > 200 ? title.substr(0, 200) : title;
    if (d.size() > 1) li->end_date = d[1].day;
    for (absl::string_view w : kStatusWords) {
      if (absl::StrContains(rest, w)) {
        li->status = std::string(w);
        break;
      }
    }
    return true;
  }

  void ListCandidate(xmlNode* e) {
    // Group the element's children by tag; the largest group of item-like children is a list.
    std::vector<std::pair<const xmlChar*, std::vector<xmlNode*>>> groups;
    int n = 0;
    for (xmlNode* c = e->children; c != nullptr && n < 2000; c = c->next, ++n) {
      if (c->type != XML_ELEMENT_NODE || Skipped(c)) continue;
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return xmlStrEqual(x.first, c->name); });
      if (g == groups.end()) groups.push_back({c->name, {c}});
      else g->second.push_back(c);
    }
    for (auto& [tag, kids] : groups) {
      std::vector<ListItem> items;
      int dated = 0, titled = 0;
      // Whether every item is built alike: the same class, the same first child element.
      std::optional<std::string> shape;
      bool uniform = true;
      for (xmlNode* k : kids) {
        ListItem li;
        bool t = false;
        if (!ReadItem(k, &li, &t)) continue;
        if (uniform) {
          std::string sh = Attr(k, "class");
          for (xmlNode* g = k->children; g != nullptr; g = g->next) {
            if (g->type == XML_ELEMENT_NODE) {
              absl::StrAppend(&sh, "|", reinterpret_cast<const char*>(g->name), ".", Attr(g, "class"));
              break;
            }
          }
          if (!shape) shape = std::move(sh);
          else if (*shape != sh) uniform = false;
        }
        if (li.date) ++dated;
        // Titled links to other sites (ICP, police records) do not make a list of the site's own.
        if (t && common::UrlHost(li.url) == page_host_) ++titled;
        items.push_back(std::move(li));
      }
      // A list is mostly items: a group of page blocks with one dated link among them is not.
      // A data island's records are a list whatever they show, and so are rows built alike of
      // which a good part is dated (a survey column's dated surveys beside their undated feedback).
      if (dated > 0 && static_cast<size_t>(dated) * 2 < items.size() && !in_datastore_ &&
          !(uniform && items.size() >= 4 && static_cast<size_t>(dated) * 4 >= items.size())) {
        continue;
      }
      if (items.empty()) continue;
      for (const ListItem& li : items) {
        if (li.date && out_->all_dated_items.size() < 500 && all_urls_.insert(li.url).second) {
          out_->all_dated_items.push_back(li);
        }
        if (!li.date && Utf8Chars(Squeeze(li.title)) >= 6 && out_->undated_items.size() < 300 &&
            undated_urls_.insert(li.url).second) {
          out_->undated_items.push_back(li);
        }
      }
      // A side block's list (热点信息, 相关文章, a sidebar) is never the page's own list: on a
      // column's last page it may hold more items than the column's one or two.
      if (SideBlock(e)) continue;
      // Prefer the container with more dated items; then (undated lists) more titled items.
      // Equal counts: the later container (nested deeper, so tighter) wins.
      const bool better = dated > 0 ? dated >= best_dated_
                                    : best_dated_ == 0 && titled >= 3 && titled > best_titled_;
      if (better) {
        best_dated_ = dated;
        best_titled_ = titled;
        out_->items = std::move(items);
        out_->dated_items = dated;
        out_->list_structure = in_datastore_ ? "datastore"
                                             : absl::StrCat(reinterpret_cast<const char*>(e->name), ">",
                                                            reinterpret_cast<const char*>(tag));
      }
    }
    // Blank-column markers.
    // Blank-column markers: the words of an empty list (暂无信息, 没有找到相关数据 …), a count
    // of zero (共0条记录), or a list container with nothing in it, whatever its class.
    if (!in_datastore_ && (Is(e, "li") || Is(e, "td") || Is(e, "p") || Is(e, "div") || Is(e, "span") ||
                           Is(e, "font") || Is(e, "center") || Is(e, "strong") || Is(e, "dd") || Is(e, "em"))) {
      std::string t = Squeeze(TextOf(e, 128));
      if (!t.empty() && Utf8Chars(t) <= 30) {
        for (absl::string_view w : kNoInfoWords) {
          if (absl::StrContains(t, w)) no_info_ = true;
        }
        for (absl::string_view w : kZeroWords) {
          if (absl::StrContains(t, w)) zero_items_ = true;
        }
      }
    }
    if (Is(e, "ul") || Is(e, "ol") || Is(e, "tbody") || Is(e, "dl") ||
        ((Is(e, "div") || Is(e, "table")) && ListClass(e))) {
      bool has_child = false;
      for (xmlNode* c = e->children; c != nullptr && !has_child; c = c->next) {
        if (c->type == XML_ELEMENT_NODE || (c->type == XML_TEXT_NODE && !TextOf(c).empty())) has_child = true;
      }
      if (!has_child) empty_container_ = true;
    }
  }

  // The sponsor named in the footer: 主办单位：X, 主办：X, or a unit's name written as the holder
  // right before 版权所有 ("中山市交通运输局 版权所有"). "版权所有：X" or "Copyright © X" alone is not a
  // 主办单位 statement: the name after the mark is who holds the copyright, on intensive platforms
  // often the platform's operator rather than the site's sponsor.
  static bool SponsorNamed(const std::string& t) {
    if (absl::StrContains(t, "主办单位") || absl::StrContains(t, "主办：") || absl::StrContains(t, "主办:")) {
      return true;
    }
    static constexpr absl::string_view kUnitEnds[] = {"政府", "局", "委员会", "委", "办公室", "办", "厅", "院",
                                                      "中心", "街道", "镇", "乡", "管委会", "管理处", "所", "站"};
    static const std::string kMark = "版权所有";
    for (size_t p = t.find(kMark); p != std::string::npos; p = t.find(kMark, p + 1)) {
      // The name ends right before the mark, spaces (ASCII, U+00A0, U+3000) aside.
      const std::string before = Squeeze(absl::string_view(t).substr(p >= 64 ? p - 64 : 0, std::min<size_t>(p, 64)));
      for (absl::string_view e : kUnitEnds) {
        if (absl::EndsWith(before, e)) return true;
      }
    }
    return false;
  }

  // A block beside the page's own content: an <aside>, an element whose class or id names a
  // side bar (side, sidebar, aside …), or a list under a side heading (热点信息, 相关文章 …).
  static bool SideBlock(xmlNode* e) {
    int up = 0;
    for (xmlNode* p = e; p != nullptr && p->type == XML_ELEMENT_NODE && up < 8; p = p->parent, ++up) {
      if (Is(p, "aside")) return true;
      const std::string cls = absl::AsciiStrToLower(Attr(p, "class") + " " + Attr(p, "id"));
      for (absl::string_view t : absl::StrSplit(cls, absl::ByAnyChar(" _-"), absl::SkipEmpty())) {
        if (t == "side" || t == "sidebar" || t == "aside" || t == "sider" || t == "sidenav" || t == "sidebox") {
          return true;
        }
      }
      if (up >= 2) continue;
      // The heading just before the list (or before its parent).
      for (xmlNode* s = p->prev; s != nullptr; s = s->prev) {
        if (s->type != XML_ELEMENT_NODE) continue;
        const std::string h = Squeeze(TextOf(s, 64));
        if (!h.empty() && Utf8Chars(h) <= 10) {
          for (absl::string_view w : {"热点", "热门", "推荐阅读", "排行", "相关文章", "相关信息", "相关链接", "友情链接"}) {
            if (absl::StrContains(h, w)) return true;
          }
        }
        break;
      }
    }
    return false;
  }

  // The breadcrumb (当前位置：首页 > 栏目): an element whose class or id says so, or whose text
  // opens with 位置; its last linked name other than the home page's is the page's own name.
  void Crumb(xmlNode* e) {
    if (crumb_seen_ || !(Is(e, "div") || Is(e, "p") || Is(e, "span") || Is(e, "td") || Is(e, "nav") ||
                         Is(e, "ol") || Is(e, "ul") || Is(e, "li") || Is(e, "section"))) {
      return;
    }
    const std::string cls = absl::AsciiStrToLower(Attr(e, "class") + " " + Attr(e, "id"));
    bool crumb = false;
    for (absl::string_view w : {"crumb", "position", "location", "weizhi", "dqwz", "curpos", "mianbao"}) {
      if (absl::StrContains(cls, w)) crumb = true;
    }
    const std::string t = Squeeze(TextOf(e, 600));
    if (t.empty() || Utf8Chars(t) > 120) return;
    if (!crumb) {
      // 当前位置, 您的位置, 您现在的位置, 您当前所在位置 … within the first characters.
      const size_t p = t.find("位置");
      crumb = p != std::string::npos && p <= 18;
    }
    if (!crumb) return;
    std::string last;
    int anchors = 0;
    std::vector<xmlNode*> stack{e->children};
    int guard = 0;
    while (!stack.empty() && ++guard < 500) {
      xmlNode* n = stack.back();
      stack.pop_back();
      // Depth first, in document order: the next sibling waits under the children.
      if (n == nullptr) continue;
      stack.push_back(n->next);
      if (n->type != XML_ELEMENT_NODE) continue;
      if (Is(n, "a")) {
        const std::string href = Attr(n, "href");
        const std::string text = Squeeze(TextOf(n, 128));
        if (!text.empty() && !href.empty() && !common::IsNonLink(href)) {
          last = text;
          ++anchors;
        }
        continue;
      }
      stack.push_back(n->children);
    }
    if (anchors == 0) return;
    crumb_seen_ = true;
    // Words after the last link name the page itself (首页 > 互动交流 > 调查征集) unless they
    // say it is an article (正文, 详情).
    if (size_t p = t.rfind(last); p != std::string::npos) {
      std::string rest = t.substr(p + last.size());
      rest = absl::StrReplaceAll(rest, {{">", ""}, {"&gt;", ""}, {"»", ""}, {"＞", ""}, {"→", ""}, {"/", ""},
                                        {"》", ""}, {"|", ""}});
      rest = std::string(absl::StripAsciiWhitespace(rest));
      if (!rest.empty() && Utf8Chars(rest) <= 16 && !absl::StrContains(rest, "正文") &&
          !absl::StrContains(rest, "详情") && !absl::StrContains(rest, "内容") && !absl::StrContains(rest, "浏览")) {
        out_->crumb_name = rest;
        return;
      }
    }
    if (last == "首页" || last == "网站首页" || last == "主页" || absl::EndsWith(last, "首页")) return;
    if (Utf8Chars(last) <= 16) out_->crumb_name = last;
  }

  static bool ListClass(xmlNode* e) {
    std::string cls = absl::AsciiStrToLower(Attr(e, "class") + " " + Attr(e, "id"));
    return absl::StrContains(cls, "list") || absl::StrContains(cls, "news") || absl::StrContains(cls, "items") ||
           absl::StrContains(cls, "lb") || absl::StrContains(cls, "con");
  }

  void AddField(const std::string& label, std::string value) {
    for (const auto& [k, v] : out_->fields) {
      if (k == label) return;
    }
    if (value.size() > 2000) value.resize(2000);
    out_->fields.emplace_back(label, std::move(value));
  }

  void Label(xmlNode* e) {
    // <th>label</th><td>value</td>, <dt>label：</dt><dd>value</dd>, <strong>label：</strong>value,
    // <h3>label</h3><p>value</p> (guides written as sections), and "label：value" as the start of
    // a short block.
    const bool label_tag = Is(e, "th") || Is(e, "td") || Is(e, "dt") || Is(e, "strong") || Is(e, "b") ||
                           Is(e, "span") || Is(e, "label") || Is(e, "em") || Is(e, "h3") || Is(e, "h4") ||
                           Is(e, "h5");
    const bool block = Is(e, "p") || Is(e, "div") || Is(e, "li") || Is(e, "td") || Is(e, "span");
    if (!label_tag && !block) return;
    std::string text = TextOf(e, 301);
    if (text.empty() || text.size() > 300) return;
    if (label_tag && Utf8Chars(text) <= 12) {
      std::string sq(StripColon(Squeeze(text)));
      if (const char* label = Canonical(sq)) {
        xmlNode* next = e->next;
        while (next != nullptr && next->type != XML_ELEMENT_NODE &&
               (next->type != XML_TEXT_NODE || TextOf(next).empty())) {
          next = next->next;
        }
        if (next != nullptr && next->type == XML_ELEMENT_NODE) {
          AddField(label, TextOf(next, 2000));
        } else if (next != nullptr) {
          // Text following the label in the same parent.
          std::string rest;
          for (xmlNode* s = next; s != nullptr && rest.size() < 2000; s = s->next) {
            rest += " " + TextOf(s, 2000);
          }
          AddField(label, std::string(absl::StripAsciiWhitespace(rest)));
        }
        return;
      }
    }
    if (block) {
      // "起止时间：2020年5月1日至2020年5月31日"
      size_t colon = text.find("：");
      size_t clen = 3;
      if (colon == std::string::npos || colon > 40) {
        colon = text.find(':');
        clen = 1;
      }
      if (colon != std::string::npos && colon <= 40) {
        std::string sq = Squeeze(text.substr(0, colon));
        if (const char* label = Canonical(sq)) {
          std::string value(absl::StripAsciiWhitespace(text.substr(colon + clen)));
          CutAtNextLabel(&value);
          // Stop at the next label on the same line ("发布日期：2020-06-01　来源：…").
          size_t cut = value.find("　");
          if (cut != std::string::npos && std::string(label) == "发布日期") value.resize(cut);
          AddField(label, value);
        }
      }
    }
    // Several "label：value" pairs on one line (发布时间：… 来源：…): the publish date.
    if (!inline_pub_ && text.size() < 300) {
      for (absl::string_view l : {"发布日期", "发布时间", "信息提供日期", "上载日期", "公开日期"}) {
        size_t p = text.find(std::string(l));
        if (p == std::string::npos) continue;
        absl::string_view rest = absl::string_view(text).substr(p + l.size());
        if (absl::StartsWith(rest, "：")) rest.remove_prefix(3);
        else if (absl::StartsWith(rest, ":")) rest.remove_prefix(1);
        else continue;
        rest = absl::StripLeadingAsciiWhitespace(rest);
        auto d = common::FindDates(rest.substr(0, 40), ctx_.as_of, {.month_day = false});
        if (!d.empty() && d[0].offset == 0) inline_pub_ = d[0].day;
        break;
      }
    }
  }

  // The element holding the page's own text: the one with the most text in its direct
  // children that are text, paragraphs or inline elements (links left out, so navigation and
  // link lists do not count); a table cell stands for its table.
  // The page's frame around its content: footer, header and navigation blocks (by tag, class or
  // id), never the main text block.
  static bool Chrome(xmlNode* e) {
    if (Is(e, "footer") || Is(e, "header") || Is(e, "nav")) return true;
    const std::string cls = absl::AsciiStrToLower(Attr(e, "class") + " " + Attr(e, "id"));
    for (absl::string_view w : {"footer", "foot", "bottom", "copyright", "header", "navbar", "topbar"}) {
      if (absl::StrContains(cls, w)) return true;
    }
    return false;
  }

  xmlNode* MainBlock(xmlNode* root) {
    xmlNode* best = nullptr;
    size_t best_len = 0;
    int guard = 0;
    std::vector<std::pair<xmlNode*, int>> stack{{root, 0}};
    while (!stack.empty() && ++guard < kMaxNodes) {
      auto [n, depth] = stack.back();
      stack.pop_back();
      size_t own = 0;
      for (xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
          own += TextOf(c).size();
        } else if (c->type == XML_ELEMENT_NODE && !Skipped(c) && !Chrome(c)) {
          if (Is(c, "p") || Is(c, "span") || Is(c, "font") || Is(c, "strong") || Is(c, "b") || Is(c, "em") ||
              Is(c, "h1") || Is(c, "h2") || Is(c, "h3") || Is(c, "h4")) {
            own += TextOf(c, 4096).size();
          }
          if (depth < 200) stack.push_back({c, depth + 1});
        }
      }
      if (own > best_len) {
        best_len = own;
        best = n;
      }
    }
    if (best != nullptr && (Is(best, "td") || Is(best, "th"))) {
      for (xmlNode* p = best->parent; p != nullptr; p = p->parent) {
        if (Is(p, "table")) {
          best = p;
          break;
        }
      }
    }
    return best_len >= 20 ? best : nullptr;
  }

  void Finish() {
    // Publish and document dates.
    if (meta_pub_) {
      out_->publish_date = meta_pub_;
      out_->publish_date_source = "meta";
    } else if (const std::string* v = out_->Field("发布日期")) {
      out_->publish_date = common::ParseFirstDate(*v, ctx_.as_of, {.month_day = false});
      if (out_->publish_date) out_->publish_date_source = "label";
    }
    if (!out_->publish_date && inline_pub_) {
      out_->publish_date = inline_pub_;
      out_->publish_date_source = "label";
    }
    // A data island's paging endpoint: its further pages, asked for as jpage asks.
    if (jpage_) {
      if (auto proxy = Resolve(jpage_->proxy_url)) {
        for (const std::string& q : JpagePageQueries(*jpage_, datastore_records_, 200)) {
          PostPage pp;
          pp.url = absl::StrCat(*proxy, "?", q);
          pp.body = jpage_->form;
          pp.key = absl::StrCat(pp.url, "&", jpage_->form);
          out_->pagination.push_back(pp.key);
          out_->post_pages.push_back(std::move(pp));
          out_->pagination_form = "dataproxy";
        }
      }
    }
    // Pages in frames carry the list of a page that is only a frame set.
    if (out_->items.empty()) {
      for (const std::string& f : frames_) out_->pagination.push_back(f);
    }
    if (const std::string* v = out_->Field("成文日期")) {
      out_->document_date = common::ParseFirstDate(*v, ctx_.as_of, {.month_day = false});
    }
    if (out_->dated_items == 0 && out_->items.empty()) {
      if (no_info_) out_->blank = "no_info_text";
      else if (zero_items_) out_->blank = "zero_items";
      else if (empty_recordset_) out_->blank = "empty_recordset";
      else if (empty_container_) out_->blank = "empty_container";
      // An article page without a written publish date: the date its URL carries.
      if (!out_->publish_date && out_->blank.empty() && !jpage_) {
        if (auto d = UrlDate(ctx_.url)) {
          out_->publish_date = d;
          out_->publish_date_source = "url";
        }
      }
    }
    // Where a browser goes at once: a meta refresh, else a script redirect on a page that
    // shows next to nothing of its own.
    if (!meta_redirect_.empty() && meta_redirect_ != ctx_.url) {
      out_->redirect = meta_redirect_;
    } else if (!script_redirect_.empty() && script_redirect_ != ctx_.url && out_->items.empty() &&
               out_->short_links.size() < 3) {
      out_->redirect = script_redirect_;
    }
    // Identity items and statistics in the text.
    const std::string& t = out_->text;
    if (absl::StrContains(t, "网站标识码")) {
      out_->footer_items |= 1u << kFooterSiteCode;
      size_t p = t.find("网站标识码");
      std::string code;
      for (size_t i = p + std::string("网站标识码").size(); i < t.size() && code.size() < 20 && i < p + 40; ++i) {
        if (t[i] >= '0' && t[i] <= '9') code.push_back(t[i]);
        else if (!code.empty()) break;
      }
      out_->footer_site_code = code;
    }
    std::string upper = absl::AsciiStrToUpper(t);
    if (absl::StrContains(upper, "ICP备") || absl::StrContains(upper, "ICP证")) out_->footer_items |= 1u << kFooterIcp;
    if (absl::StrContains(t, "公网安备")) out_->footer_items |= 1u << kFooterPolice;
    if (SponsorNamed(t)) out_->footer_items |= 1u << kFooterSponsor;
    if (absl::StrContains(t, "我为政府网站找错")) out_->footer_items |= 1u << kFooterErrorReport;
    // Handling statistics: a rate or a count of replies beside messages (共收到网民留言3059条……
    // 处理答复率99.87%; 留言数 | 答复数).
    {
      const bool messages = absl::StrContains(t, "留言") || absl::StrContains(t, "来信") || absl::StrContains(t, "信件");
      bool rate = false;
      for (absl::string_view w : {"答复率", "回复率", "办结率", "答复数", "回复数", "办结数", "处理率"}) {
        if (absl::StrContains(t, w)) rate = true;
      }
      if (messages && rate) out_->message_statistics = true;
    }
    // The newest year written as "YYYY年", in the page's own text block.
    const int ref_year = static_cast<int>(ctx_.as_of.year());
    std::string main_text = main_block_ != nullptr ? TextOf(main_block_, 256 * 1024) : t;
    // The document's own date without a 成文日期 field: the 落款 at the end of the text, a unit's
    // name and then the date ("……中山市金融工作局 2020-01-15").
    if (!out_->document_date && main_block_ != nullptr) {
      const size_t from = main_text.size() > 240 ? main_text.size() - 240 : 0;
      const std::string tail = main_text.substr(from);
      std::vector<common::FoundDate> d = common::FindDates(tail, ctx_.as_of);
      if (!d.empty() && !d.back().year_implied && d.back().offset + d.back().length + 4 >= tail.size()) {
        const std::string before = tail.substr(0, d.back().offset);
        const size_t b = before.size() > 60 ? before.size() - 60 : 0;
        const absl::string_view signer = absl::string_view(before).substr(b);
        for (absl::string_view e : {"政府", "局", "委员会", "办公室", "中心", "街道办事处", "管委会"}) {
          if (absl::StrContains(signer, e)) {
            out_->document_date = d.back().day;
            break;
          }
        }
      }
    }
    const std::string& yt = main_text;
    for (size_t p = yt.find("年"); p != std::string::npos; p = yt.find("年", p + 1)) {
      if (p < 4) continue;
      bool digits = true;
      int y = 0;
      for (size_t i = p - 4; i < p; ++i) {
        if (yt[i] < '0' || yt[i] > '9') digits = false;
        else y = y * 10 + (yt[i] - '0');
      }
      if (!digits || (p >= 5 && yt[p - 5] >= '0' && yt[p - 5] <= '9')) continue;
      if (y >= 1949 && y <= ref_year) out_->newest_year = std::max(out_->newest_year, y);
    }
  }

  void ApplyOverrides(xmlDoc* doc) {
    if (ctx_.overrides == nullptr || ctx_.overrides->pages_size() == 0) return;
    const common::v1::PageOverride* o = FindPageOverride(*ctx_.overrides, common::UrlPathAndQuery(ctx_.url));
    if (o == nullptr) return;
    if (!o->list_items_xpath().empty()) {
      auto items = SelectListItems(doc, o->list_items_xpath(), o->date_xpath());
      if (items.ok()) {
        out_->items.clear();
        out_->dated_items = 0;
        for (const OverrideListItem& it : *items) {
          ListItem li;
          auto url = Resolve(it.href);
          if (!url) continue;
          li.url = *url;
          auto d = common::FindDates(it.date_text, ctx_.as_of);
          if (!d.empty()) li.date = d[0].day;
          if (d.size() > 1) li.end_date = d[1].day;
          for (absl::string_view w : kStatusWords) {
            if (absl::StrContains(it.date_text, w)) li.status = std::string(w);
          }
          if (li.date) {
            ++out_->dated_items;
            if (out_->all_dated_items.size() < 500 && all_urls_.insert(li.url).second) {
              out_->all_dated_items.push_back(li);
            }
          }
          out_->items.push_back(std::move(li));
        }
        if (!out_->items.empty()) {
          out_->blank.clear();
          out_->list_structure = "override";
        }
      }
    } else if (!o->date_xpath().empty()) {
      auto text = SelectText(doc, o->date_xpath());
      if (text.ok()) {
        if (auto d = common::ParseFirstDate(*text, ctx_.as_of, {.month_day = false})) {
          out_->publish_date = d;
          out_->publish_date_source = "override";
        }
      }
    }
    if (!o->field_label_xpath().empty()) {
      auto fields = SelectFields(doc, o->field_label_xpath());
      if (fields.ok()) {
        for (const auto& [label, value] : *fields) {
          const char* canon = Canonical(Squeeze(label));
          std::string key = canon != nullptr ? canon : Squeeze(label);
          bool replaced = false;
          for (auto& [k, v] : out_->fields) {
            if (k == key) {
              v = value;
              replaced = true;
            }
          }
          if (!replaced) out_->fields.emplace_back(key, value);
        }
      }
    }
  }

  const PageContext& ctx_;
  PageFacts* out_;
  common::UrlResolver resolver_;
  absl::flat_hash_map<std::string, std::optional<std::string>> resolved_;  // href → Resolve()
  std::string page_host_;
  std::set<std::string> all_urls_;
  std::set<std::string> undated_urls_;
  bool crumb_seen_ = false;
  int nodes_ = 0;
  int best_dated_ = 0;
  int best_titled_ = 0;
  std::optional<absl::CivilDay> meta_pub_;
  std::optional<absl::CivilDay> inline_pub_;
  bool no_info_ = false;
  bool zero_items_ = false;
  bool empty_container_ = false;
  bool empty_recordset_ = false;
  bool in_datastore_ = false;
  int datastore_records_ = 0;
  int scripts_ = 0;
  std::optional<JpageProxy> jpage_;
  std::string meta_redirect_;
  std::string script_redirect_;
  std::vector<std::string> frames_;
  xmlNode* main_block_ = nullptr;
};

}  // namespace

const char* FooterItemId(int item) {
  static const char* const kIds[] = {"site_code", "icp", "police", "badge", "sponsor", "sitemap", "error_report"};
  return item >= 0 && item < kFooterItems ? kIds[item] : "?";
}

const std::string* PageFacts::Field(absl::string_view label) const {
  for (const auto& [k, v] : fields) {
    if (k == label) return &v;
  }
  return nullptr;
}

std::string NormalizeLabel(absl::string_view label) { return std::string(StripColon(Squeeze(label))); }

PageFacts AnalyzeDocument(_xmlDoc* doc, const PageContext& ctx) {
  PageFacts out;
  if (doc == nullptr) return out;
  Analyzer a(ctx, &out);
  a.Run(doc);
  return out;
}

PageFacts AnalyzePage(absl::string_view html, const PageContext& ctx) {
  common::HtmlDoc doc = common::ParseHtmlDocument(html);
  return AnalyzeDocument(doc.get(), ctx);
}

}  // namespace govinspect::crawler
