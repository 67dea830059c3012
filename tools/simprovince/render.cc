#include "tools/simprovince/render.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/strings/ascii.h"
#include "tools/simprovince/calendar.h"
#include "tools/simprovince/page_weight.h"
#include "tools/simprovince/rng.h"
#include "tools/simprovince/text_gen.h"

namespace govinspect::simprovince {

absl::StatusOr<std::string> ConvertFromUtf8(absl::string_view utf8, const char* charset) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return absl::InternalError(absl::StrCat("iconv_open ", charset));
  std::string out(utf8.size() + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* o = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    size_t r = iconv(cd, &in, &in_left, &o, &out_left);
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        size_t used = static_cast<size_t>(o - out.data());
        out.resize(out.size() * 2);
        o = out.data() + used;
        out_left = out.size() - used;
        continue;
      }
      iconv_close(cd);
      return absl::InvalidArgumentError(absl::StrCat("text not representable in ", charset));
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  iconv_close(cd);
  return out;
}

std::string FormatListDate(Day d, DateFormat f) {
  switch (f) {
    case DateFormat::kIso: return FormatIso(d);
    case DateFormat::kChinese: return FormatChinese(d);
    case DateFormat::kBracketMonthDay: return absl::StrCat("[", FormatMonthDay(d), "]");
    case DateFormat::kSlash: return FormatSlash(d);
    case DateFormat::kIsoMinute: return absl::StrCat(FormatIso(d), " ", absl::StrFormat("%02d:%02d", 8 + d % 10, (d * 7) % 60));
    case DateFormat::kDot: {
      Ymd y = YmdFromDay(d);
      return absl::StrFormat("%04d.%02d.%02d", y.year, y.month, y.day);
    }
    case DateFormat::kMonthDay: return FormatMonthDay(d);
    case DateFormat::kNone: return "";
  }
  return FormatIso(d);
}

namespace {

uint64_t Key(int column, int item) { return (static_cast<uint64_t>(static_cast<uint32_t>(column)) << 32) | static_cast<uint32_t>(item); }

std::string Esc(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* const kStubHosts[] = {"www.gov.cn", "www.gd.gov.cn", "bszs.conac.cn", "beian.miit.gov.cn",
                                  "www.beian.gov.cn", "pucha.kaipuyun.cn", "dcs.conac.cn", "zfwzgl.www.gov.cn",
                                  "www.gdzwfw.gov.cn", "www.gdxf.gov.cn",
                                  // linked only by heavy pages' footers
                                  "www.npc.gov.cn", "www.cppcc.gov.cn", "www.court.gov.cn", "www.spp.gov.cn",
                                  "www.xinhuanet.com", "www.people.com.cn"};

// Query parameters of "a=1&b=2" (no percent-decoding: the values used are plain).
std::vector<std::pair<std::string, std::string>> QueryParams(absl::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view kv : absl::StrSplit(q, '&')) {
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    out.emplace_back(std::string(kv.substr(0, eq)), eq == absl::string_view::npos ? "" : std::string(kv.substr(eq + 1)));
  }
  return out;
}

int IntParam(const std::vector<std::pair<std::string, std::string>>& params, absl::string_view name, int fallback) {
  for (const auto& [k, v] : params) {
    int x = 0;
    if (absl::AsciiStrToLower(k) == name && absl::SimpleAtoi(v, &x)) return x;
  }
  return fallback;
}

std::string AmpEsc(absl::string_view s) { return absl::StrReplaceAll(s, {{"&", "&amp;"}}); }

// Deterministic CSS/JS padding like a real portal template.
std::string TemplateStyle(uint64_t h, int rules) {
  std::string out = "<style type=\"text/css\">\n";
  static const char* kProps[] = {"margin:0 auto", "padding:0 10px", "font-size:14px", "line-height:28px",
                                 "color:#333", "background:#f5f5f5", "border-bottom:1px solid #ddd",
                                 "overflow:hidden", "text-overflow:ellipsis", "white-space:nowrap", "float:left",
                                 "width:1200px", "height:40px", "display:block", "font-family:\"Microsoft YaHei\""};
  for (int i = 0; i < rules; ++i) {
    uint64_t x = Mix(h, static_cast<uint64_t>(i));
    absl::StrAppend(&out, ".gov-", x % 97, "-", i, " .c", (x >> 8) % 50, " a{", kProps[x % 15], ";", kProps[(x >> 4) % 15],
                    ";", kProps[(x >> 12) % 15], "}\n");
  }
  out += "</style>\n";
  return out;
}

}  // namespace

bool SiteRenderer::IsStubHost(absl::string_view host) {
  if (absl::StartsWith(host, "12345.") && host.size() > 6) return true;  // a city's 12345 platform
  for (const char* h : kStubHosts) {
    if (host == h) return true;
  }
  return false;
}

HttpResponse SiteRenderer::StubPage(absl::string_view host) {
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  if (absl::StartsWith(host, "12345.")) {
    r.body = absl::StrCat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>12345政务服务便民热线</title></head><body>",
                          "<h1>12345政务服务便民热线</h1><p>咨询、求助、建议：网上留言，7×24小时受理。</p>",
                          "<form action=\"/submit\" method=\"post\"><textarea name=\"content\"></textarea>",
                          "<button type=\"submit\">我要留言</button></form></body></html>");
    return r;
  }
  r.body = absl::StrCat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>", host,
                        "</title></head><body><p>外部网站（模拟）：", host, "</p></body></html>");
  return r;
}

bool SiteRenderer::IsHomePath(absl::string_view p) {
  return p == "/" || p == "/index.html" || p == "/index.htm" || p == "/index.shtml" || p == "/index.action";
}

SiteRenderer::SiteRenderer(const Province& p, PageWeight weight) : p_(p), weight_(weight) {
  routes_.resize(p.sites.size());
  missing_.resize(p.sites.size());
  injections_by_item_.resize(p.sites.size());
  for (size_t si = 0; si < p.sites.size(); ++si) {
    const Site& s = p.sites[si];
    auto& r = routes_[si];
    const bool direct = s.home_kind == HomeKind::kDirect;
    for (const char* h : {"/", "/index.html", "/index.htm", "/index.shtml", "/index.action"}) {
      r[h] = {direct ? PageType::kHome : PageType::kHomeForward, -1, 0};
    }
    if (!direct) r[CanonicalPathQuery(s.real_home_path)] = {PageType::kHome, -1, 0};
    r[CanonicalPathQuery(SitemapPath(s))] = {PageType::kSitemap, -1, 0};
    r[SearchPath(s)] = {PageType::kSearch, -1, 0};
    if (s.catalogue_tree) r[CanonicalPathQuery(CatalogueTreePath(s))] = {PageType::kTree, -1, 0};
    for (size_t c = 0; c < s.columns.size(); ++c) {
      const int ci = static_cast<int>(c);
      const Column& col = s.columns[c];
      if (!col.merged) {
        const int pages = ListPageCount(s, ci);
        for (int pg = 0; pg < pages; ++pg) {
          if (ListPageHasHtml(s, pg)) r[CanonicalPathQuery(ListPath(s, ci, pg))] = {PageType::kList, static_cast<int16_t>(ci), pg};
        }
        if (s.style == CmsStyle::kTrs || s.style == CmsStyle::kIntensive) {
          r[absl::StrCat("/", col.section, "/", col.slug, "/")] = {PageType::kList, static_cast<int16_t>(ci), 0};
        }
        if (s.style == CmsStyle::kDedecms) r[absl::StrCat("/a/", col.slug, "/index.html")] = {PageType::kList, static_cast<int16_t>(ci), 0};
      }
      for (size_t i = 0; i < col.items.size(); ++i) {
        r[CanonicalPathQuery(ArticlePath(s, ci, static_cast<int>(i)))] = {PageType::kArticle, static_cast<int16_t>(ci), static_cast<int32_t>(i)};
      }
    }
    for (size_t k = 0; k < s.injections.size(); ++k) {
      const Injection& in = s.injections[k];
      if (!in.path.empty()) {
        missing_[si].insert(in.path);
        r.erase(CanonicalPathQuery(in.path));
      }
      injections_by_item_[si][Key(in.column, in.item)].push_back(static_cast<int>(k));
    }
  }
  // 友情链接: the first sites of the province (served hosts only).
  friend_links_ = "<div class=\"yqlj\"><select onchange=\"window.open(this.value)\"><option value=\"\">—— 政府网站 ——</option>";
  for (size_t i = 0; i < p.sites.size() && i < 60; ++i) {
    absl::StrAppend(&friend_links_, "<option value=\"", SiteOrigin(p.sites[i]), "/\">", p.sites[i].name, "</option>");
  }
  friend_links_ += "</select></div>\n";
}

std::vector<std::string> SiteRenderer::Paths(int site) const {
  std::vector<std::string> out;
  for (const auto& [path, ref] : routes_[site]) {
    if (ref.type != PageType::kSearch) out.push_back(path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string SiteRenderer::Title(const Site& s, int column, int item) const {
  const Column& c = s.columns[column];
  const Item& it = c.items[item];
  const Unit& u = p_.units[s.unit];
  const uint64_t h = Mix(s.seed, it.id);
  auto inj = injections_by_item_[&s - p_.sites.data()].find(Key(column, item));
  if (inj != injections_by_item_[&s - p_.sites.data()].end()) {
    for (int k : inj->second) {
      InjectKind kind = s.injections[k].kind;
      if (kind == InjectKind::kIdNumber || kind == InjectKind::kMobile || kind == InjectKind::kIdNumberMasked ||
          kind == InjectKind::kMobileMasked) {
        return absl::StrCat("关于", YmdFromDay(it.date).year, "年度困难群众临时救助对象名单的公示");
      }
    }
  }
  switch (c.category) {
    case Category::kConsult: return MessageTitle(h);
    case Category::kSurvey: return SurveyTitle(h, u.short_name);
    case Category::kFeedback: {
      // Named after its survey (an inspector matches them by title).
      const int sc = s.FindColumn(Category::kSurvey);
      if (sc >= 0) {
        const Column& scol = s.columns[sc];
        for (size_t k = 0; k < scol.surveys.size(); ++k) {
          if (scol.surveys[k].feedback == item) return SurveyFeedbackTitle(Mix(s.seed, scol.items[k].id), u.short_name);
        }
      }
      return ItemTitle(h, c.category, u.short_name, it.date);
    }
    case Category::kService: return absl::StrCat(ServiceItemName(h), "办事指南");
    default: return ItemTitle(h, c.category, u.short_name, it.date);
  }
}

struct SiteRenderer::Ctx {
  const Site& s;
  const Unit& u;
  int site;
  std::string out;
  std::string column_name;
  std::string page_path;  // the page's own path (relative links are written from it)
  // Heavy pages: the navigation's entries (href as written, name), repeated by the page's menus.
  std::vector<std::pair<std::string, std::string>> nav;
};

std::string SiteRenderer::Href(const Site& s, absl::string_view page_path, const std::string& target) {
  if (target.empty() || target[0] != '/') return target;
  if (s.link_style == LinkStyle::kAbsolute) return target;
  if (s.link_style == LinkStyle::kBaseHref) return target.size() == 1 ? "./" : target.substr(1);
  absl::string_view from = page_path.substr(0, page_path.find('?'));
  std::string to_path = target, query;
  if (size_t q = target.find('?'); q != std::string::npos) {
    to_path = target.substr(0, q);
    query = target.substr(q);
  }
  std::vector<std::string> fd = absl::StrSplit(from.substr(1, from.rfind('/') == 0 ? 0 : from.rfind('/') - 1), '/', absl::SkipEmpty());
  const size_t last = to_path.rfind('/');
  std::vector<std::string> td = absl::StrSplit(absl::string_view(to_path).substr(1, last == 0 ? 0 : last - 1), '/', absl::SkipEmpty());
  const std::string file = to_path.substr(last + 1);
  size_t common = 0;
  while (common < fd.size() && common < td.size() && fd[common] == td[common]) ++common;
  std::string out;
  for (size_t i = common; i < fd.size(); ++i) out += "../";
  for (size_t i = common; i < td.size(); ++i) absl::StrAppend(&out, td[i], "/");
  out += file;
  if (out.empty()) out = "./";
  return out + query;
}

std::string SiteRenderer::H(const Ctx& c, const std::string& target) const { return Href(c.s, c.page_path, target); }

std::string SiteRenderer::HomeForward(const Site& s) const {
  return s.home_kind == HomeKind::kDirect ? "/" : s.real_home_path;
}

void SiteRenderer::Head(Ctx& c, const std::string& title, const std::string& column, const std::string& article_title,
                        Day pub) const {
  const Site& s = c.s;
  c.out.reserve(48 * 1024);
  c.out += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n";
  switch (s.charset) {
    case Charset::kUtf8: c.out += "<meta charset=\"utf-8\">\n"; break;
    case Charset::kGbkHeaderOnly: break;
    case Charset::kGbkMetaOnly: c.out += "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n"; break;
    case Charset::kGb18030Both: c.out += "<meta charset=\"gb18030\">\n"; break;
  }
  if (s.has_viewport) c.out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n";
  absl::StrAppend(&c.out, "<title>", Esc(title), "</title>\n");
  if (s.link_style == LinkStyle::kBaseHref) absl::StrAppend(&c.out, "<base href=\"", SiteOrigin(s), "/\">\n");
  absl::StrAppend(&c.out, "<meta name=\"SiteName\" content=\"", Esc(s.name), "\">\n<meta name=\"SiteDomain\" content=\"", s.host,
                  "\">\n<meta name=\"SiteIDCode\" content=\"", s.site_code, "\">\n");
  if (!column.empty()) absl::StrAppend(&c.out, "<meta name=\"ColumnName\" content=\"", Esc(column), "\">\n");
  if (!article_title.empty()) {
    absl::StrAppend(&c.out, "<meta name=\"ArticleTitle\" content=\"", Esc(article_title), "\">\n");
    if (s.article_date == ArticleDate::kMetaAndText || s.article_date == ArticleDate::kMetaOnly) {
      absl::StrAppend(&c.out, "<meta name=\"PubDate\" content=\"", FormatIso(pub),
                      absl::StrFormat(" %02d:%02d", 8 + pub % 10, (pub * 7) % 60), "\">\n");
    }
    absl::StrAppend(&c.out, "<meta name=\"ContentSource\" content=\"", Esc(c.u.name), "\">\n");
  }
  absl::StrAppend(&c.out, "<link rel=\"stylesheet\" href=\"/images/style.css\">\n",
                  TemplateStyle(s.seed, article_title.empty() ? (column == "首页" ? 200 : 300) : 110),
                  "<script type=\"text/javascript\">var _siteCode='", s.site_code,
                  "';var _config={\"search\":\"", SearchPath(s), "\",\"col\":\"", Esc(column),
                  "\"};function setTab(n,i){for(var k=0;k<n;k++){var e=document.getElementById('tab_'+k);"
                  "if(e){e.className=(k==i)?'on':'';}}}</script>\n");
  if (weight_ == PageWeight::kHeavy) HeavyHead(c);
  c.out += "</head>\n<body>\n";
}

void SiteRenderer::Header(Ctx& c) const {
  const Site& s = c.s;
  if (weight_ == PageWeight::kHeavy) HeavyTopBar(c);
  absl::StrAppend(&c.out, "<div class=\"topbar\"><a href=\"http://www.gov.cn/\" target=\"_blank\">中国政府网</a> | ",
                  "<a href=\"http://www.gd.gov.cn/\" target=\"_blank\">广东省人民政府</a> | <a href=\"#top\">返回顶部</a></div>\n");
  absl::StrAppend(&c.out, "<div class=\"header\"><a name=\"top\"></a><h1 class=\"logo\"><a href=\"", H(c, HomeForward(s)),
                  "\"><img src=\"", H(c, "/images/logo.png"), "\" alt=\"", Esc(s.name), "\">", Esc(s.name), "</a></h1>\n");
  if (s.has_search) {
    absl::StrAppend(&c.out, "<form class=\"search\" action=\"", SearchPath(s),
                    "\" method=\"get\"><input type=\"text\" name=\"q\" placeholder=\"请输入关键字\"><button type=\"submit\">搜索</button></form>\n");
  }
  c.out += "</div>\n";
  // Navigation, one markup per CMS family: every column, or one entry per section; with a
  // 信息公开目录 tree the open-government columns are reached through the tree page.
  std::vector<std::pair<std::string, std::string>> nav;
  nav.push_back({H(c, HomeForward(s)), "首页"});
  auto open_gov = [](const Column& col) { return col.section == "xxgk" || col.section == "zwgk"; };
  if (s.nav_sections) {
    std::vector<std::string> seen;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& col = s.columns[i];
      if (col.category == Category::kStats || col.category == Category::kFeedback) continue;
      if (std::find(seen.begin(), seen.end(), col.section) != seen.end()) continue;
      seen.push_back(col.section);
      const char* name = col.section == "xwzx" ? "新闻中心" : open_gov(col) ? "政务公开" : col.section == "bsfw" ? "办事服务"
                         : col.section == "hdjl" ? "互动交流" : "走进我们";
      if (open_gov(col) && s.catalogue_tree) nav.push_back({H(c, CatalogueTreePath(s)), "政府信息公开"});
      else nav.push_back({H(c, ListPath(s, static_cast<int>(i), 0)), name});
    }
  } else {
    bool tree_added = false;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& col = s.columns[i];
      if (col.category == Category::kStats || col.category == Category::kFeedback) continue;
      if (s.catalogue_tree && open_gov(col)) {
        if (!tree_added) nav.push_back({H(c, CatalogueTreePath(s)), "信息公开目录"});
        tree_added = true;
        continue;
      }
      nav.push_back({H(c, ListPath(s, static_cast<int>(i), 0)), col.name});
    }
  }
  if (s.consult_via_portal) {
    const Site& portal = p_.sites[s.consult_portal_site];
    int pc = portal.FindColumn(Category::kConsult);
    if (pc >= 0) nav.push_back({SiteOrigin(portal) + ListPath(portal, pc, 0), "咨询投诉"});
  }
  if (s.consult_via_12345) nav.push_back({absl::StrCat("http://12345.", s.city_domain, "/"), "12345政务服务热线"});
  if (s.service_via_province) {
    nav.push_back({absl::StrCat("http://www.gdzwfw.gov.cn/portal/branch-hall?orgCode=", c.u.division, s.seed % 100000), "办事服务"});
  }
  if (s.complaint_mailbox_only) {
    if (s.seed % 2) nav.push_back({absl::StrCat("mailto:jjjc@", s.host), "纪检监察举报信箱"});
    else nav.push_back({"http://www.gdxf.gov.cn/", "网上信访"});
  }
  switch (s.style) {
    case CmsStyle::kTrs:
    case CmsStyle::kPhpcms:
      c.out += "<div class=\"nav\"><ul>";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<li><a href=\"", AmpEsc(href), "\">", name, "</a></li>");
      c.out += "</ul></div>\n";
      break;
    case CmsStyle::kIntensive:
      c.out += "<nav class=\"menu\" role=\"navigation\">";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<a class=\"menu-item\" href=\"", href, "\">", name, "</a>");
      c.out += "</nav>\n";
      break;
    case CmsStyle::kHashed:
    case CmsStyle::kLegacyTable:
      c.out += "<table class=\"nav\" width=\"100%\" border=\"0\" cellspacing=\"0\"><tr>";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<td align=\"center\"><a href=\"", href, "\" target=\"_self\">", name, "</a></td>");
      c.out += "</tr></table>\n";
      break;
    case CmsStyle::kJavaAction:
    case CmsStyle::kEpoint:
      c.out += "<div id=\"menu\">";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<span class=\"m\"><a href=\"", href, "\">", name, "</a></span>");
      c.out += "</div>\n";
      break;
    case CmsStyle::kHanweb:
    case CmsStyle::kDedecms:
      c.out += "<div class=\"menu\"><ul class=\"clearfix\">";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<li class=\"nav-item\"><a href=\"", href, "\" target=\"_self\">", name, "</a></li>");
      c.out += "</ul></div>\n";
      break;
  }
  if (weight_ == PageWeight::kHeavy) {
    c.nav = std::move(nav);
    HeavyMenu(c);
  }
}

void SiteRenderer::Footer(Ctx& c) const {
  const Site& s = c.s;
  const uint8_t m = s.footer_missing;
  if (weight_ == PageWeight::kHeavy) HeavyFooterLinks(c);
  c.out += friend_links_;
  c.out += "<div class=\"footer\">\n";
  if (!(m & (1u << 4))) {
    absl::StrAppend(&c.out, "<p>主办单位：", Esc(c.u.name), "　承办：", Esc(c.u.name), "办公室　联系电话：0760-",
                    88000000 + s.seed % 999999, "</p>\n");
  } else if (s.seed % 2) {
    absl::StrAppend(&c.out, "<p>版权所有：", Esc(c.u.name), "</p>\n");  // not a 主办单位 statement
  }
  c.out += "<p>";
  if (!(m & (1u << 0))) absl::StrAppend(&c.out, "网站标识码：", s.site_code, "　");
  if (!(m & (1u << 1))) {
    absl::StrAppend(&c.out, "<a href=\"http://beian.miit.gov.cn/\" target=\"_blank\">", p_.region_abbr, "ICP备",
                    absl::StrFormat("%08d", static_cast<int>(s.seed % 100000000)), "号-", 1 + s.seed % 9, "</a>　");
  }
  if (!(m & (1u << 2))) {
    std::string code = absl::StrCat(c.u.division, absl::StrFormat("%010d", static_cast<int>(s.seed % 1000000000)));
    absl::StrAppend(&c.out, "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=", code,
                    "\" target=\"_blank\"><img src=\"", H(c, "/images/police.png"), "\" alt=\"\">", p_.region_abbr, "公网安备 ", code,
                    "号</a>");
  }
  c.out += "</p>\n<p>";
  if (!(m & (1u << 5))) absl::StrAppend(&c.out, "<a href=\"", AmpEsc(H(c, SitemapPath(s))), "\">", s.sitemap_zhandian ? "站点地图" : "网站地图", "</a> | ");
  absl::StrAppend(&c.out, "<a href=\"mailto:webmaster@", s.host, "\">联系我们</a> | <a href=\"javascript:window.print();\">打印本页</a>");
  if (!(m & (1u << 6))) {
    switch (s.jiucuo_form) {
      case 0:
        absl::StrAppend(&c.out, " | <a href=\"http://pucha.kaipuyun.cn/exposure/jiucuo.html?site_code=", s.site_code,
                        "\" target=\"_blank\"><img src=\"", H(c, "/images/jiucuo.png"), "\" alt=\"我为政府网站找错\">我为政府网站找错</a>");
        break;
      case 1:
        absl::StrAppend(&c.out, " <script id=\"_jiucuo_\" sitecode='", s.site_code,
                        "' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script>");
        break;
      case 2:
        absl::StrAppend(&c.out, " <span id=\"_span_jiucuo\"><img src=\"http://pucha.kaipuyun.cn/exposure/images/jiucuo.png\" ",
                        "onclick=\"Link('", s.site_code, "')\" style=\"margin:0;border:0;cursor:pointer\"></span>",
                        "<script id=\"_jiucuo_\" sitecode='", s.site_code, "' src='http://pucha.kaipuyun.cn/exposure/jiucuo.js'></script>");
        break;
      default:
        absl::StrAppend(&c.out, " <script type=\"text/javascript\">function loadScripts(o){var e=document.createElement('script');",
                        "e.src=o.url;e.id=o.id;for(var k in o.attr){e.setAttribute(k,o.attr[k]);}document.body.appendChild(e);}",
                        "loadScripts({url:'https://zfwzgl.www.gov.cn/exposure/jiucuo.js', id:'_jiucuo_', attr:{sitecode:'",
                        s.site_code, "'}});</script>");
        break;
    }
  }
  c.out += "</p>\n";
  if (!(m & (1u << 3))) {
    const uint64_t id = (s.seed >> 8) % 100000000;
    const std::string js = absl::StrCat("http://dcs.conac.cn/js/", 5 + id % 20, "/", 100 + id % 300, "/0000/", id, "/CA",
                                        absl::StrFormat("%02d", static_cast<int>(5 + id % 20)), 100 + id % 300, "0000", id, ".js");
    switch (s.badge_form) {
      case 0:
        absl::StrAppend(&c.out, "<a href=\"http://bszs.conac.cn/sitename?method=show&amp;id=", id,
                        "\" target=\"_blank\"><img src=\"", H(c, "/images/red.png"), "\" alt=\"党政机关\" title=\"党政机关\"></a>\n");
        break;
      case 1:
        absl::StrAppend(&c.out, "<span id=\"_ideConac\"></span><script type=\"text/javascript\" src=\"", js, "\"></script>\n");
        break;
      default:
        absl::StrAppend(&c.out, "<script type=\"text/javascript\">document.write(unescape(\"%3Cspan id='_ideConac' %3E%3C/span%3E",
                        "%3Cscript src='", js, "' type='text/javascript'%3E%3C/script%3E\"));</script>\n");
        break;
    }
  }
  c.out += "</div>\n";
  if (weight_ == PageWeight::kHeavy) HeavyTail(c);
  c.out += "</body>\n</html>\n";
}

namespace {

// Where the heavy parts of a page vary: the site and the page.
uint64_t PageHash(uint64_t site_seed, const std::string& page_path) { return Mix(site_seed, HashString(page_path), 0x4ea7); }

// Option lists of the footer's friendly-link menus (option values are no links).
const char* const kMinistries[][2] = {
    {"www.fmprc.gov.cn", "外交部"},      {"www.mod.gov.cn", "国防部"},        {"www.ndrc.gov.cn", "国家发展和改革委员会"},
    {"www.moe.gov.cn", "教育部"},        {"www.most.gov.cn", "科学技术部"},    {"www.miit.gov.cn", "工业和信息化部"},
    {"www.neac.gov.cn", "国家民族事务委员会"}, {"www.mps.gov.cn", "公安部"},   {"www.mca.gov.cn", "民政部"},
    {"www.moj.gov.cn", "司法部"},        {"www.mof.gov.cn", "财政部"},        {"www.mohrss.gov.cn", "人力资源和社会保障部"},
    {"www.mnr.gov.cn", "自然资源部"},    {"www.mee.gov.cn", "生态环境部"},    {"www.mohurd.gov.cn", "住房和城乡建设部"},
    {"www.mot.gov.cn", "交通运输部"},    {"www.mwr.gov.cn", "水利部"},        {"www.moa.gov.cn", "农业农村部"},
    {"www.mofcom.gov.cn", "商务部"},     {"www.mct.gov.cn", "文化和旅游部"},  {"www.nhc.gov.cn", "国家卫生健康委员会"},
    {"www.mva.gov.cn", "退役军人事务部"}, {"www.mem.gov.cn", "应急管理部"},    {"www.pbc.gov.cn", "中国人民银行"},
    {"www.audit.gov.cn", "审计署"},      {"www.samr.gov.cn", "国家市场监督管理总局"}, {"www.stats.gov.cn", "国家统计局"}};
const char* const kCities[][2] = {
    {"www.gz.gov.cn", "广州市"}, {"www.sz.gov.cn", "深圳市"},   {"www.zhuhai.gov.cn", "珠海市"}, {"www.shantou.gov.cn", "汕头市"},
    {"www.foshan.gov.cn", "佛山市"}, {"www.sg.gov.cn", "韶关市"}, {"www.heyuan.gov.cn", "河源市"}, {"www.meizhou.gov.cn", "梅州市"},
    {"www.huizhou.gov.cn", "惠州市"}, {"www.shanwei.gov.cn", "汕尾市"}, {"www.dg.gov.cn", "东莞市"}, {"www.jiangmen.gov.cn", "江门市"},
    {"www.yangjiang.gov.cn", "阳江市"}, {"www.zhanjiang.gov.cn", "湛江市"}, {"www.maoming.gov.cn", "茂名市"},
    {"www.zhaoqing.gov.cn", "肇庆市"}, {"www.gdqy.gov.cn", "清远市"}, {"www.chaozhou.gov.cn", "潮州市"},
    {"www.jieyang.gov.cn", "揭阳市"}, {"www.yunfu.gov.cn", "云浮市"}};
// National sites linked from the footer (stub hosts: their "/" answers).
const char* const kNational[][2] = {{"www.gov.cn", "中国政府网"},        {"www.npc.gov.cn", "全国人大"},
                                    {"www.cppcc.gov.cn", "全国政协"},    {"www.court.gov.cn", "最高人民法院"},
                                    {"www.spp.gov.cn", "最高人民检察院"}, {"www.gd.gov.cn", "广东省人民政府"},
                                    {"www.xinhuanet.com", "新华网"},     {"www.people.com.cn", "人民网"}};

}  // namespace

void SiteRenderer::HeavyHead(Ctx& c) const {
  const uint64_t h = PageHash(c.s.seed, c.page_path);
  c.out += "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge,chrome=1\">\n<meta name=\"renderer\" content=\"webkit\">\n";
  c.out += HeavyStyleSheet(c.s.style, c.s.seed, 120 + static_cast<int>(h % 140));
  c.out += HeavyHeadScripts(c.s.style, c.s.seed, 2000 + static_cast<int>((h >> 12) % 4000));
}

void SiteRenderer::HeavyTopBar(Ctx& c) const {
  const std::string p = TemplatePrefix(c.s.style);
  absl::StrAppend(&c.out, "<div class=\"", p, "wza-bar\"><div class=\"w1200 clearfix\"><span class=\"fl\">您好，欢迎访问本网站！</span>",
                  "<span class=\"fr\"><a href=\"javascript:void(0);\" id=\"", p, "aria-btn\">无障碍浏览</a> | ",
                  "<a href=\"javascript:void(0);\" onclick=\"switchFont(3)\">长者模式</a> | <a href=\"javascript:void(0);\">简体</a> | ",
                  "<a href=\"javascript:void(0);\">繁體</a> | <a href=\"javascript:void(0);\" class=\"", p, "wx\">政务微信</a> | ",
                  "<a href=\"javascript:void(0);\" class=\"", p, "wb\">政务微博</a> | <a href=\"javascript:void(0);\" class=\"", p,
                  "app\">移动客户端</a></span></div></div>\n");
}

void SiteRenderer::HeavyMenu(Ctx& c) const {
  // The full-site menu (a drop-down panel): the navigation's entries again, in groups.
  const std::string p = TemplatePrefix(c.s.style);
  absl::StrAppend(&c.out, "<div class=\"", p, "allnav-bar\"><a href=\"javascript:void(0);\" class=\"", p,
                  "allnav-btn\">全部栏目</a></div>\n<div class=\"", p, "allnav\" style=\"display:none\"><div class=\"w1200 clearfix\">\n");
  for (size_t i = 0; i < c.nav.size(); i += 4) {
    absl::StrAppend(&c.out, "<div class=\"", p, "allnav-col ", p, "subnav\">");
    for (size_t k = i; k < c.nav.size() && k < i + 4; ++k) {
      absl::StrAppend(&c.out, "<a href=\"", AmpEsc(c.nav[k].first), "\" target=\"_self\">", c.nav[k].second, "</a>");
    }
    c.out += "</div>\n";
  }
  c.out += "</div></div>\n";
}

void SiteRenderer::HeavyFooterLinks(Ctx& c) const {
  const std::string p = TemplatePrefix(c.s.style);
  // The footer's copy of the navigation.
  absl::StrAppend(&c.out, "<div class=\"", p, "foot-nav\"><div class=\"w1200\">");
  for (size_t k = 0; k < c.nav.size(); ++k) {
    absl::StrAppend(&c.out, k ? " | " : "", "<a href=\"", AmpEsc(c.nav[k].first), "\">", c.nav[k].second, "</a>");
  }
  c.out += "</div></div>\n";
  // National sites, then friendly-link menus: ministries, cities, the province's own sites.
  absl::StrAppend(&c.out, "<div class=\"", p, "yqlj-box\"><div class=\"w1200 clearfix\"><ul class=\"", p, "yqlj-gj\">");
  for (const auto& [host, name] : kNational) {
    absl::StrAppend(&c.out, "<li><a href=\"http://", host, "/\" target=\"_blank\">", name, "</a></li>");
  }
  c.out += "</ul>\n";
  auto menu = [&](const char* title, auto&& options) {
    absl::StrAppend(&c.out, "<div class=\"", p, "yqlj-sel\"><select onchange=\"if(this.value){window.open(this.value);}\">",
                    "<option value=\"\">", title, "</option>", options, "</select></div>\n");
  };
  std::string opts;
  for (const auto& [host, name] : kMinistries) absl::StrAppend(&opts, "<option value=\"http://", host, "/\">", name, "</option>");
  menu("国务院部门网站", opts);
  opts.clear();
  for (const auto& [host, name] : kCities) absl::StrAppend(&opts, "<option value=\"http://", host, "/\">", name, "人民政府</option>");
  menu("省内各市网站", opts);
  for (UnitKind kind : {UnitKind::kDepartment, UnitKind::kTown}) {
    opts.clear();
    int n = 0;
    for (const Site& o : p_.sites) {
      if (p_.units[o.unit].kind != kind || ++n > 80) continue;
      absl::StrAppend(&opts, "<option value=\"", SiteOrigin(o), "/\">", Esc(o.name), "</option>");
    }
    if (n > 0) menu(kind == UnitKind::kDepartment ? "部门网站" : "镇街网站", opts);
  }
  c.out += "</div></div>\n";
}

void SiteRenderer::HeavyTail(Ctx& c) const {
  const std::string p = TemplatePrefix(c.s.style);
  const uint64_t h = PageHash(c.s.seed, c.page_path);
  absl::StrAppend(&c.out, "<div class=\"", p, "float\"><a href=\"javascript:void(0);\" class=\"", p, "gotop\">返回顶部</a>",
                  "<a href=\"javascript:void(0);\" class=\"", p, "float-wx\">政务微信</a><a href=\"javascript:void(0);\" class=\"", p,
                  "float-m\">手机版</a></div>\n<div class=\"bdsharebuttonbox\"><a href=\"#\" class=\"bds_more\" data-cmd=\"more\"></a>",
                  "<a href=\"#\" class=\"bds_weixin\" data-cmd=\"weixin\" title=\"分享到微信\"></a><a href=\"#\" class=\"bds_tsina\" ",
                  "data-cmd=\"tsina\" title=\"分享到新浪微博\"></a><a href=\"#\" class=\"bds_qzone\" data-cmd=\"qzone\" title=\"分享到QQ空间\"></a></div>\n");
  c.out += HeavyTailScripts(c.s.style, h);
}

namespace {

// One list row as an <li> (the date placed as the column places it; no date element when the
// list is undated).
std::string LiRow(const Column& col, const std::string& href, const std::string& title, const std::string& date,
                  const std::string& extra, const char* date_class) {
  const std::string em = extra.empty() ? "" : absl::StrCat("<em>", extra, "</em>");
  const std::string d = date.empty() ? "" : absl::StrCat("<span class=\"", date_class, "\">", date, "</span>");
  const std::string h = AmpEsc(href);
  switch (date.empty() ? DatePlace::kAfter : col.date_place) {
    case DatePlace::kBefore:
      return absl::StrCat("<li>", d, "<a href=\"", h, "\" target=\"_blank\" title=\"", Esc(title), "\">", Esc(title), "</a>", em, "</li>\n");
    case DatePlace::kTitleAttr:
      return absl::StrCat("<li><a href=\"", h, "\" target=\"_blank\" title=\"", Esc(title), "&#10;发布日期：", date, "\">", Esc(title),
                          "</a>", em, "</li>\n");
    case DatePlace::kInAnchor:
      return absl::StrCat("<li><a href=\"", h, "\" target=\"_blank\">", Esc(title), " ", d, "</a>", em, "</li>\n");
    case DatePlace::kAfter:
      break;
  }
  return absl::StrCat("<li><a href=\"", h, "\" target=\"_blank\" title=\"", Esc(title), "\">", Esc(title), "</a>", em, d, "</li>\n");
}

const char* UlClass(CmsStyle st) {
  switch (st) {
    case CmsStyle::kEpoint: return "wb-data-item";
    case CmsStyle::kPhpcms: return "list lh24 f14";
    case CmsStyle::kDedecms: return "e2";
    case CmsStyle::kHanweb: return "gl-list";
    default: return "list";
  }
}

}  // namespace

std::vector<SiteRenderer::Row> SiteRenderer::ListRows(const Site& s, int column, int from, int to) const {
  const Column& col = s.columns[column];
  // Entries: the column's items, plus merged feedback articles for a survey column.
  std::vector<std::pair<int, int>> entries;
  const int fc = s.FindColumn(Category::kFeedback);
  const bool merged = col.category == Category::kSurvey && s.feedback_in_survey_column && fc >= 0;
  if (!merged) {
    for (int k = std::max(0, from); k < to && k < static_cast<int>(col.items.size()); ++k) entries.push_back({column, k});
  } else {
    for (size_t k = 0; k < col.items.size(); ++k) entries.push_back({column, static_cast<int>(k)});
    for (size_t k = 0; k < s.columns[fc].items.size(); ++k) entries.push_back({fc, static_cast<int>(k)});
    std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
      return s.columns[a.first].items[a.second].date > s.columns[b.first].items[b.second].date;
    });
    std::vector<std::pair<int, int>> page;
    for (int k = std::max(0, from); k < to && k < static_cast<int>(entries.size()); ++k) page.push_back(entries[k]);
    entries.swap(page);
  }
  std::vector<Row> rows;
  for (const auto& [ci, k] : entries) {
    const Column& c = s.columns[ci];
    Row r;
    r.href = ArticlePath(s, ci, k);
    r.title = Title(s, ci, k);
    r.date = FormatListDate(c.items[k].date, col.date_format);
    if (c.category == Category::kConsult) {
      const bool answered = c.messages[k].replied != kNoDay;
      r.extra = answered ? (k % 2 ? "已答复" : "已回复") : (k % 2 ? "办理中" : "未答复");
      if (c.messages[k].missing & kMsgAskTime) r.date = "";
    } else if (c.category == Category::kSurvey) {
      const Survey& sv = c.surveys[k];
      const bool open = sv.end >= p_.options.as_of || sv.open_after_end;
      r.extra = open ? "进行中" : "已结束";
      r.date = sv.show_dates ? absl::StrCat(FormatIso(sv.start), " 至 ", FormatIso(sv.end)) : "";
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

void SiteRenderer::AppendRows(Ctx& c, const Column& col, const std::vector<Row>& rows, bool home_block) const {
  const Site& s = c.s;
  std::string& out = c.out;
  switch (col.layout) {
    case ListLayout::kUl:
      absl::StrAppend(&out, "<ul class=\"", home_block ? "list" : UlClass(s.style), "\">\n");
      for (const Row& r : rows) out += LiRow(col, H(c, r.href), r.title, r.date, r.extra, "date");
      out += "</ul>\n";
      break;
    case ListLayout::kTable:
      out += "<table class=\"list-table\" width=\"100%\">\n<tr><th>标题</th><th>日期</th></tr>\n";
      for (const Row& r : rows) {
        const std::string title = absl::StrCat("<td class=\"title\"><a href=\"", AmpEsc(H(c, r.href)), "\" target=\"_blank\">", Esc(r.title), "</a>",
                                               r.extra.empty() ? "" : absl::StrCat(" <span class=\"status\">", r.extra, "</span>"), "</td>");
        const std::string date = absl::StrCat("<td class=\"time\">", r.date, "</td>");
        absl::StrAppend(&out, "<tr>", col.date_place == DatePlace::kBefore ? date + title : title + date, "</tr>\n");
      }
      out += "</table>\n";
      break;
    case ListLayout::kDiv:
      out += "<div class=\"news-list\">\n";
      for (const Row& r : rows) {
        absl::StrAppend(&out, "<div class=\"row\"><div class=\"col-title\"><a href=\"", AmpEsc(H(c, r.href)), "\">", Esc(r.title), "</a></div>",
                        r.extra.empty() ? "" : absl::StrCat("<div class=\"col-status\">", r.extra, "</div>"),
                        r.date.empty() ? "" : absl::StrCat("<div class=\"col-date\">", r.date, "</div>"), "</div>\n");
      }
      out += "</div>\n";
      break;
    case ListLayout::kNestedTable:
      out += "<table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr><td valign=\"top\">\n"
             "<table width=\"96%\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\">\n";
      for (const Row& r : rows) {
        absl::StrAppend(&out, "<tr><td width=\"20\" height=\"26\" align=\"center\"><img src=\"", H(c, "/images/dot.gif"),
                        "\" width=\"5\" height=\"5\"></td><td class=\"news\"><a href=\"", AmpEsc(H(c, r.href)),
                        "\" target=\"_blank\">", Esc(r.title), "</a>", r.extra.empty() ? "" : absl::StrCat("<font color=\"#999999\">（", r.extra, "）</font>"),
                        "</td><td width=\"90\" align=\"right\" class=\"date\">", r.date, "</td></tr>\n",
                        "<tr><td colspan=\"3\" height=\"1\" bgcolor=\"#E5E5E5\"></td></tr>\n");
      }
      out += "</table>\n</td></tr></table>\n";
      break;
  }
}

std::string SiteRenderer::HanwebDatastore(int site, uint32_t column_id, int start, int end) const {
  const Site& s = p_.sites[site];
  int column = -1;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (s.columns[i].column_id == column_id && !s.columns[i].merged) {
      column = static_cast<int>(i);
      break;
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<datastore>\n";
  if (column < 0) return out + "<totalrecord>0</totalrecord>\n<totalpage>0</totalpage>\n<recordset>\n</recordset>\n</datastore>\n";
  const Column& col = s.columns[column];
  const int total = col.blank != BlankKind::kNone ? 0 : ListEntryCount(s, column);
  const int per = ItemsPerListPage(s, column);
  absl::StrAppend(&out, "<totalrecord>", total, "</totalrecord>\n<totalpage>", total == 0 ? 0 : (total + per - 1) / per,
                  "</totalpage>\n<recordset>\n");
  start = std::max(start, 1);
  end = std::min({end, total, start + 499});  // at most 500 records per answer
  if (total > 0 && end >= start) {
    for (const Row& r : ListRows(s, column, start - 1, end)) {
      absl::StrAppend(&out, "<record><![CDATA[\n", LiRow(col, r.href, r.title, r.date, r.extra, "bt-data-time"), "]]></record>\n");
    }
  }
  out += "</recordset>\n</datastore>\n";
  return out;
}

void SiteRenderer::HomeBody(Ctx& c) const {
  const Site& s = c.s;
  c.out += "<div class=\"main home\">\n";
  if (s.nav_only_home) {
    c.out += "<div class=\"tiles\">\n";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (s.columns[i].merged) continue;
      absl::StrAppend(&c.out, "<a class=\"tile tile-", i, "\" href=\"", AmpEsc(H(c, ListPath(s, static_cast<int>(i), 0))), "\"><img src=\"",
                      H(c, absl::StrCat("/images/icon", i % 8, ".png")), "\" alt=\"\"><span>", s.columns[i].name, "</span></a>\n");
    }
    c.out += "</div>\n";
  } else {
    int block = 0;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& col = s.columns[i];
      if (!IsUpdatingCategory(col.category) || col.blank != BlankKind::kNone) continue;
      absl::StrAppend(&c.out, "<div class=\"block\" id=\"tab_", block++, "\"><div class=\"block-title\"><h3>", col.name,
                      "</h3><a class=\"more\" href=\"", AmpEsc(H(c, ListPath(s, static_cast<int>(i), 0))), "\">更多&gt;&gt;</a></div>\n");
      AppendRows(c, col, ListRows(s, static_cast<int>(i), 0, 7), true);
      c.out += "</div>\n";
    }
    // Service, interaction and survey entrances.
    c.out += "<div class=\"entrances\">";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& col = s.columns[i];
      if (IsUpdatingCategory(col.category) || col.merged) continue;
      absl::StrAppend(&c.out, "<a href=\"", AmpEsc(H(c, ListPath(s, static_cast<int>(i), 0))), "\">", col.name, "</a>");
    }
    if (s.consult_via_12345) absl::StrAppend(&c.out, "<a href=\"http://12345.", s.city_domain, "/\">12345政务服务便民热线</a>");
    c.out += "</div>\n";
  }
  auto it = injections_by_item_[c.site].find(Key(-1, -1));
  if (it != injections_by_item_[c.site].end()) {
    c.out += "<div class=\"zt\"><h3>专题专栏</h3><ul>";
    for (int k : it->second) {
      const Injection& in = s.injections[k];
      if (in.kind == InjectKind::kBrokenLink) absl::StrAppend(&c.out, "<li><a href=\"", H(c, in.path), "\">", Esc(in.text), "</a></li>");
    }
    c.out += "</ul></div>\n";
  }
  c.out += "</div>\n";
}

void SiteRenderer::BlankList(Ctx& c, const Column& col) const {
  static const char* kClasses[] = {"list-con", "news_list", "ul-list", "gl-list", "xxgk_list", "listnews"};
  const char* cls = kClasses[col.column_id % 6];
  const char* text = col.blank == BlankKind::kNoDataText ? "暂无数据" : col.blank == BlankKind::kNotFoundText ? "没有找到相关数据" : "暂无信息";
  switch (col.blank) {
    case BlankKind::kNoInfoText:
    case BlankKind::kNoDataText:
    case BlankKind::kNotFoundText:
      if (col.layout == ListLayout::kTable || col.layout == ListLayout::kNestedTable) {
        absl::StrAppend(&c.out, "<table class=\"list-table\" width=\"100%\"><tr><td align=\"center\">", text, "</td></tr></table>\n");
      } else if (col.layout == ListLayout::kDiv) {
        absl::StrAppend(&c.out, "<div class=\"news-list\"><p class=\"empty\">", text, "</p></div>\n");
      } else {
        absl::StrAppend(&c.out, "<ul class=\"", UlClass(c.s.style), "\"><li class=\"no-data\">", text, "</li></ul>\n");
      }
      break;
    case BlankKind::kZeroItems:
      absl::StrAppend(&c.out, "<ul class=\"", cls, "\"></ul>\n<div class=\"page\">共0条记录 共1页</div>\n");
      break;
    default:
      if (col.layout == ListLayout::kTable || col.layout == ListLayout::kNestedTable) {
        absl::StrAppend(&c.out, "<table class=\"", cls, "\" width=\"100%\"></table>\n");
      } else if (col.layout == ListLayout::kDiv) {
        absl::StrAppend(&c.out, "<div class=\"", cls, "\"></div>\n");
      } else {
        absl::StrAppend(&c.out, "<ul class=\"", cls, "\"></ul>\n");
      }
      break;
  }
}

void SiteRenderer::Pagination(Ctx& c, int column, int page) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  const int pages = ListPageCount(s, column);
  const int n = ListEntryCount(s, column);
  auto anchors = [&](const std::function<std::string(int)>& href) {
    absl::StrAppend(&c.out, "<div class=\"page\">共", n, "条记录 第", page + 1, "/", pages, "页 ");
    if (page > 0) absl::StrAppend(&c.out, "<a href=\"", href(0), "\">首页</a> <a href=\"", href(page - 1), "\">上一页</a> ");
    if (page + 1 < pages) absl::StrAppend(&c.out, "<a href=\"", href(page + 1), "\">下一页</a> <a href=\"", href(pages - 1), "\">尾页</a>");
    c.out += "</div>\n";
  };
  // Pager links relative to the list page's own folder (under <base href>: relative to the base).
  auto relative = [&](int pg) {
    const std::string target = ListPath(s, column, pg);
    return AmpEsc(s.link_style == LinkStyle::kBaseHref ? H(c, target) : target.substr(target.substr(0, target.find('?')).rfind('/') + 1));
  };
  switch (s.style) {
    case CmsStyle::kTrs:
      if (!col.script_pager_only) anchors([&](int pg) { return H(c, ListPath(s, column, pg)); });
      if (col.column_id % 2) {
        absl::StrAppend(&c.out, "<div class=\"pagination\"><script type=\"text/javascript\">createPageHTML(", pages, ", ", page,
                        ", \"index\", \"html\");</script></div>\n");
      } else {
        absl::StrAppend(&c.out, "<div class=\"pagination\"><script language=\"javascript\">var countPage = ", pages,
                        ";var currentPage = ", page, ";createPageHTML(countPage, currentPage, \"index\", \"html\");</script></div>\n");
      }
      break;
    case CmsStyle::kEpoint:
      anchors([&](int pg) { return absl::StrCat("?pageIndex=", pg + 1); });
      break;
    case CmsStyle::kPhpcms:
    case CmsStyle::kDedecms:
    case CmsStyle::kLegacyTable:
      anchors(relative);
      break;
    case CmsStyle::kHanweb:
      break;  // the jpage script draws the pager
    default:
      anchors([&](int pg) { return AmpEsc(H(c, ListPath(s, column, pg))); });
      break;
  }
}

void SiteRenderer::ListBody(Ctx& c, int column, int page) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"", H(c, HomeForward(s)), "\">首页</a> &gt; <a href=\"",
                  AmpEsc(H(c, ListPath(s, column, 0))), "\">", col.name, "</a></div>\n<div class=\"main list\"><h2 class=\"col-name\">",
                  col.name, "</h2>\n");
  if (col.category == Category::kProfile) {
    ProfileBody(c, column);
    c.out += "</div>\n";
    return;
  }
  if (col.category == Category::kStats) {
    StatsBody(c);
    c.out += "</div>\n";
    return;
  }
  const int per = ItemsPerListPage(s, column);
  if (s.style == CmsStyle::kHanweb) {
    // jpage: the records sit in a <script type="text/xml"> datastore; later pages come from the
    // data proxy (POST startrecord/endrecord with the column's form fields).
    const uint32_t unitid = 4000 + static_cast<uint32_t>(col.column_id % 9000);
    const uint32_t webid = 1 + static_cast<uint32_t>(s.seed % 300);
    const int total = col.blank != BlankKind::kNone ? 0 : ListEntryCount(s, column);
    absl::StrAppend(&c.out, "<div class=\"default_pgContainer\" id=\"", unitid, "\">\n<script type=\"text/xml\"><datastore>\n<nextgroup><![CDATA[",
                    total > per ? absl::StrCat("<a href=\"", kHanwebDataproxyPath, "?startrecord=", per + 1, "&endrecord=", 3 * per,
                                               "&perpage=", per, "&col=1&appid=1&webid=", webid, "&path=/&columnid=", col.column_id,
                                               "&sourceContentType=1&unitid=", unitid, "&webname=", s.host, "&permissiontype=0\"></a>")
                                : "",
                    "]]></nextgroup>\n<recordset>\n");
    if (total > 0) {
      for (const Row& r : ListRows(s, column, 0, per)) {
        absl::StrAppend(&c.out, "<record><![CDATA[\n", LiRow(col, r.href, r.title, r.date, r.extra, "bt-data-time"), "]]></record>\n");
      }
    }
    absl::StrAppend(&c.out, "</recordset>\n</datastore></script></div>\n<script type=\"text/javascript\" src=\"/module/jslib/jquery/jpage/jquery.jpage.js\"></script>\n",
                    "<script type=\"text/javascript\">$(document).ready(function(){$('#", unitid, "').jpage({dataStore:dataStore", unitid,
                    ",dataBefore:'<ul class=\"gl-list\">',dataAfter:'</ul>',perPage:", per, ",totalRecord:", total,
                    ",groupSize:3,barPosition:'bottom',proxyUrl:'", kHanwebDataproxyPath, "',ajaxParam:{col:1,appid:1,webid:", webid,
                    ",path:'/',columnid:", col.column_id, ",sourceContentType:1,unitid:'", unitid, "',webname:'", Esc(s.name),
                    "',permissiontype:0}});});</script>\n");
  } else if (col.blank != BlankKind::kNone) {
    BlankList(c, col);
    c.out += "</div>\n";
    return;
  } else {
    AppendRows(c, col, ListRows(s, column, page * per, (page + 1) * per), false);
  }
  if (col.category == Category::kConsult && s.FindColumn(Category::kStats) >= 0) {
    absl::StrAppend(&c.out, "<p class=\"stat-link\"><a href=\"", AmpEsc(H(c, ListPath(s, s.FindColumn(Category::kStats), 0))),
                    "\">留言办理情况统计</a></p>\n");
  }
  if (col.category == Category::kSurvey && s.FindColumn(Category::kFeedback) >= 0 && !s.feedback_in_survey_column) {
    absl::StrAppend(&c.out, "<p class=\"fk-link\"><a href=\"", AmpEsc(H(c, ListPath(s, s.FindColumn(Category::kFeedback), 0))),
                    "\">征集结果反馈</a></p>\n");
  }
  if (col.blank == BlankKind::kNone) Pagination(c, column, page);
  c.out += "</div>\n";
  // Sidebar: the other columns (of the same section when the navigation is by section or a
  // catalogue tree holds the open-government columns) and the latest news.
  c.out += "<div class=\"side\"><h3>栏目导航</h3><ul>";
  const bool by_section = s.nav_sections || s.catalogue_tree;
  const bool gov_col = col.section == "xxgk" || col.section == "zwgk";
  if (s.catalogue_tree && gov_col) {
    absl::StrAppend(&c.out, "<li><a href=\"", AmpEsc(H(c, CatalogueTreePath(s))), "\">信息公开目录</a></li>");
  } else {
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& o = s.columns[i];
      if (o.merged || (by_section && o.section != col.section)) continue;
      absl::StrAppend(&c.out, "<li", static_cast<int>(i) == column ? " class=\"on\"" : "", "><a href=\"",
                      AmpEsc(H(c, ListPath(s, static_cast<int>(i), 0))), "\">", o.name, "</a></li>");
    }
  }
  c.out += "</ul><h3>热点信息</h3><ul>";
  const Column& news = s.columns[0];
  for (size_t k = 0; k < news.items.size() && k < 8; ++k) {
    absl::StrAppend(&c.out, "<li><a href=\"", AmpEsc(H(c, ArticlePath(s, 0, static_cast<int>(k)))), "\">", Esc(Title(s, 0, static_cast<int>(k))),
                    "</a></li>");
  }
  c.out += "</ul></div>\n";
}

void SiteRenderer::ArticleBody(Ctx& c, int column, int item) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  const Item& it = col.items[item];
  const uint64_t h = Mix(s.seed, it.id);
  const std::string title = Title(s, column, item);
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"", H(c, HomeForward(s)), "\">首页</a> &gt; <a href=\"", AmpEsc(H(c, ListPath(s, col.merged ? s.FindColumn(Category::kSurvey) : column, 0))), "\">",
                  col.name, "</a> &gt; 正文</div>\n<div class=\"main article\">\n");
  const bool open_gov = (col.category >= Category::kNotice && col.category <= Category::kFinance &&
                         (s.style == CmsStyle::kIntensive || s.style == CmsStyle::kJavaAction)) ||
                        col.category == Category::kFeedback;
  if (open_gov) {
    const Day doc = col.category == Category::kFeedback ? col.document_dates[item] : it.date - static_cast<Day>(h % 4);
    const std::string abbr = c.u.short_name;
    c.out += "<table class=\"xxgk-head\" width=\"100%\">\n";
    absl::StrAppend(&c.out, "<tr><td class=\"label\">索 引 号：</td><td>", c.u.division, "00/", YmdFromDay(it.date).year, "-",
                    absl::StrFormat("%05d", static_cast<int>(it.id % 100000)), "</td><td class=\"label\">分　　类：</td><td>",
                    col.name, "</td></tr>\n");
    absl::StrAppend(&c.out, "<tr><td class=\"label\">发布机构：</td><td>", Esc(c.u.name), "</td><td class=\"label\">成文日期：</td><td>",
                    FormatChinese(doc), "</td></tr>\n");
    absl::StrAppend(&c.out, "<tr><td class=\"label\">名　　称：</td><td colspan=\"3\">", Esc(title), "</td></tr>\n");
    absl::StrAppend(&c.out, "<tr><td class=\"label\">文　　号：</td><td>", c.u.city, abbr.size() > 6 ? abbr.substr(abbr.size() - 6) : abbr,
                    "〔", YmdFromDay(doc).year, "〕", 1 + h % 60, "号</td><td class=\"label\">发布日期：</td><td>", FormatChinese(it.date),
                    "</td></tr>\n");
    absl::StrAppend(&c.out, "<tr><td class=\"label\">主 题 词：</td><td colspan=\"3\">", col.name, "</td></tr>\n</table>\n");
  }
  absl::StrAppend(&c.out, "<h1 class=\"title\">", Esc(title), "</h1>\n<div class=\"info\">");
  if (s.article_date == ArticleDate::kMetaAndText || s.article_date == ArticleDate::kTextOnly) {
    const Ymd y = YmdFromDay(it.date);
    switch (s.style) {
      case CmsStyle::kTrs:
      case CmsStyle::kEpoint: absl::StrAppend(&c.out, "发布时间：", FormatListDate(it.date, DateFormat::kIsoMinute)); break;
      case CmsStyle::kIntensive: absl::StrAppend(&c.out, "发布日期：", FormatChinese(it.date)); break;
      case CmsStyle::kHashed: absl::StrAppend(&c.out, "发布日期：", FormatIso(it.date), " 00:00"); break;
      case CmsStyle::kJavaAction: absl::StrAppend(&c.out, "信息提供日期：", FormatSlash(it.date)); break;
      case CmsStyle::kHanweb: absl::StrAppend(&c.out, "发布日期：", FormatIso(it.date)); break;
      case CmsStyle::kPhpcms:
      case CmsStyle::kDedecms: absl::StrAppend(&c.out, "发布时间：", FormatIso(it.date), absl::StrFormat(" %02d:%02d:%02d", 8 + it.date % 10, (it.date * 7) % 60, it.id % 60)); break;
      case CmsStyle::kLegacyTable: absl::StrAppend(&c.out, "发布时间：", y.year, "-", y.month, "-", y.day, " ", 8 + it.date % 10, ":", absl::StrFormat("%02d", static_cast<int>((it.date * 7) % 60)), ":00"); break;
    }
  }
  absl::StrAppend(&c.out, "　来源：", Esc(c.u.short_name), "　浏览次数：", 50 + h % 3000, "</div>\n<div class=\"content\" id=\"zoom\">\n");
  const int paras = 3 + static_cast<int>(h % 5);
  auto inj = injections_by_item_[c.site].find(Key(column, item));
  std::vector<const Injection*> ins;
  if (inj != injections_by_item_[c.site].end()) {
    for (int k : inj->second) ins.push_back(&s.injections[k]);
  }
  for (int k = 0; k < paras; ++k) {
    absl::StrAppend(&c.out, "<p>", Paragraph(Mix(h, static_cast<uint64_t>(k)), 3 + static_cast<int>(Mix(h, k + 50) % 4)));
    if (k == 1) {
      for (const Injection* in : ins) {
        if (in->kind == InjectKind::kExpressionError || in->kind == InjectKind::kSensitiveWord ||
            in->kind == InjectKind::kAbolishedName || in->kind == InjectKind::kAbolishedNameTrap) {
          c.out += PlantedSentence(*in);
        }
      }
    }
    c.out += "</p>\n";
  }
  // A published list (privacy).
  bool list = false;
  for (const Injection* in : ins) {
    list = list || in->kind == InjectKind::kIdNumber || in->kind == InjectKind::kMobile ||
           in->kind == InjectKind::kIdNumberMasked || in->kind == InjectKind::kMobileMasked;
  }
  if (list) {
    c.out += "<table class=\"namelist\" border=\"1\"><tr><th>序号</th><th>姓名</th><th>身份证号码</th><th>联系电话</th><th>救助金额（元）</th></tr>\n";
    int row = 0;
    std::vector<const Injection*> ids, phones;
    for (const Injection* in : ins) {
      if (in->kind == InjectKind::kIdNumber || in->kind == InjectKind::kIdNumberMasked) ids.push_back(in);
      if (in->kind == InjectKind::kMobile || in->kind == InjectKind::kMobileMasked) phones.push_back(in);
    }
    const size_t rows = std::max<size_t>(6, std::max(ids.size(), phones.size()));
    for (size_t r = 0; r < rows; ++r) {
      uint64_t rh = Mix(h, r + 900);
      std::string id = r < ids.size() ? ids[r]->text : MaskIdNumber(IdNumber(rh, c.u.division));
      std::string phone = r < phones.size() ? phones[r]->text : MaskMobile(MobileNumber(rh + 1));
      absl::StrAppend(&c.out, "<tr><td>", ++row, "</td><td>", PersonName(rh), "</td><td>", id, "</td><td>", phone, "</td><td>",
                      500 + rh % 3000, "</td></tr>\n");
    }
    c.out += "</table>\n";
  }
  // Images and attachments.
  if (h % 3 == 0) absl::StrAppend(&c.out, "<p style=\"text-align:center\"><img src=\"", H(c, ImagePath(s, column, item, 1)), "\" alt=\"\"></p>\n");
  std::vector<std::pair<std::string, std::string>> atts;
  if (h % 4 == 0) atts.push_back({AttachmentPath(s, column, item, 1, "pdf"), "附件1.pdf"});
  for (const Injection* in : ins) {
    if (in->kind == InjectKind::kMissingImage) absl::StrAppend(&c.out, "<p><img src=\"", H(c, in->path), "\" alt=\"图片\"></p>\n");
    if (in->kind == InjectKind::kMissingAttachment) {
      atts.push_back({in->path, absl::StrCat("附件", atts.size() + 1, in->path.substr(in->path.rfind('.')))});
    }
    if (in->kind == InjectKind::kBrokenLink) {
      absl::StrAppend(&c.out, "<p>相关链接：<a href=\"", H(c, in->path), "\">", Esc(in->text), "</a></p>\n");
    }
  }
  if (!atts.empty()) {
    c.out += "<div class=\"attachments\">附件：<ul>";
    for (auto& [href, name] : atts) absl::StrAppend(&c.out, "<li><a href=\"", H(c, href), "\">", name, "</a></li>");
    c.out += "</ul></div>\n";
  }
  c.out += "</div>\n<div class=\"tools\"><a href=\"javascript:window.print();\">【打印本页】</a> <a href=\"javascript:window.close();\">【关闭窗口】</a></div>\n</div>\n";
}

void SiteRenderer::MessageBody(Ctx& c, int column, int item) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  const Item& it = col.items[item];
  const Message& m = col.messages[item];
  const uint64_t h = Mix(s.seed, it.id);
  const std::string title = MessageTitle(h);
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"", H(c, HomeForward(s)), "\">首页</a> &gt; <a href=\"", AmpEsc(H(c, ListPath(s, col.merged ? s.FindColumn(Category::kSurvey) : column, 0))), "\">",
                  col.name, "</a></div>\n<div class=\"main message\">\n");
  const std::string ask = Paragraph(Mix(h, 1), 2);
  const std::string reply_unit = c.u.name;
  const std::string reply = absl::StrCat("您好！您反映的问题已收悉。", Paragraph(Mix(h, 2), 2), "感谢您对我们工作的关注和支持。");
  const bool answered = m.replied != kNoDay;
  std::vector<std::pair<std::string, std::string>> f;
  f.push_back({"留言标题", Esc(title)});
  if (!(m.missing & kMsgAskTime)) f.push_back({"留言时间", FormatListDate(it.date, DateFormat::kIsoMinute)});
  f.push_back({"留言内容", ask});
  f.push_back({"办理状态", answered ? "已答复" : "办理中"});
  if (answered) {
    if (!(m.missing & kMsgReplyUnit)) f.push_back({"答复单位", Esc(reply_unit)});
    if (!(m.missing & kMsgReplyTime)) f.push_back({"答复时间", FormatIso(m.replied)});
    if (!(m.missing & kMsgReplyContent)) f.push_back({"答复内容", reply});
  }
  switch (m.layout) {
    case 0:
      c.out += "<table class=\"msg\" border=\"1\" width=\"100%\">\n";
      for (auto& [k, v] : f) absl::StrAppend(&c.out, "<tr><th>", k, "</th><td>", v, "</td></tr>\n");
      c.out += "</table>\n";
      break;
    case 1:
      c.out += "<dl class=\"msg\">\n";
      for (auto& [k, v] : f) absl::StrAppend(&c.out, "<dt>", k == "答复单位" ? "回复部门" : k == "答复时间" ? "回复时间" : k, "：</dt><dd>", v, "</dd>\n");
      c.out += "</dl>\n";
      break;
    default:
      c.out += "<div class=\"msg\">\n";
      for (auto& [k, v] : f) absl::StrAppend(&c.out, "<p><strong>", k, "：</strong>", v, "</p>\n");
      c.out += "</div>\n";
      break;
  }
  c.out += "</div>\n";
}

void SiteRenderer::SurveyBody(Ctx& c, int column, int item) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  const Survey& sv = col.surveys[item];
  const Item& it = col.items[item];
  const uint64_t h = Mix(s.seed, it.id);
  const bool open = sv.end >= p_.options.as_of || sv.open_after_end;
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"", H(c, HomeForward(s)), "\">首页</a> &gt; <a href=\"", AmpEsc(H(c, ListPath(s, col.merged ? s.FindColumn(Category::kSurvey) : column, 0))), "\">",
                  col.name, "</a></div>\n<div class=\"main survey\">\n<h1 class=\"title\">", Esc(Title(s, column, item)), "</h1>\n");
  absl::StrAppend(&c.out, "<div class=\"info\">发布日期：", FormatIso(it.date), "</div>\n");
  if (sv.show_dates) {
    absl::StrAppend(&c.out, "<p class=\"period\">起止时间：", FormatChinese(sv.start), "至", FormatChinese(sv.end), "</p>\n");
  }
  absl::StrAppend(&c.out, "<p class=\"status\">征集状态：", open ? "进行中" : "已结束", "</p>\n<div class=\"content\"><p>",
                  "为广泛听取社会各界意见，现将有关内容公开征求意见。", Paragraph(h, 3), "</p></div>\n");
  if (open) {
    c.out += "<form class=\"opinion\" action=\"/hdjl/submit\" method=\"post\"><textarea name=\"opinion\"></textarea>"
             "<input type=\"text\" name=\"name\"><button type=\"submit\">提交意见</button></form>\n";
  } else {
    c.out += "<p class=\"closed\">本次征集已结束，感谢您的参与。</p>\n";
  }
  if (sv.feedback >= 0 && !s.feedback_in_survey_column) {
    const int fc = s.FindColumn(Category::kFeedback);
    absl::StrAppend(&c.out, "<p class=\"feedback\">结果反馈：<a href=\"", AmpEsc(H(c, ArticlePath(s, fc, sv.feedback))), "\">",
                    Esc(Title(s, fc, sv.feedback)), "</a></p>\n");
  }
  c.out += "</div>\n";
}

void SiteRenderer::GuideBody(Ctx& c, int column, int item) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  const Item& it = col.items[item];
  const uint64_t h = Mix(s.seed, it.id);
  const uint8_t miss = col.guide_missing[item];
  const std::string name = ServiceItemName(h);
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"", H(c, HomeForward(s)), "\">首页</a> &gt; <a href=\"", AmpEsc(H(c, ListPath(s, col.merged ? s.FindColumn(Category::kSurvey) : column, 0))), "\">",
                  col.name, "</a></div>\n<div class=\"main guide\">\n<h1 class=\"title\">", name, "办事指南</h1>\n");
  const std::string values[kGuideElements] = {
      name,
      absl::StrCat("《", name.substr(0, std::min<size_t>(name.size(), 12)), "管理办法》第", 3 + h % 20, "条"),
      "申请人为本市户籍居民或在本市依法登记的企业，材料齐全、符合法定形式。",
      "1.申请表（原件1份）；2.申请人身份证明（复印件1份）；3.其他相关证明材料。",
      absl::StrCat(c.u.city, "市政务服务中心", 1 + h % 4, "楼综合窗口"),
      "周一至周五 上午8:30-12:00，下午14:30-17:30（法定节假日除外）",
      absl::StrCat("0760-", 88000000 + h % 999999),
      "申请—受理—审查—决定—送达"};
  c.out += "<table class=\"guide\" border=\"1\" width=\"100%\">\n";
  for (int e = 0; e < kGuideElements; ++e) {
    if (miss & (1u << e)) continue;
    absl::StrAppend(&c.out, "<tr><th>", GuideElementName(e), "</th><td>", values[e], "</td></tr>\n");
  }
  c.out += "</table>\n</div>\n";
}

void SiteRenderer::ProfileBody(Ctx& c, int column) const {
  const Site& s = c.s;
  const int y = s.columns[column].profile_year;
  const uint64_t h = s.seed;
  absl::StrAppend(&c.out, "<div class=\"content profile\"><p>", Esc(c.u.name), "位于", c.u.city, "，", "截至", y, "年底，常住人口",
                  10 + h % 40, ".", h % 10, "万人。", y, "年实现地区生产总值", 100 + h % 400, ".", (h >> 4) % 100, "亿元，同比增长",
                  1 + (h >> 8) % 9, ".", (h >> 12) % 10, "%。</p><p>", Paragraph(h, 4), "</p><p class=\"update\">（数据更新至", y,
                  "年）</p></div>\n");
}

void SiteRenderer::StatsBody(Ctx& c) const {
  const Site& s = c.s;
  const int cc = s.FindColumn(Category::kConsult);
  if (cc < 0) return;
  const Column& col = s.columns[cc];
  int total = static_cast<int>(col.items.size()), answered = 0;
  for (const Message& m : col.messages) answered += m.replied != kNoDay ? 1 : 0;
  Ymd a = YmdFromDay(AddMonths(p_.options.as_of, -1));
  absl::StrAppend(&c.out, "<div class=\"content stats\"><h3>", a.year, "年", a.month, "月网民留言办理情况统计</h3><p>截至",
                  FormatChinese(p_.options.as_of), "，共收到网民留言", total, "条，已答复", answered, "条，处理答复率",
                  absl::StrFormat("%.2f", total ? 100.0 * answered / total : 100.0), "%。</p></div>\n");
}

void SiteRenderer::SitemapBody(Ctx& c) const {
  const Site& s = c.s;
  absl::StrAppend(&c.out, "<div class=\"main sitemap\"><h2>", s.sitemap_zhandian ? "站点地图" : "网站地图", "</h2><ul>");
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (s.columns[i].merged) continue;
    absl::StrAppend(&c.out, "<li><a href=\"", AmpEsc(H(c, ListPath(s, static_cast<int>(i), 0))), "\">", s.columns[i].name, "</a></li>");
  }
  c.out += "</ul></div>\n";
}

void SiteRenderer::TreeBody(Ctx& c) const {
  const Site& s = c.s;
  c.out += "<div class=\"main xxgkml\"><h2>政府信息公开目录</h2>\n<ul class=\"tree\" id=\"tree\"><li class=\"node open\"><span>信息公开</span><ul>\n";
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const Column& col = s.columns[i];
    if (col.section != "xxgk" && col.section != "zwgk") continue;
    absl::StrAppend(&c.out, "<li class=\"leaf\"><a href=\"", AmpEsc(H(c, ListPath(s, static_cast<int>(i), 0))), "\" target=\"rightFrame\">",
                    col.name, "</a></li>\n");
  }
  c.out += "</ul></li></ul></div>\n";
}

std::string SiteRenderer::HomeForwardPage(const Site& s) const {
  // "/" only forwards to the real home page: a meta refresh or a script.
  std::string out = "<!DOCTYPE html>\n<html>\n<head>\n";
  if (s.charset == Charset::kUtf8) out += "<meta charset=\"utf-8\">\n";
  if (s.charset == Charset::kGbkMetaOnly) out += "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n";
  const std::string target = s.real_home_path;
  if (s.home_kind == HomeKind::kMetaRefresh) {
    absl::StrAppend(&out, "<meta http-equiv=\"refresh\" content=\"0;url=", s.seed % 2 ? target : target.substr(1), "\">\n");
  }
  absl::StrAppend(&out, "<title>", Esc(s.name), "</title>\n</head>\n<body>\n");
  if (s.home_kind == HomeKind::kScriptRedirect) {
    absl::StrAppend(&out, "<script type=\"text/javascript\">", s.seed % 2 ? "window.location.href='" : "location.replace('",
                    target, s.seed % 2 ? "';" : "');", "</script>\n");
  }
  out += "</body>\n</html>\n";
  return out;
}

std::string SiteRenderer::RenderHtml(int site, const PageRef& ref, absl::string_view page_path, absl::string_view query) const {
  const Site& s = p_.sites[site];
  Ctx c{s, p_.units[s.unit], site, {}, {}, std::string(page_path)};
  switch (ref.type) {
    case PageType::kHomeForward: return HomeForwardPage(s);
    case PageType::kTree:
      Head(c, absl::StrCat("政府信息公开目录_", s.name), "信息公开目录", "", 0);
      Header(c);
      TreeBody(c);
      break;
    case PageType::kHome:
      Head(c, s.name, "首页", "", 0);
      Header(c);
      HomeBody(c);
      break;
    case PageType::kSitemap:
      Head(c, absl::StrCat("网站地图_", s.name), "网站地图", "", 0);
      Header(c);
      SitemapBody(c);
      break;
    case PageType::kSearch: {
      Head(c, absl::StrCat("搜索结果_", s.name), "搜索", "", 0);
      Header(c);
      c.out += "<div class=\"main search-result\"><p>搜索结果：</p><ul>";
      int shown = 0;
      for (size_t i = 0; i < s.columns.size() && shown < 10; ++i) {
        if (!IsUpdatingCategory(s.columns[i].category)) continue;
        for (size_t k = 0; k < s.columns[i].items.size() && k < 3; ++k, ++shown) {
          absl::StrAppend(&c.out, "<li><a href=\"", AmpEsc(H(c, ArticlePath(s, static_cast<int>(i), static_cast<int>(k)))), "\">",
                          Esc(Title(s, static_cast<int>(i), static_cast<int>(k))), "</a></li>");
        }
      }
      absl::StrAppend(&c.out, "</ul><p>关键词：", Esc(query.substr(0, 64)), "</p></div>\n");
      break;
    }
    case PageType::kList: {
      const Column& col = s.columns[ref.column];
      Head(c, absl::StrCat(col.name, "_", s.name), col.name, "", 0);
      Header(c);
      ListBody(c, ref.column, ref.index);
      break;
    }
    case PageType::kArticle: {
      const Column& col = s.columns[ref.column];
      const std::string title = Title(s, ref.column, ref.index);
      Head(c, absl::StrCat(title, "_", s.name), col.name, title, col.items[ref.index].date);
      Header(c);
      switch (col.category) {
        case Category::kConsult: MessageBody(c, ref.column, ref.index); break;
        case Category::kSurvey: SurveyBody(c, ref.column, ref.index); break;
        case Category::kService: GuideBody(c, ref.column, ref.index); break;
        default: ArticleBody(c, ref.column, ref.index); break;
      }
      break;
    }
  }
  Footer(c);
  return std::move(c.out);
}

HttpResponse SiteRenderer::Finish(const Site& s, std::string html) const {
  HttpResponse r;
  switch (s.charset) {
    case Charset::kUtf8: r.content_type = "text/html; charset=utf-8"; break;
    case Charset::kGbkHeaderOnly: r.content_type = "text/html; charset=GBK"; break;
    case Charset::kGbkMetaOnly: r.content_type = "text/html"; break;
    case Charset::kGb18030Both: r.content_type = "text/html; charset=GB18030"; break;
  }
  if (s.charset == Charset::kUtf8) {
    r.body = std::move(html);
  } else {
    absl::StatusOr<std::string> conv = ConvertFromUtf8(html, s.charset == Charset::kGb18030Both ? "GB18030" : "GBK");
    r.body = conv.ok() ? *std::move(conv) : std::move(html);
  }
  return r;
}

namespace {

// Minimal valid bodies for static files.
const unsigned char kPng[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
                              0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
                              0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
                              0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
                              0x42, 0x60, 0x82};
const unsigned char kJpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
                               0x00, 0x01, 0x00, 0x00, 0xff, 0xd9};

struct StaticType {
  const char* ext;
  const char* mime;
};
const StaticType kStatic[] = {{".jpg", "image/jpeg"},
                              {".png", "image/png"},
                              {".gif", "image/gif"},
                              {".css", "text/css"},
                              {".pdf", "application/pdf"},
                              {".doc", "application/msword"},
                              {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
                              {".xls", "application/vnd.ms-excel"},
                              {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};

}  // namespace

HttpResponse SiteRenderer::Render(int site, absl::string_view pq) const {
  const Site& s = p_.sites[site];
  const auto& routes = routes_[site];
  absl::string_view path = pq, query;
  size_t qm = pq.find('?');
  if (qm != absl::string_view::npos) {
    path = pq.substr(0, qm);
    query = pq.substr(qm + 1);
  }
  if (s.style == CmsStyle::kHanweb && path == kHanwebDataproxyPath) {
    // The jpage data proxy: form fields from the query (a POST body is appended to it).
    const auto params = QueryParams(query);
    const int per = std::clamp(IntParam(params, "perpage", ItemsPerListPage(s, 0)), 1, 100);
    int start = IntParam(params, "startrecord", -1);
    if (start < 0) start = (std::max(IntParam(params, "page", 1), 1) - 1) * per + 1;
    const int end = IntParam(params, "endrecord", start + per - 1);
    HttpResponse r;
    r.content_type = "text/xml; charset=utf-8";
    r.body = HanwebDatastore(site, static_cast<uint32_t>(std::max(IntParam(params, "columnid", 0), 0)), start, end);
    return r;
  }
  const std::string canonical = CanonicalPathQuery(std::string(pq));
  auto it = routes.find(canonical);
  if (it == routes.end() && s.style != CmsStyle::kJavaAction) it = routes.find(std::string(path));
  if (it == routes.end() && path == SearchPath(s)) it = routes.find(std::string(path));
  if (it != routes.end() && it->second.type == PageType::kHomeForward && s.home_kind == HomeKind::kRedirect302) {
    HttpResponse r;
    r.status = 302;
    r.content_type = "text/html; charset=utf-8";
    r.headers.push_back({"Location", s.real_home_path});
    r.body = absl::StrCat("<html><body><a href=\"", s.real_home_path, "\">", s.real_home_path, "</a></body></html>");
    return r;
  }
  if (it != routes.end()) return Finish(s, RenderHtml(site, it->second, canonical, query));
  if (!missing_[site].contains(path)) {
    for (const StaticType& t : kStatic) {
      if (!absl::EndsWith(path, t.ext)) continue;
      HttpResponse r;
      r.content_type = t.mime;
      if (t.ext == std::string(".png")) {
        r.body.assign(reinterpret_cast<const char*>(kPng), sizeof kPng);
      } else if (t.ext == std::string(".jpg") || t.ext == std::string(".gif")) {
        r.body.assign(reinterpret_cast<const char*>(kJpeg), sizeof kJpeg);
      } else if (t.ext == std::string(".css")) {
        r.body = "body{margin:0;font-family:\"Microsoft YaHei\";}\n";
      } else if (t.ext == std::string(".pdf")) {
        r.body = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                 "trailer<</Root 1 0 R>>\n%%EOF\n";
      } else {
        r.body = absl::StrCat("simulated attachment ", path, "\n");
      }
      return r;
    }
  }
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head><body><h1>404</h1>"
           "<p>您访问的页面不存在或已被删除。</p><a href=\"/\">返回首页</a></body></html>";
  return r;
}

}  // namespace govinspect::simprovince
