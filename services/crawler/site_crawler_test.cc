#include "services/crawler/site_crawler.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/loopback_http_server.h"

namespace govinspect::crawler {
namespace {

// A test site on loopback: path → (status, HTML body); HEAD gets the head only.
class LoopbackSite {
 public:
  using Handler = std::function<std::pair<int, std::string>(const std::string& path)>;
  explicit LoopbackSite(Handler h)
      : server_([h = std::move(h)](const std::string& path, const std::string& request) {
          auto [status, body] = h(path);
          return testing::HttpResponse(status, body, "text/html; charset=utf-8", "",
                                       absl::StartsWith(request, "HEAD "));
        }) {}
  std::string address() const { return server_.address(); }
  int requests() const { return server_.requests(); }

 private:
  testing::LoopbackHttpServer server_;
};

TEST(SiteCrawlerTest, ClassifiesTargets) {
  EXPECT_EQ(ClassifyTarget("http://x/a.html", false), TargetKind::kPage);
  EXPECT_EQ(ClassifyTarget("http://x/News_showGkmlNews.action?messagekey=189769", false), TargetKind::kPage);
  EXPECT_EQ(ClassifyTarget("http://x/P020200722.PDF", false), TargetKind::kAttachment);
  EXPECT_EQ(ClassifyTarget("http://x/a.wps", false), TargetKind::kAttachment);
  EXPECT_EQ(ClassifyTarget("http://x/a.ofd", false), TargetKind::kAttachment);
  EXPECT_EQ(ClassifyTarget("http://x/W0.jpg", false), TargetKind::kImage);
  EXPECT_EQ(ClassifyTarget("http://x/img.action?id=1", true), TargetKind::kImage);
  EXPECT_EQ(ClassifyTarget("http://x/s.css", false), TargetKind::kResource);
  EXPECT_EQ(ClassifyTarget("http://x/dir.v2/", false), TargetKind::kPage);
}

TEST(SiteCrawlerTest, TrapGuards) {
  CrawlOptions o;
  EXPECT_TRUE(LooksLikeTrap("http://x/a/b/a/b/a/b/c.html", o));
  EXPECT_FALSE(LooksLikeTrap("http://x/xxgk/tzgg/202007/t20200722_1.html", o));
  EXPECT_TRUE(LooksLikeTrap("http://x/" + std::string(600, 'a'), o));
  EXPECT_EQ(CalendarPattern("/__calendar/2020-06"), "/__calendar/#");
  EXPECT_EQ(CalendarPattern("/cal?year=2020&month=6&view=m"), "/cal?year=#&month=#&view=m&");
  EXPECT_EQ(CalendarPattern("/xxgk/tzgg/202007/t20200722_123456.html"), "");
  EXPECT_EQ(CalendarPattern("/News_showGkmlNews.action?messagekey=189769"), "");
  EXPECT_EQ(CalendarPattern("/site/tpl/2801?organId=6608621"), "");
  EXPECT_EQ(CalendarPattern("/News_list.action?catid=12&pageNum=2"), "");
}

// A whole crawl with page understanding on: the engine thread fetches while the page threads
// decode, parse and read the pages from the bounded queue (more pages than the queue holds, so
// the engine thread waits for them) and hand the links back. One page thread and three give the
// same observation. Run under ThreadSanitizer too (label tsan).
TEST(SiteCrawlerTest, CrawlsASiteWithPageUnderstandingOnPageThreads) {
  constexpr int kArticles = 60;  // per column; 2 columns + home = 123 pages
  auto page = [](const std::string& title, const std::string& body) {
    return absl::StrCat("<html><head><meta charset=\"utf-8\"><title>", title,
                        "</title></head><body>", body, "</body></html>");
  };
  auto nav = [] {
    return std::string(
        "<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li>"
        "<li><a href=\"/tzgg/\">通知公告</a></li><li><a href=\"/ywdt/\">要闻动态</a></li></ul></div>");
  };
  auto list = [](const std::string& column) {
    std::string out = "<ul class=\"list\">";
    for (int i = 0; i < kArticles; ++i) {
      absl::StrAppend(&out, "<li><a href=\"/", column, "/", i, ".html\">关于第", i,
                      "项工作的通知公告内容</a><span>2020-06-", 10 + i % 20, "</span></li>");
    }
    return out + "</ul>";
  };
  LoopbackSite site([&](const std::string& path) -> std::pair<int, std::string> {
    if (path == "/") {
      return {200, page("测试市人民政府", nav() + list("tzgg") +
                                              "<a href=\"/missing.html\">已删除的页面</a>"
                                              "<div class=\"footer\">网站标识码：4420000001</div>")};
    }
    if (path == "/tzgg/" || path == "/ywdt/") {
      return {200, page("栏目", nav() + list(path.substr(1, 4)))};
    }
    if (absl::EndsWith(path, ".html") && path != "/missing.html") {
      return {200, page("文章", nav() + "<div class=\"content\"><p>发布日期：2020-06-18</p><p>"
                                         "为进一步做好政务公开工作，现将有关事项通知如下。</p></div>")};
    }
    return {404, "not found"};
  });

  common::v1::Site s;
  s.set_name("sites/test");
  s.set_unit("units/test");
  s.set_home_url("http://www.test.gov.cn/");
  CrawlOptions o;
  o.engine.fetch.connect_to = site.address();
  o.engine.fetch.timeout = absl::Seconds(20);
  o.engine.per_host_concurrency = 4;
  o.check_external = false;
  o.page_threads = 3;
  common::v1::Observation obs = CrawlSite(s, "2020-06-30", o, nullptr, nullptr);
  o.page_threads = 1;
  common::v1::Observation one = CrawlSite(s, "2020-06-30", o, nullptr, nullptr);
  auto findings = [](const common::v1::Observation& x) {
    std::vector<std::string> out;
    for (const auto& f : x.findings()) {
      out.push_back(absl::StrCat(f.kind(), "|", f.url(), "|", f.source_url(), "|", f.text(), "|",
                                 f.detail(), "|", f.date()));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(findings(obs), findings(one));
  EXPECT_EQ(obs.site().understanding().SerializeAsString(),
            one.site().understanding().SerializeAsString());

  const common::v1::SiteEvidence& ev = obs.site();
  EXPECT_EQ(ev.home().error(), common::v1::FETCH_ERROR_NONE) << ev.home().error_detail();
  EXPECT_EQ(ev.pages_crawled(), 3 + 2 * kArticles);
  EXPECT_FALSE(ev.truncated());
  // Every crawled page was read.
  EXPECT_EQ(ev.understanding().content_pages(), ev.pages_crawled());
  bool missing_reported = false;
  for (const auto& f : obs.findings()) {
    if (f.kind() == "broken_link" && absl::EndsWith(f.url(), "/missing.html")) {
      missing_reported = true;
      EXPECT_EQ(f.detail(), "http_404");
    }
  }
  EXPECT_TRUE(missing_reported);
  bool notice_column = false;
  for (const auto& c : ev.understanding().columns()) {
    if (c.name() == "通知公告") {
      notice_column = true;
      EXPECT_EQ(c.items(), kArticles);
    }
  }
  EXPECT_TRUE(notice_column);
}

// A page with more new links and images than a page may add: the first ones, in the page's
// order, are followed and checked, the rest counted as skipped; links already known from
// another page are not counted against it.
TEST(SiteCrawlerTest, PerPageLimitsOnLinksAndImagesCountTheRest) {
  LoopbackSite site([&](const std::string& path) -> std::pair<int, std::string> {
    if (path == "/") {
      std::string body = "<html><head><meta charset=\"utf-8\"></head><body><a href=\"/big.html\">大页面</a>"
                         "<a href=\"/a/0.html\">第0篇</a>";
      return {200, body + "</body></html>"};
    }
    if (path == "/big.html") {
      std::string body = "<html><head><meta charset=\"utf-8\"></head><body><a href=\"/a/0.html\">第0篇</a>";
      for (int i = 1; i <= 30; ++i) absl::StrAppend(&body, "<a href=\"/a/", i, ".html\">第", i, "篇</a>");
      for (int i = 0; i < 12; ++i) absl::StrAppend(&body, "<img src=\"/img/", i, ".png\">");
      return {200, body + "</body></html>"};
    }
    if (absl::StartsWith(path, "/a/")) return {200, "<html><body><p>正文</p></body></html>"};
    if (absl::StartsWith(path, "/img/")) return {200, "png"};
    return {404, "not found"};
  });
  common::v1::Site s;
  s.set_name("sites/test");
  s.set_home_url("http://www.test.gov.cn/");
  CrawlOptions o;
  o.engine.fetch.connect_to = site.address();
  o.engine.fetch.timeout = absl::Seconds(20);
  o.check_external = false;
  o.understand_pages = false;
  o.max_links_per_page = 10;
  o.max_images_per_page = 5;
  common::v1::Observation obs = CrawlSite(s, "2020-06-30", o, nullptr, nullptr);
  const common::v1::SiteEvidence& ev = obs.site();
  // The home page: 2 links. The big page: /a/0.html known already, then 30 new: 10 taken.
  EXPECT_EQ(ev.links_skipped_page_limit(), 20);
  EXPECT_EQ(ev.images_skipped_page_limit(), 7);
  EXPECT_EQ(ev.pages_crawled(), 1 + 1 + 1 + 10);
}

// No verdict without evidence: a site whose home page was not read (every way it can fail) is
// NOT_ASSESSED with the reason, never ASSESSED with no findings (which would pass it).
TEST(SiteCrawlerTest, UnreadHomePageIsNotAssessedWithTheReason) {
  const std::string big(64 << 10, 'x');
  testing::LoopbackHttpServer server([&big](const std::string& path, const std::string& request) {
    const bool head = absl::StartsWith(request, "HEAD ");
    auto redirect = [head](const std::string& to) {
      return testing::HttpResponse(302, "", "text/html", absl::StrCat("Location: ", to, "\r\n"), head);
    };
    if (path == "/ok/") {
      return testing::HttpResponse(200, "<html><body><a href=\"/ok/a.html\">a</a></body></html>",
                                   "text/html; charset=utf-8", "", head);
    }
    if (path == "/ok/a.html") return testing::HttpResponse(200, "<p>a</p>", "text/html", "", head);
    // The other site's home page (every host name reaches this server).
    if (path == "/") return testing::HttpResponse(200, "<p>elsewhere</p>", "text/html", "", head);
    if (path == "/slow/") {
      std::this_thread::sleep_for(std::chrono::seconds(3));
      return testing::HttpResponse(200, "<p>late</p>", "text/html", "", head);
    }
    if (path == "/big/") return testing::HttpResponse(200, big, "text/html", "", head);
    if (path == "/off/") return redirect("http://elsewhere.example.org/");
    if (path == "/bare/") return redirect("http://www.test.gov.cn/ok/");  // zs.gov.cn → www.zs.gov.cn
    if (path == "/file/") return redirect("file:///etc/passwd");
    if (path == "/loop/") return redirect("/loop/");
    if (path == "/pdf/") return testing::HttpResponse(200, "%PDF-1.4", "application/pdf", "", head);
    if (path == "/empty/") return testing::HttpResponse(200, "", "text/html", "", head);
    if (path == "/reset/") return std::string("RESET");
    if (path == "/error/") return testing::HttpResponse(500, "<p>error</p>", "text/html", "", head);
    return testing::HttpResponse(404, "<p>not found</p>", "text/html", "", head);
  });
  CrawlOptions o;
  o.engine.fetch.connect_to = server.address();
  o.engine.fetch.timeout = absl::Seconds(1);  // only /slow/ waits: 3 s
  o.engine.fetch.max_body_bytes = 4096;
  o.home_attempts = 1;
  o.check_external = false;
  struct Case {
    std::string path;
    std::string reason;  // a part of the not-assessed reason; "" = assessed
  };
  const std::vector<Case> cases = {
      {"/ok/", ""},
      {"/bare/", ""},  // the bare domain sending to its www. name stays on the site
      {"/missing/", "首页无法读取（http_404"},
      {"/slow/", "首页无法读取（timeout"},
      {"/big/", "首页无法读取（body_too_large"},
      {"/off/", "首页跳转到站外（http://elsewhere.example.org/"},
      {"/file/", "首页无法读取（"},
      {"/loop/", "首页无法读取（"},
      {"/pdf/", "首页不是网页（Content-Type: application/pdf"},
      {"/empty/", "首页内容为空"},
      {"/reset/", "首页无法读取（reset"},
      {"/error/", "首页无法读取（http_500"},
  };
  for (const Case& c : cases) {
    common::v1::Site s;
    s.set_name("sites/test");
    s.set_unit("units/test");
    s.set_home_url(absl::StrCat(c.path == "/bare/" ? "http://test.gov.cn" : "http://www.test.gov.cn", c.path));
    common::v1::Observation obs = CrawlSite(s, "2020-06-30", o, nullptr, nullptr);
    if (c.reason.empty()) {
      EXPECT_EQ(obs.status(), common::v1::TARGET_STATUS_ASSESSED)
          << c.path << ": " << obs.not_assessed_reason();
      EXPECT_TRUE(obs.not_assessed_reason().empty()) << c.path;
      continue;
    }
    EXPECT_EQ(obs.status(), common::v1::TARGET_STATUS_NOT_ASSESSED) << c.path;
    EXPECT_TRUE(absl::StartsWith(obs.not_assessed_reason(), c.reason))
        << c.path << ": reason \"" << obs.not_assessed_reason() << "\", want \"" << c.reason << "…\"";
    EXPECT_EQ(obs.site().pages_crawled(), 0) << c.path;
  }
  // A home URL that does not parse is not assessed either.
  common::v1::Site bad;
  bad.set_name("sites/bad");
  bad.set_home_url("htp:/x");
  common::v1::Observation obs = CrawlSite(bad, "2020-06-30", o, nullptr, nullptr);
  EXPECT_EQ(obs.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_TRUE(absl::StartsWith(obs.not_assessed_reason(), "首页网址无效（")) << obs.not_assessed_reason();
}

}  // namespace
}  // namespace govinspect::crawler
