#include "common/url/url.h"

#include <gtest/gtest.h>

namespace govinspect::common {
namespace {

TEST(UrlTest, ResolveAndNormalize) {
  const std::string base = "http://WWW.ZS.gov.cn:80/xxgk/tzgg/index.html";
  EXPECT_EQ(*ResolveUrl(base, "t20200722_1.html"), "http://www.zs.gov.cn/xxgk/tzgg/t20200722_1.html");
  EXPECT_EQ(*ResolveUrl(base, "../a/./b.html#frag"), "http://www.zs.gov.cn/xxgk/a/b.html");
  EXPECT_EQ(*ResolveUrl(base, "//jrj.zs.gov.cn"), "http://jrj.zs.gov.cn/");
  EXPECT_EQ(*ResolveUrl(base, "/News_showGkmlNews.action?messagekey=189769"),
            "http://www.zs.gov.cn/News_showGkmlNews.action?messagekey=189769");
  EXPECT_EQ(*ResolveUrl(base, " /a b.html "), "http://www.zs.gov.cn/a%20b.html");
  EXPECT_EQ(*NormalizeUrl("HTTPS://Example.COM:443"), "https://example.com/");
  EXPECT_EQ(*NormalizeUrl("http://example.com:8080/x?b=2&a=1"), "http://example.com:8080/x?b=2&a=1");
  EXPECT_FALSE(ResolveUrl(base, "ftp://x/y").ok());
  EXPECT_FALSE(NormalizeUrl("not a url").ok());
}

TEST(UrlTest, NonLinks) {
  for (const char* h : {"", "#", "#top", "javascript:window.print();", "JavaScript:void(0)",
                        "mailto:webmaster@zs.gov.cn", "tel:12345", "data:image/png;base64,xx"}) {
    EXPECT_TRUE(IsNonLink(h)) << h;
  }
  EXPECT_FALSE(IsNonLink("/a.html"));
  EXPECT_FALSE(IsNonLink("a.html#x"));
}

TEST(UrlTest, ResolverFastPathAgreesWithCurl) {
  UrlResolver r("http://www.zs.gov.cn/xxgk/index.html");
  for (const char* h : {"/a/b.html", "/site/tpl/2801?organId=6608621", "/", "/a/../b.html",
                        "/x?", "/a#b", "x.html", "/%E4%B8%AD.html"}) {
    auto fast = r.Resolve(h);
    auto slow = ResolveUrl("http://www.zs.gov.cn/xxgk/index.html", h);
    ASSERT_TRUE(fast.ok()) << h;
    EXPECT_EQ(*fast, *slow) << h;
  }
  EXPECT_EQ(UrlHost("http://www.zs.gov.cn:8080/a"), "www.zs.gov.cn");
  EXPECT_EQ(UrlOrigin("http://www.zs.gov.cn:8080/a?x"), "http://www.zs.gov.cn:8080");
  EXPECT_EQ(UrlPathAndQuery("http://www.zs.gov.cn/a?x=1"), "/a?x=1");
  EXPECT_EQ(UrlPathAndQuery("http://www.zs.gov.cn"), "/");
}

}  // namespace
}  // namespace govinspect::common
