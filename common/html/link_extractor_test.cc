#include "common/html/link_extractor.h"

#include <gtest/gtest.h>

namespace govinspect::common {
namespace {

TEST(LinkExtractorTest, CollectsLinksWithAnchorText) {
  PageLinks p = ExtractLinks(
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
      "<title> 通知公告 </title><base href=\"http://x/\"><link rel=\"stylesheet\" href=\"/s.css\">"
      "<script src=\"/a.js\">var s = '<a href=\"/no\">';</script></head><body>"
      "<a href=\"/a.html\" title=\"t\">关于  印发\n通知</a><img src=\"/i.png\" alt=\"图\">"
      "<a href=\"/p.pdf\"><img src=\"/icon.gif\" alt=\"附件\"></a>"
      "<map><area href=\"/m.html\" alt=\"地图\"></map><iframe src=\"/f.html\"></iframe>"
      "<a href=\"javascript:window.print();\">打印</a><a name=\"top\">no href</a>"
      "<a href=\"x.html?a=1&amp;b=2\">amp</a></body></html>");
  EXPECT_EQ(p.title, "通知公告");
  EXPECT_EQ(p.base_href, "http://x/");
  std::vector<std::string> got;
  for (const auto& l : p.links) got.push_back(std::string(LinkTagName(l.tag)) + " " + l.href + " " + l.text);
  std::vector<std::string> want = {"link /s.css ",          "script /a.js ",
                                   "a /a.html 关于 印发 通知", "img /i.png 图",
                                   "a /p.pdf 附件",          "img /icon.gif 附件",
                                   "area /m.html 地图",      "iframe /f.html ",
                                   "a javascript:window.print(); 打印",
                                   "a x.html?a=1&b=2 amp"};
  EXPECT_EQ(got, want);
}

TEST(LinkExtractorTest, SurvivesMalformedMarkup) {
  PageLinks p = ExtractLinks(
      "<div><table><tr><td><p>未闭合 <a href=\"/ok.html\" <b>&nbsp &lt <<>> <script>var x = \"");
  ASSERT_FALSE(p.links.empty());
  EXPECT_EQ(p.links[0].href, "/ok.html");
  EXPECT_TRUE(ExtractLinks("").links.empty());
  PageLinks r = ExtractLinks("<meta http-equiv=refresh content=\"0; url='/new.html'\">");
  ASSERT_EQ(r.links.size(), 1u);
  EXPECT_EQ(r.links[0].href, "/new.html");
}

}  // namespace
}  // namespace govinspect::common
