// Truth and generated content agree: re-derives truth entries from rendered pages.
#include "tools/simprovince/render.h"

#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/api.h"
#include "tools/simprovince/generate.h"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {
namespace {

class TruthAgreesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GenerateOptions o;
    o.seed = 11;
    o.as_of = *ParseIsoDate("2020-06-30");
    o.profile = Profile::kTiny;
    province_ = new Province(*GenerateProvince(o));
    renderer_ = new SiteRenderer(*province_);
    truth_ = new nlohmann::json(BuildTruth(*province_));
  }
  static void TearDownTestSuite() {
    delete truth_;
    delete renderer_;
    delete province_;
  }
  // Fetches an absolute URL of a site; decodes GBK bodies to UTF-8.
  HttpResponse Get(const std::string& url, std::string* utf8 = nullptr) {
    std::string rest = url.substr(7);
    size_t slash = rest.find('/');
    std::string host = rest.substr(0, slash), path = rest.substr(slash);
    auto it = province_->site_by_host.find(host);
    EXPECT_NE(it, province_->site_by_host.end()) << url;
    HttpResponse r = renderer_->Render(it->second, path);
    if (utf8 != nullptr) {
      *utf8 = r.body;
      const Site& s = province_->sites[it->second];
      if (s.charset != Charset::kUtf8 && r.status == 200 && absl::StartsWith(r.content_type, "text/html")) {
        // Decode with iconv in reverse (GB18030 ⊇ GBK).
        iconv_back(r.body, utf8);
      }
    }
    return r;
  }
  static void iconv_back(const std::string& in, std::string* out);
  static const Site& SiteOf(const std::string& url) {
    std::string rest = url.substr(7);
    return province_->sites[province_->site_by_host.at(rest.substr(0, rest.find('/')))];
  }
  // Resolves an href written on the page at `page` (a site path) to a site path.
  static std::string Resolve(const Site& s, const std::string& page, std::string href) {
    if (absl::StartsWith(href, "http://" + s.host)) href = href.substr(7 + s.host.size());
    if (absl::StartsWith(href, "/")) return href;
    if (absl::StartsWith(href, "?")) return page.substr(0, page.find('?')) + href;
    const std::string page_path = page.substr(0, page.find('?'));
    const std::string base = s.link_style == LinkStyle::kBaseHref ? "/" : page_path.substr(0, page_path.rfind('/') + 1);
    std::vector<std::string> parts = absl::StrSplit(base + href, '/');
    std::vector<std::string> out;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i] == "..") {
        if (!out.empty()) out.pop_back();
      } else if (parts[i] != ".") {
        out.push_back(parts[i]);
      } else if (i + 1 == parts.size()) {
        out.push_back("");
      }
    }
    return "/" + absl::StrJoin(out, "/");
  }
  // Every href="…" of a page (&amp; decoded).
  static std::vector<std::string> Hrefs(const std::string& body) {
    std::vector<std::string> out;
    for (size_t p = body.find("href=\""); p != std::string::npos; p = body.find("href=\"", p + 6)) {
      size_t e = body.find('"', p + 6);
      out.push_back(absl::StrReplaceAll(body.substr(p + 6, e - p - 6), {{"&amp;", "&"}}));
    }
    return out;
  }

  static Province* province_;
  static SiteRenderer* renderer_;
  static nlohmann::json* truth_;
};
Province* TruthAgreesTest::province_ = nullptr;
SiteRenderer* TruthAgreesTest::renderer_ = nullptr;
nlohmann::json* TruthAgreesTest::truth_ = nullptr;

}  // namespace
}  // namespace govinspect::simprovince

#include <iconv.h>

namespace govinspect::simprovince {
namespace {

void TruthAgreesTest::iconv_back(const std::string& in, std::string* out) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  out->assign(in.size() * 2 + 16, '\0');
  char* ip = const_cast<char*>(in.data());
  size_t il = in.size();
  char* op = out->data();
  size_t ol = out->size();
  size_t r = iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  ASSERT_NE(r, static_cast<size_t>(-1)) << "body is not GB18030";
  out->resize(out->size() - ol);
}

TEST_F(TruthAgreesTest, EveryPlantedFindingIsVisibleInThePages) {
  int checked = 0;
  for (const auto& t : (*truth_)["targets"]) {
    if (t["type"] != "site") continue;
    for (const auto& f : t["findings"]) {
      const std::string kind = f["kind"], url = f["url"], src = f["source_url"], text = f["text"], date = f["date"];
      std::string body;
      if (kind == "broken_link" || kind == "missing_image" || kind == "missing_attachment") {
        EXPECT_EQ(Get(url).status, 404) << url;
        Get(src, &body);
        std::string path = url.substr(url.find('/', 7));
        const Site& site = SiteOf(src);
        const std::string href = SiteRenderer::Href(site, src.substr(src.find('/', 7)), path);
        EXPECT_TRUE(absl::StrContains(body, absl::StrCat("\"", href, "\""))) << src << " does not link " << path << " as " << href;
        ++checked;
      } else if (kind == "expression_error" || kind == "sensitive_word" || kind == "abolished_name" ||
                 kind == "privacy_id_number" || kind == "privacy_mobile") {
        EXPECT_EQ(Get(src, &body).status, 200);
        EXPECT_TRUE(absl::StrContains(body, text)) << src << " lacks " << text;
        ++checked;
      } else if (kind == "column_not_updated") {
        EXPECT_EQ(Get(url, &body).status, 200);
        Day d = *ParseIsoDate(date);
        const Site& site = SiteOf(url);
        const Column* col = nullptr;
        int ci = -1;
        for (size_t i = 0; i < site.columns.size(); ++i) {
          if (SiteOrigin(site) + ListPath(site, static_cast<int>(i), 0) == url) col = &site.columns[ci = static_cast<int>(i)];
        }
        ASSERT_NE(col, nullptr) << url;
        if (col->date_format == DateFormat::kNone) {
          // Undated list: the newest date is only in the newest article (or its URL).
          std::string art;
          const std::string art_url = SiteOrigin(site) + ArticlePath(site, ci, 0);
          EXPECT_EQ(Get(art_url, &art).status, 200);
          EXPECT_FALSE(absl::StrContains(body, FormatIso(d))) << url;
          const Ymd y = YmdFromDay(d);
          EXPECT_TRUE(absl::StrContains(art, FormatIso(d)) || absl::StrContains(art, FormatChinese(d)) ||
                      absl::StrContains(art, FormatSlash(d)) || absl::StrContains(art_url, FormatCompact(d)) ||
                      absl::StrContains(art_url, absl::StrCat("/art/", y.year, "/", y.month, "/", y.day, "/")))
              << art_url << " lacks its date " << date;
        } else {
          EXPECT_TRUE(absl::StrContains(body, FormatListDate(d, col->date_format))) << url << " lacks its newest date " << date;
        }
        // Nothing newer than the truth's date on the first list page.
        EXPECT_FALSE(absl::StrContains(body, FormatListDate(d + 1, DateFormat::kIso))) << url;
        ++checked;
      } else if (kind == "blank_column") {
        EXPECT_EQ(Get(url, &body).status, 200);
        EXPECT_FALSE(absl::StrContains(body, "target=\"_blank\" title=")) << url;
        ++checked;
      } else if (kind == "message_unanswered") {
        EXPECT_EQ(Get(url, &body).status, 200);
        EXPECT_TRUE(absl::StrContains(body, "办理中"));
        EXPECT_FALSE(absl::StrContains(body, "答复内容"));
        ++checked;
      } else if (kind == "survey_open_after_end") {
        EXPECT_EQ(Get(url, &body).status, 200);
        EXPECT_TRUE(absl::StrContains(body, "征集状态：进行中"));
        EXPECT_TRUE(absl::StrContains(body, FormatChinese(*ParseIsoDate(date)))) << url;
        ++checked;
      } else if (kind == "survey_no_dates") {
        Get(url, &body);
        EXPECT_FALSE(absl::StrContains(body, "起止时间"));
        ++checked;
      } else if (kind == "service_guide_incomplete") {
        Get(url, &body);
        for (absl::string_view el : absl::StrSplit(std::string(f["detail"]), ',')) {
          EXPECT_FALSE(absl::StrContains(body, absl::StrCat("<th>", el, "</th>"))) << url << " " << el;
        }
        ++checked;
      } else if (kind == "no_viewport") {
        Get(std::string(t["facts"]["home_url"]), &body);
        EXPECT_FALSE(absl::StrContains(body, "name=\"viewport\""));
        ++checked;
      } else if (kind == "no_search") {
        Get(std::string(t["facts"]["home_url"]), &body);
        EXPECT_FALSE(absl::StrContains(body, "name=\"q\""));
        ++checked;
      } else if (kind == "footer_missing_icp") {
        Get(std::string(t["facts"]["home_url"]), &body);
        EXPECT_FALSE(absl::StrContains(body, "ICP备"));
        ++checked;
      }
    }
    for (const auto& f : t["must_not_report"]) {
      std::string body;
      if (f["kind"] == "privacy_id_number") {
        Get(std::string(f["source_url"]), &body);
        EXPECT_TRUE(absl::StrContains(body, std::string(f["text"])));
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40);
}

TEST_F(TruthAgreesTest, CharsetsAreWhatTheTruthSays) {
  int gbk = 0;
  for (const auto& t : (*truth_)["targets"]) {
    if (t["type"] != "site") continue;
    HttpResponse r = Get(std::string(t["facts"]["home_url"]));
    const std::string cs = t["facts"]["charset"];
    if (cs == "utf-8") {
      EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
      EXPECT_TRUE(absl::StrContains(r.body, "<meta charset=\"utf-8\">"));
    } else if (cs == "gbk_header_only") {
      ++gbk;
      EXPECT_EQ(r.content_type, "text/html; charset=GBK");
      EXPECT_FALSE(absl::StrContains(r.body, "charset="));
      std::string utf8;
      iconv_back(r.body, &utf8);
      EXPECT_TRUE(absl::StrContains(utf8, "首页"));
      EXPECT_FALSE(absl::StrContains(r.body, "首页"));  // really not UTF-8
    } else if (cs == "gb2312_meta_only") {
      ++gbk;
      EXPECT_EQ(r.content_type, "text/html");
      EXPECT_TRUE(absl::StrContains(r.body, "charset=gb2312"));
    }
  }
  EXPECT_GE(gbk, 2);
}

TEST_F(TruthAgreesTest, PagesLookReal) {
  const Site& s = province_->sites[0];
  HttpResponse list = renderer_->Render(0, ListPath(s, 0, 0));
  EXPECT_GE(list.body.size(), 30u * 1024);
  EXPECT_LE(list.body.size(), 60u * 1024);
  // Every footer item a site has is on its real home page, as an image link or as the script a
  // browser runs to draw it; a missing one is in none of its forms.
  for (const auto& t : (*truth_)["targets"]) {
    if (t["type"] != "site") continue;
    std::string home;
    EXPECT_EQ(Get(std::string(t["facts"]["real_home_url"]), &home).status, 200);
    const Site& site = SiteOf(t["facts"]["home_url"]);
    for (const char* needle : {"<meta name=\"SiteName\"", "<meta name=\"SiteIDCode\"", "<meta name=\"ColumnName\""}) {
      EXPECT_TRUE(absl::StrContains(home, needle)) << needle;
    }
    std::set<std::string> missing;
    for (const auto& f : t["findings"]) missing.insert(f["kind"].get<std::string>());
    auto has = [&](const char* kind, std::vector<const char*> forms) {
      bool any = false;
      for (const char* f : forms) any = any || absl::StrContains(home, f);
      EXPECT_EQ(any, !missing.count(kind)) << site.id << " " << kind;
    };
    has("footer_missing_site_code", {"网站标识码"});
    has("footer_missing_police", {"公网安备"});
    has("footer_missing_badge", {"alt=\"党政机关\"", "<span id=\"_ideConac\"></span><script", "%3Cspan id='_ideConac'"});
    has("footer_missing_sitemap", {">网站地图</a>", ">站点地图</a>"});
    has("footer_missing_error_report", {">我为政府网站找错</a>", "<script id=\"_jiucuo_\"", "id:'_jiucuo_'"});
    has("footer_missing_sponsor", {"主办单位："});
  }
  EXPECT_EQ(renderer_->Render(1, ArticlePath(province_->sites[1], 0, 0)).status, 200);
  EXPECT_EQ(renderer_->Render(0, "/no/such/page.html").status, 404);
  EXPECT_EQ(renderer_->Render(0, "/images/logo.png").content_type, "image/png");
}

TEST_F(TruthAgreesTest, TinyHasEveryFamilyAndEveryListForm) {
  std::set<std::string> families, formats, places, homes, links, article_dates, badges, jiucuos, blanks;
  bool script_pager = false, tree = false, sections = false, merged = false, via12345 = false, via_province = false,
       complaint_only = false, zhandian = false;
  for (const auto& t : (*truth_)["targets"]) {
    if (t["type"] != "site") continue;
    const auto& f = t["facts"];
    families.insert(f["cms_family"].get<std::string>());
    homes.insert(f["home_kind"].get<std::string>());
    links.insert(f["link_style"].get<std::string>());
    article_dates.insert(f["article_date"].get<std::string>());
    badges.insert(f["footer_badge"].get<std::string>());
    jiucuos.insert(f["footer_error_report"].get<std::string>());
    tree = tree || f["catalogue_tree"].get<bool>();
    sections = sections || f["nav_sections"].get<bool>();
    merged = merged || f["survey_feedback_in_survey_column"].get<bool>();
    via12345 = via12345 || f["consultation"] == "city_12345";
    complaint_only = complaint_only || f["consultation"] == "complaint_mailbox_only";
    via_province = via_province || f["service"] == "province_service_portal";
    zhandian = zhandian || f["sitemap_name"] == "站点地图";
    for (const auto& c : f["columns"]) {
      formats.insert(c["list_dates"].get<std::string>());
      places.insert(c["date_place"].get<std::string>());
      script_pager = script_pager || (c["script_pager_only"].get<bool>() && c["pages"].get<int>() > 1);
      if (c["blank"] != "none") blanks.insert(c["blank"].get<std::string>());
    }
  }
  EXPECT_EQ(families.size(), 6u);
  EXPECT_EQ(homes.size(), 4u);
  EXPECT_EQ(links.size(), 3u);
  EXPECT_EQ(article_dates.size(), 4u);
  EXPECT_EQ(badges.size(), 3u);
  EXPECT_EQ(jiucuos.size(), 4u);
  EXPECT_EQ(places.size(), 4u);
  for (const char* f : {"iso", "chinese", "month_day", "dot", "undated"}) EXPECT_TRUE(formats.count(f)) << f;
  EXPECT_GE(blanks.size(), 2u);
  EXPECT_TRUE(script_pager);
  EXPECT_TRUE(tree);
  EXPECT_TRUE(sections);
  EXPECT_TRUE(merged);
  EXPECT_TRUE(via12345);
  EXPECT_TRUE(via_province);
  EXPECT_TRUE(complaint_only);
  EXPECT_TRUE(zhandian);
}

TEST_F(TruthAgreesTest, HanwebDataProxyAnswersTheRecordsAsked) {
  const Site& s = province_->sites[0];
  ASSERT_EQ(s.style, CmsStyle::kHanweb);
  const Column& news = s.columns[0];
  ASSERT_GT(news.items.size(), 16u);
  // The list page carries the first 15 records in a <script type="text/xml"> datastore.
  std::string list = renderer_->Render(0, ListPath(s, 0, 0)).body;
  EXPECT_TRUE(absl::StrContains(list, "<script type=\"text/xml\"><datastore>"));
  EXPECT_TRUE(absl::StrContains(list, ArticlePath(s, 0, 14)));
  EXPECT_FALSE(absl::StrContains(list, "\"" + ArticlePath(s, 0, 15) + "\""));
  EXPECT_TRUE(absl::StrContains(list, absl::StrCat("totalRecord:", news.items.size())));
  EXPECT_FALSE(absl::StrContains(list, "下一页"));
  // startrecord/endrecord are 1-based and inclusive; the form fields may come in any order.
  HttpResponse r = renderer_->Render(0, absl::StrCat(kHanwebDataproxyPath, "?startrecord=16&endrecord=30&perpage=15&col=1&appid=1&webid=2",
                                                      "&path=/&columnid=", news.column_id, "&unitid=4321&webname=x&permissiontype=0"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
  EXPECT_TRUE(absl::StrContains(r.body, absl::StrCat("<totalrecord>", news.items.size(), "</totalrecord>")));
  const size_t want = std::min<size_t>(15, news.items.size() - 15);
  size_t records = 0;
  for (size_t p = r.body.find("<record>"); p != std::string::npos; p = r.body.find("<record>", p + 1)) ++records;
  EXPECT_EQ(records, want);
  EXPECT_TRUE(absl::StrContains(r.body, "\"" + ArticlePath(s, 0, 15) + "\""));
  EXPECT_TRUE(absl::StrContains(r.body, "\"" + ArticlePath(s, 0, static_cast<int>(14 + want)) + "\""));
  EXPECT_FALSE(absl::StrContains(r.body, "\"" + ArticlePath(s, 0, 14) + "\""));
  if (news.items.size() > 15 + want) {
    EXPECT_FALSE(absl::StrContains(r.body, "\"" + ArticlePath(s, 0, static_cast<int>(15 + want)) + "\""));
  }
  // page=N without startrecord: the same records.
  HttpResponse byPage = renderer_->Render(0, absl::StrCat(kHanwebDataproxyPath, "?page=2&perpage=15&columnid=", news.column_id));
  EXPECT_EQ(byPage.body, r.body);
  // An unknown column answers an empty recordset; so does a blank one.
  HttpResponse none = renderer_->Render(0, absl::StrCat(kHanwebDataproxyPath, "?startrecord=1&endrecord=15&columnid=7"));
  EXPECT_TRUE(absl::StrContains(none.body, "<totalrecord>0</totalrecord>"));
  EXPECT_FALSE(absl::StrContains(none.body, "<record>"));
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (s.columns[i].blank == BlankKind::kNone) continue;
    std::string blank = renderer_->Render(0, ListPath(s, static_cast<int>(i), 0)).body;
    EXPECT_TRUE(absl::StrContains(blank, "<recordset>\n</recordset>")) << s.columns[i].name;
  }
}

TEST_F(TruthAgreesTest, TrsScriptOnlyPaginationAndForwardingHomes) {
  const Site& s = province_->sites[1];
  ASSERT_EQ(s.style, CmsStyle::kTrs);
  int checked = 0;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const Column& c = s.columns[i];
    const int pages = ListPageCount(s, static_cast<int>(i));
    if (!c.script_pager_only || pages < 2) continue;
    const std::string body = renderer_->Render(1, ListPath(s, static_cast<int>(i), 0)).body;
    EXPECT_TRUE(absl::StrContains(body, absl::StrCat("createPageHTML(", pages, ", 0, \"index\", \"html\")")) ||
                absl::StrContains(body, absl::StrCat("var countPage = ", pages, ";var currentPage = 0;")));
    const std::string next = SiteRenderer::Href(s, ListPath(s, static_cast<int>(i), 0), ListPath(s, static_cast<int>(i), 1));
    EXPECT_FALSE(absl::StrContains(body, "\"" + next + "\"")) << "an anchor to " << next;
    EXPECT_TRUE(absl::EndsWith(ListPath(s, static_cast<int>(i), 1), "/index_1.html"));
    EXPECT_EQ(renderer_->Render(1, ListPath(s, static_cast<int>(i), 1)).status, 200);
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // "/" of the TRS site is a meta refresh to /index_1.html; the 302 home answers a Location.
  const std::string home = renderer_->Render(1, "/").body;
  EXPECT_TRUE(absl::StrContains(home, "http-equiv=\"refresh\" content=\"0;url="));
  EXPECT_FALSE(absl::StrContains(home, "<div class=\"footer\">"));
  EXPECT_EQ(renderer_->Render(1, "/index_1.html").status, 200);
  HttpResponse r302 = renderer_->Render(5, "/");
  EXPECT_EQ(r302.status, 302);
  ASSERT_EQ(r302.headers.size(), 1u);
  EXPECT_EQ(r302.headers[0].second, province_->sites[5].real_home_path);
  EXPECT_TRUE(absl::StrContains(renderer_->Render(0, "/").body, "location"));
}

TEST_F(TruthAgreesTest, EveryLinkResolvesInEveryLinkStyle) {
  // Relative ("../"), <base href> and query-only hrefs all lead to pages that exist (planted
  // broken links, images and attachments excepted): the tiny sites and every city site.
  std::vector<std::unique_ptr<Province>> provinces;
  for (auto [profile, seed] : {std::pair{Profile::kTiny, 1}, std::pair{Profile::kCity, 3}}) {
    GenerateOptions o;
    o.seed = static_cast<uint64_t>(seed);
    o.as_of = *ParseIsoDate("2020-06-30");
    o.profile = profile;
    provinces.push_back(std::make_unique<Province>(*GenerateProvince(o)));
  }
  std::set<int> styles;
  const std::vector<const Province*> all = {province_, provinces[0].get(), provinces[1].get()};
  for (const Province* pr : all) {
    const SiteRenderer own(*pr);
    const SiteRenderer& rr = pr == province_ ? *renderer_ : own;
    for (size_t si = 0; si < pr->sites.size(); ++si) {
      const Site& s = pr->sites[si];
      styles.insert(static_cast<int>(s.link_style));
      std::set<std::string> broken;
      for (const Injection& in : s.injections) broken.insert(in.path);
      std::vector<std::string> pages = {s.home_kind != HomeKind::kDirect ? s.real_home_path : "/"};
      if (s.catalogue_tree) pages.push_back(CatalogueTreePath(s));
      for (size_t c = 0; c < s.columns.size(); ++c) {
        if (s.columns[c].merged) continue;
        for (int pg = 0; pg < std::min(2, ListPageCount(s, static_cast<int>(c))); ++pg) {
          if (ListPageHasHtml(s, pg)) pages.push_back(ListPath(s, static_cast<int>(c), pg));
        }
        if (!s.columns[c].items.empty()) pages.push_back(ArticlePath(s, static_cast<int>(c), 0));
      }
      int links = 0;
      for (const std::string& page : pages) {
        HttpResponse r = rr.Render(static_cast<int>(si), page);
        ASSERT_EQ(r.status, 200) << s.id << " " << page;
        std::string body;
        if (s.charset == Charset::kUtf8) body = r.body;
        else iconv_back(r.body, &body);
        for (const std::string& href : Hrefs(body)) {
          if (absl::StartsWith(href, "http://") && !absl::StartsWith(href, "http://" + s.host + "/")) continue;
          if (absl::StartsWith(href, "mailto:") || absl::StartsWith(href, "javascript:") || absl::StartsWith(href, "#")) continue;
          const std::string path = Resolve(s, page, href);
          if (broken.count(path)) continue;
          EXPECT_LT(rr.Render(static_cast<int>(si), path).status, 400) << s.id << " " << page << " links " << href << " -> " << path;
          ++links;
        }
      }
      EXPECT_GT(links, 20) << s.id;
    }
  }
  EXPECT_EQ(styles.size(), 3u);
}

TEST_F(TruthAgreesTest, HeavyPagesWeighWhatRealPagesWeighAndLinkTheSame) {
  // The heavy pages of every tiny site: 30–80 KB of HTML on average, in the site's charset,
  // with the same status, the same links within the site and no other site's pages but the
  // stub hosts' home pages (no broken links, no new pages).
  const SiteRenderer heavy(*province_, PageWeight::kHeavy);
  for (size_t si = 0; si < province_->sites.size(); ++si) {
    const Site& s = province_->sites[si];
    size_t pages = 0, bytes = 0;
    for (const std::string& path : renderer_->Paths(static_cast<int>(si))) {
      const HttpResponse light = renderer_->Render(static_cast<int>(si), path);
      const HttpResponse h = heavy.Render(static_cast<int>(si), path);
      ASSERT_EQ(h.status, light.status) << s.id << " " << path;
      ASSERT_EQ(h.content_type, light.content_type) << s.id << " " << path;
      if (light.status != 200 || light.body.find("<body>") == std::string::npos) continue;
      std::string lb = light.body, hb = h.body;
      if (s.charset != Charset::kUtf8) {
        iconv_back(light.body, &lb);
        iconv_back(h.body, &hb);
        EXPECT_FALSE(absl::StrContains(h.body, "欢迎访问本网站")) << s.id << " " << path << ": not converted";
      }
      // Pages that only forward "/" to the real home page stay as they are.
      EXPECT_EQ(absl::StrContains(hb, "hm.baidu.com"), absl::StrContains(lb, "class=\"footer\"")) << s.id << " " << path;
      ++pages;
      bytes += h.body.size();
      std::set<std::string> light_links, heavy_links;
      // A link as a site path (the site's own pages) or as written (other sites, non-links).
      auto key = [&](const std::string& href) {
        const bool own = !absl::StartsWith(href, "http") || absl::StartsWith(href, "http://" + s.host + "/");
        const bool non_link = absl::StartsWith(href, "javascript:") || absl::StartsWith(href, "mailto:") || href[0] == '#';
        return own && !non_link ? Resolve(s, path, href) : href;
      };
      for (const std::string& href : Hrefs(lb)) light_links.insert(key(href));
      for (const std::string& href : Hrefs(hb)) {
        const std::string link = key(href);
        heavy_links.insert(link);
        if (absl::StartsWith(href, "javascript:") || href == "#") continue;
        if (light_links.count(link)) continue;
        const std::string host = absl::StartsWith(href, "http://") ? href.substr(7, href.find('/', 7) - 7) : "";
        EXPECT_TRUE(SiteRenderer::IsStubHost(host) && href == "http://" + host + "/")
            << s.id << " " << path << " links " << href << " only when heavy";
      }
      for (const std::string& link : light_links) {
        EXPECT_TRUE(heavy_links.count(link)) << s.id << " " << path << " lost " << link;
      }
    }
    ASSERT_GT(pages, 0u) << s.id;
    const size_t avg = bytes / pages;
    EXPECT_GE(avg, 30u * 1024) << s.id;
    EXPECT_LE(avg, 80u * 1024) << s.id;
  }
}

}  // namespace
}  // namespace govinspect::simprovince
