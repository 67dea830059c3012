#include "tools/simprovince/render.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/simprovince/calendar.h"
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
                                  "www.beian.gov.cn", "pucha.kaipuyun.cn"};

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
  for (const char* h : kStubHosts) {
    if (host == h) return true;
  }
  return false;
}

HttpResponse SiteRenderer::StubPage(absl::string_view host) {
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = absl::StrCat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>", host,
                        "</title></head><body><p>外部网站（模拟）：", host, "</p></body></html>");
  return r;
}

bool SiteRenderer::IsHomePath(absl::string_view p) {
  return p == "/" || p == "/index.html" || p == "/index.htm" || p == "/index.shtml" || p == "/index.action";
}

SiteRenderer::SiteRenderer(const Province& p) : p_(p) {
  routes_.resize(p.sites.size());
  missing_.resize(p.sites.size());
  injections_by_item_.resize(p.sites.size());
  for (size_t si = 0; si < p.sites.size(); ++si) {
    const Site& s = p.sites[si];
    auto& r = routes_[si];
    for (const char* h : {"/", "/index.html", "/index.htm", "/index.shtml", "/index.action"}) r[h] = {PageType::kHome, -1, 0};
    r[SitemapPath(s)] = {PageType::kSitemap, -1, 0};
    r[SearchPath(s)] = {PageType::kSearch, -1, 0};
    for (size_t c = 0; c < s.columns.size(); ++c) {
      const int ci = static_cast<int>(c);
      const int pages = ListPageCount(s, ci);
      for (int pg = 0; pg < pages; ++pg) r[ListPath(s, ci, pg)] = {PageType::kList, static_cast<int16_t>(ci), pg};
      if (s.style == CmsStyle::kTrs || s.style == CmsStyle::kIntensive) {
        r[absl::StrCat("/", s.columns[c].section, "/", s.columns[c].slug, "/")] = {PageType::kList, static_cast<int16_t>(ci), 0};
      }
      for (size_t i = 0; i < s.columns[c].items.size(); ++i) {
        r[ArticlePath(s, ci, static_cast<int>(i))] = {PageType::kArticle, static_cast<int16_t>(ci), static_cast<int32_t>(i)};
      }
    }
    for (size_t k = 0; k < s.injections.size(); ++k) {
      const Injection& in = s.injections[k];
      if (!in.path.empty()) {
        missing_[si].insert(in.path);
        r.erase(in.path);
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
};

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
  absl::StrAppend(&c.out, "<meta name=\"SiteName\" content=\"", Esc(s.name), "\">\n<meta name=\"SiteDomain\" content=\"", s.host,
                  "\">\n<meta name=\"SiteIDCode\" content=\"", s.site_code, "\">\n");
  if (!column.empty()) absl::StrAppend(&c.out, "<meta name=\"ColumnName\" content=\"", Esc(column), "\">\n");
  if (!article_title.empty()) {
    absl::StrAppend(&c.out, "<meta name=\"ArticleTitle\" content=\"", Esc(article_title), "\">\n<meta name=\"PubDate\" content=\"",
                    FormatIso(pub), absl::StrFormat(" %02d:%02d", 8 + pub % 10, (pub * 7) % 60), "\">\n<meta name=\"ContentSource\" content=\"",
                    Esc(c.u.name), "\">\n");
  }
  absl::StrAppend(&c.out, "<link rel=\"stylesheet\" href=\"/images/style.css\">\n",
                  TemplateStyle(s.seed, article_title.empty() ? (column == "首页" ? 200 : 300) : 110),
                  "<script type=\"text/javascript\">var _siteCode='", s.site_code,
                  "';var _config={\"search\":\"", SearchPath(s), "\",\"col\":\"", Esc(column),
                  "\"};function setTab(n,i){for(var k=0;k<n;k++){var e=document.getElementById('tab_'+k);"
                  "if(e){e.className=(k==i)?'on':'';}}}</script>\n</head>\n<body>\n");
}

void SiteRenderer::Header(Ctx& c) const {
  const Site& s = c.s;
  absl::StrAppend(&c.out, "<div class=\"topbar\"><a href=\"http://www.gov.cn/\" target=\"_blank\">中国政府网</a> | ",
                  "<a href=\"http://www.gd.gov.cn/\" target=\"_blank\">广东省人民政府</a> | <a href=\"#top\">返回顶部</a></div>\n");
  absl::StrAppend(&c.out, "<div class=\"header\"><a name=\"top\"></a><h1 class=\"logo\"><a href=\"/\"><img src=\"/images/logo.png\" alt=\"",
                  Esc(s.name), "\">", Esc(s.name), "</a></h1>\n");
  if (s.has_search) {
    absl::StrAppend(&c.out, "<form class=\"search\" action=\"", SearchPath(s),
                    "\" method=\"get\"><input type=\"text\" name=\"q\" placeholder=\"请输入关键字\"><button type=\"submit\">搜索</button></form>\n");
  }
  c.out += "</div>\n";
  // Navigation, one markup per CMS family.
  std::vector<std::pair<std::string, std::string>> nav;
  nav.push_back({"/", "首页"});
  for (size_t i = 0; i < s.columns.size(); ++i) {
    Category cat = s.columns[i].category;
    if (cat == Category::kStats || cat == Category::kFeedback) continue;
    nav.push_back({ListPath(s, static_cast<int>(i), 0), s.columns[i].name});
  }
  if (s.consult_via_portal) {
    const Site& portal = p_.sites[s.consult_portal_site];
    int pc = portal.FindColumn(Category::kConsult);
    if (pc >= 0) nav.push_back({SiteOrigin(portal) + ListPath(portal, pc, 0), "咨询投诉"});
  }
  switch (s.style) {
    case CmsStyle::kTrs:
      c.out += "<div class=\"nav\"><ul>";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<li><a href=\"", href, "\">", name, "</a></li>");
      c.out += "</ul></div>\n";
      break;
    case CmsStyle::kIntensive:
      c.out += "<nav class=\"menu\" role=\"navigation\">";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<a class=\"menu-item\" href=\"", href, "\">", name, "</a>");
      c.out += "</nav>\n";
      break;
    case CmsStyle::kHashed:
      c.out += "<table class=\"nav\" width=\"100%\" border=\"0\" cellspacing=\"0\"><tr>";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<td align=\"center\"><a href=\"", href, "\" target=\"_self\">", name, "</a></td>");
      c.out += "</tr></table>\n";
      break;
    case CmsStyle::kJavaAction:
      c.out += "<div id=\"menu\">";
      for (auto& [href, name] : nav) absl::StrAppend(&c.out, "<span class=\"m\"><a href=\"", href, "\">", name, "</a></span>");
      c.out += "</div>\n";
      break;
  }
}

void SiteRenderer::Footer(Ctx& c) const {
  const Site& s = c.s;
  const uint8_t m = s.footer_missing;
  c.out += friend_links_;
  c.out += "<div class=\"footer\">\n";
  if (!(m & (1u << 4))) {
    absl::StrAppend(&c.out, "<p>主办单位：", Esc(c.u.name), "　承办：", Esc(c.u.name), "办公室　联系电话：0760-",
                    88000000 + s.seed % 999999, "</p>\n");
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
                    "\" target=\"_blank\"><img src=\"/images/police.png\" alt=\"\">", p_.region_abbr, "公网安备 ", code,
                    "号</a>");
  }
  c.out += "</p>\n<p>";
  if (!(m & (1u << 5))) absl::StrAppend(&c.out, "<a href=\"", SitemapPath(s), "\">网站地图</a> | ");
  absl::StrAppend(&c.out, "<a href=\"mailto:webmaster@", s.host, "\">联系我们</a> | <a href=\"javascript:window.print();\">打印本页</a>");
  if (!(m & (1u << 6))) {
    absl::StrAppend(&c.out, " | <a href=\"http://pucha.kaipuyun.cn/exposure/jiucuo.html?site_code=", s.site_code,
                    "\" target=\"_blank\"><img src=\"/images/jiucuo.png\" alt=\"我为政府网站找错\">我为政府网站找错</a>");
  }
  c.out += "</p>\n";
  if (!(m & (1u << 3))) {
    absl::StrAppend(&c.out, "<a href=\"http://bszs.conac.cn/sitename?method=show&amp;id=", (s.seed >> 8) % 100000000,
                    "\" target=\"_blank\"><img src=\"/images/red.png\" alt=\"党政机关\" title=\"党政机关\"></a>\n");
  }
  c.out += "</div>\n</body>\n</html>\n";
}

namespace {

void AppendItems(std::string& out, ListLayout layout, const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& rows) {
  // rows: href, title, date text, extra (status)
  switch (layout) {
    case ListLayout::kUl:
      out += "<ul class=\"list\">\n";
      for (auto& [href, title, date, extra] : rows) {
        absl::StrAppend(&out, "<li><a href=\"", href, "\" target=\"_blank\" title=\"", Esc(title), "\">", Esc(title), "</a>",
                        extra.empty() ? "" : absl::StrCat("<em>", extra, "</em>"), "<span class=\"date\">", date, "</span></li>\n");
      }
      out += "</ul>\n";
      break;
    case ListLayout::kTable:
      out += "<table class=\"list-table\" width=\"100%\">\n<tr><th>标题</th><th>日期</th></tr>\n";
      for (auto& [href, title, date, extra] : rows) {
        absl::StrAppend(&out, "<tr><td class=\"title\"><a href=\"", href, "\" target=\"_blank\">", Esc(title), "</a>",
                        extra.empty() ? "" : absl::StrCat(" <span class=\"status\">", extra, "</span>"), "</td><td class=\"time\">", date, "</td></tr>\n");
      }
      out += "</table>\n";
      break;
    case ListLayout::kDiv:
      out += "<div class=\"news-list\">\n";
      for (auto& [href, title, date, extra] : rows) {
        absl::StrAppend(&out, "<div class=\"row\"><div class=\"col-title\"><a href=\"", href, "\">", Esc(title), "</a></div>",
                        extra.empty() ? "" : absl::StrCat("<div class=\"col-status\">", extra, "</div>"), "<div class=\"col-date\">", date, "</div></div>\n");
      }
      out += "</div>\n";
      break;
  }
}

}  // namespace

void SiteRenderer::HomeBody(Ctx& c) const {
  const Site& s = c.s;
  c.out += "<div class=\"main home\">\n";
  if (s.nav_only_home) {
    c.out += "<div class=\"tiles\">\n";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      absl::StrAppend(&c.out, "<a class=\"tile tile-", i, "\" href=\"", ListPath(s, static_cast<int>(i), 0), "\"><img src=\"/images/icon",
                      i % 8, ".png\" alt=\"\"><span>", s.columns[i].name, "</span></a>\n");
    }
    c.out += "</div>\n";
  } else {
    int block = 0;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& col = s.columns[i];
      if (!IsUpdatingCategory(col.category) || col.blank != BlankKind::kNone) continue;
      absl::StrAppend(&c.out, "<div class=\"block\" id=\"tab_", block++, "\"><div class=\"block-title\"><h3>", col.name,
                      "</h3><a class=\"more\" href=\"", ListPath(s, static_cast<int>(i), 0), "\">更多&gt;&gt;</a></div>\n");
      std::vector<std::tuple<std::string, std::string, std::string, std::string>> rows;
      for (size_t k = 0; k < col.items.size() && k < 7; ++k) {
        rows.push_back({ArticlePath(s, static_cast<int>(i), static_cast<int>(k)), Title(s, static_cast<int>(i), static_cast<int>(k)),
                        FormatListDate(col.items[k].date, col.date_format), ""});
      }
      AppendItems(c.out, col.layout, rows);
      c.out += "</div>\n";
    }
    // Service, interaction and survey entrances.
    c.out += "<div class=\"entrances\">";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const Column& col = s.columns[i];
      if (IsUpdatingCategory(col.category)) continue;
      absl::StrAppend(&c.out, "<a href=\"", ListPath(s, static_cast<int>(i), 0), "\">", col.name, "</a>");
    }
    c.out += "</div>\n";
  }
  auto it = injections_by_item_[c.site].find(Key(-1, -1));
  if (it != injections_by_item_[c.site].end()) {
    c.out += "<div class=\"zt\"><h3>专题专栏</h3><ul>";
    for (int k : it->second) {
      const Injection& in = s.injections[k];
      if (in.kind == InjectKind::kBrokenLink) absl::StrAppend(&c.out, "<li><a href=\"", in.path, "\">", Esc(in.text), "</a></li>");
    }
    c.out += "</ul></div>\n";
  }
  c.out += "</div>\n";
}

void SiteRenderer::ListBody(Ctx& c, int column, int page) const {
  const Site& s = c.s;
  const Column& col = s.columns[column];
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"", ListPath(s, column, 0), "\">",
                  col.name, "</a></div>\n<div class=\"main list\"><h2 class=\"col-name\">", col.name, "</h2>\n");
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
  if (col.blank != BlankKind::kNone) {
    switch (col.blank) {
      case BlankKind::kNoInfoText:
        c.out += col.layout == ListLayout::kTable ? "<table class=\"list-table\"><tr><td>暂无信息</td></tr></table>\n"
                                                  : "<ul class=\"list\"><li class=\"no-data\">暂无信息</li></ul>\n";
        break;
      case BlankKind::kZeroItems: c.out += "<ul class=\"list\"></ul>\n<div class=\"page\">共0条记录 共1页</div>\n"; break;
      default: c.out += "<div class=\"news-list\"></div>\n"; break;
    }
    c.out += "</div>\n";
    return;
  }
  const int per = ItemsPerListPage(s, column);
  const int n = static_cast<int>(col.items.size());
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> rows;
  for (int k = page * per; k < n && k < (page + 1) * per; ++k) {
    std::string extra;
    std::string date = FormatListDate(col.items[k].date, col.date_format);
    if (col.category == Category::kConsult) {
      const bool answered = col.messages[k].replied != kNoDay;
      extra = answered ? (k % 2 ? "已答复" : "已回复") : (k % 2 ? "办理中" : "未答复");
      if (col.messages[k].missing & kMsgAskTime) date = "";
    } else if (col.category == Category::kSurvey) {
      const Survey& sv = col.surveys[k];
      const bool open = sv.end >= p_.options.as_of || sv.open_after_end;
      extra = open ? "进行中" : "已结束";
      if (sv.show_dates) date = absl::StrCat(FormatIso(sv.start), " 至 ", FormatIso(sv.end));
      else date = "";
    }
    rows.push_back({ArticlePath(s, column, k), Title(s, column, k), date, extra});
  }
  AppendItems(c.out, col.layout, rows);
  if (col.category == Category::kConsult && s.FindColumn(Category::kStats) >= 0) {
    absl::StrAppend(&c.out, "<p class=\"stat-link\"><a href=\"", ListPath(s, s.FindColumn(Category::kStats), 0), "\">留言办理情况统计</a></p>\n");
  }
  if (col.category == Category::kSurvey && s.FindColumn(Category::kFeedback) >= 0) {
    absl::StrAppend(&c.out, "<p class=\"fk-link\"><a href=\"", ListPath(s, s.FindColumn(Category::kFeedback), 0), "\">征集结果反馈</a></p>\n");
  }
  // Pagination.
  const int pages = ListPageCount(s, column);
  absl::StrAppend(&c.out, "<div class=\"page\">共", n, "条记录 第", page + 1, "/", pages, "页 ");
  if (page > 0) {
    absl::StrAppend(&c.out, "<a href=\"", ListPath(s, column, 0), "\">首页</a> <a href=\"", ListPath(s, column, page - 1), "\">上一页</a> ");
  }
  if (page + 1 < pages) {
    absl::StrAppend(&c.out, "<a href=\"", ListPath(s, column, page + 1), "\">下一页</a> <a href=\"", ListPath(s, column, pages - 1), "\">尾页</a>");
  }
  c.out += "</div>\n";
  if (s.style == CmsStyle::kTrs) {
    absl::StrAppend(&c.out, "<script>createPageHTML(", pages, ", ", page, ", \"index\", \"html\");</script>\n");
  }
  c.out += "</div>\n";
  // Sidebar: the other columns and the latest news, as real portal templates have.
  c.out += "<div class=\"side\"><h3>栏目导航</h3><ul>";
  for (size_t i = 0; i < s.columns.size(); ++i) {
    absl::StrAppend(&c.out, "<li", static_cast<int>(i) == column ? " class=\"on\"" : "", "><a href=\"",
                    ListPath(s, static_cast<int>(i), 0), "\">", s.columns[i].name, "</a></li>");
  }
  c.out += "</ul><h3>热点信息</h3><ul>";
  const Column& news = s.columns[0];
  for (size_t k = 0; k < news.items.size() && k < 8; ++k) {
    absl::StrAppend(&c.out, "<li><a href=\"", ArticlePath(s, 0, static_cast<int>(k)), "\">", Esc(Title(s, 0, static_cast<int>(k))),
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
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"", ListPath(s, column, 0), "\">",
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
  switch (s.style) {
    case CmsStyle::kTrs: absl::StrAppend(&c.out, "发布时间：", FormatListDate(it.date, DateFormat::kIsoMinute)); break;
    case CmsStyle::kIntensive: absl::StrAppend(&c.out, "发布日期：", FormatChinese(it.date)); break;
    case CmsStyle::kHashed: absl::StrAppend(&c.out, "发布日期：", FormatIso(it.date), " 00:00"); break;
    case CmsStyle::kJavaAction: absl::StrAppend(&c.out, "信息提供日期：", FormatSlash(it.date)); break;
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
  if (h % 3 == 0) absl::StrAppend(&c.out, "<p style=\"text-align:center\"><img src=\"", ImagePath(s, column, item, 1), "\" alt=\"\"></p>\n");
  std::vector<std::pair<std::string, std::string>> atts;
  if (h % 4 == 0) atts.push_back({AttachmentPath(s, column, item, 1, "pdf"), "附件1.pdf"});
  for (const Injection* in : ins) {
    if (in->kind == InjectKind::kMissingImage) absl::StrAppend(&c.out, "<p><img src=\"", in->path, "\" alt=\"图片\"></p>\n");
    if (in->kind == InjectKind::kMissingAttachment) {
      atts.push_back({in->path, absl::StrCat("附件", atts.size() + 1, in->path.substr(in->path.rfind('.')))});
    }
    if (in->kind == InjectKind::kBrokenLink) {
      absl::StrAppend(&c.out, "<p>相关链接：<a href=\"", in->path, "\">", Esc(in->text), "</a></p>\n");
    }
  }
  if (!atts.empty()) {
    c.out += "<div class=\"attachments\">附件：<ul>";
    for (auto& [href, name] : atts) absl::StrAppend(&c.out, "<li><a href=\"", href, "\">", name, "</a></li>");
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
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"", ListPath(s, column, 0), "\">",
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
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"", ListPath(s, column, 0), "\">",
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
  if (sv.feedback >= 0) {
    const int fc = s.FindColumn(Category::kFeedback);
    absl::StrAppend(&c.out, "<p class=\"feedback\">结果反馈：<a href=\"", ArticlePath(s, fc, sv.feedback), "\">",
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
  absl::StrAppend(&c.out, "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"", ListPath(s, column, 0), "\">",
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
  c.out += "<div class=\"main sitemap\"><h2>网站地图</h2><ul>";
  for (size_t i = 0; i < s.columns.size(); ++i) {
    absl::StrAppend(&c.out, "<li><a href=\"", ListPath(s, static_cast<int>(i), 0), "\">", s.columns[i].name, "</a></li>");
  }
  c.out += "</ul></div>\n";
}

std::string SiteRenderer::RenderHtml(int site, const PageRef& ref, absl::string_view query) const {
  const Site& s = p_.sites[site];
  Ctx c{s, p_.units[s.unit], site, {}, {}};
  switch (ref.type) {
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
          absl::StrAppend(&c.out, "<li><a href=\"", ArticlePath(s, static_cast<int>(i), static_cast<int>(k)), "\">",
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
  auto it = routes.find(pq);
  if (it == routes.end() && s.style != CmsStyle::kJavaAction) it = routes.find(path);
  if (it == routes.end() && path == SearchPath(s)) it = routes.find(path);
  if (it != routes.end()) return Finish(s, RenderHtml(site, it->second, query));
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
