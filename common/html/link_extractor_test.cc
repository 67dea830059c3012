#include "common/html/link_extractor.h"

#include <libxml/tree.h>
#include <gtest/gtest.h>

#include <string>

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

// The crawler parses a page once (DOM) when it also reads it: the links must be the same.
TEST(LinkExtractorTest, DocumentGivesTheSameLinksAsTheStream) {
  const char* const kPages[] = {
      "<html><head><title> 通知公告 </title><base href=\"http://x/\"><link rel=\"stylesheet\" href=\"/s.css\">"
      "<script src=\"/a.js\">var s = '<a href=\"/no\">';</script><style>a{}</style></head><body>"
      "<a href=\"/a.html\">关于  印发\n通知</a><img src=\"/i.png\" alt=\"图\"><a href=\"/p.pdf\"><img src=\"/icon.gif\" alt=\"附件\"></a>"
      "<map><area href=\"/m.html\" alt=\"地图\"></map><iframe src=\"/f.html\"></iframe><frame src=\"/fr.html\">"
      "<embed src=\"/v.swf\"><video><source src=\"/v.mp4\"></video><img data-src=\"/lazy.jpg\">"
      "<a href=\"x.html?a=1&amp;b=2\">amp</a><a href=\"/n\">a<a href=\"/m\">b</a></body></html>",
      "<meta http-equiv=refresh content=\"0; url='/new.html'\"><meta name=robots content=\"noindex,nofollow\">",
      "<div><table><tr><td><p>未闭合 <a href=\"/ok.html\" <b>&nbsp &lt <<>> <script>var x = \"",
      "<ul class=list><li><a href=/a.html>通知一则标题</a><span>2020-06-01<li><a href=/b.html>二</a> 2020-05-01",
      "plain text \xff\xfe not utf-8 <a href=\"/z\">z</a>"};
  for (const char* html : kPages) {
    PageLinks a = ExtractLinks(html);
    HtmlDoc doc = ParseHtmlDocument(html);
    PageLinks b = ExtractLinksFromDocument(doc.get());
    EXPECT_EQ(a.title, b.title) << html;
    EXPECT_EQ(a.base_href, b.base_href) << html;
    EXPECT_EQ(a.nofollow, b.nofollow) << html;
    ASSERT_EQ(a.links.size(), b.links.size()) << html;
    for (size_t i = 0; i < a.links.size(); ++i) {
      EXPECT_EQ(a.links[i].tag, b.links[i].tag) << html;
      EXPECT_EQ(a.links[i].href, b.links[i].href) << html;
      EXPECT_EQ(a.links[i].text, b.links[i].text) << html;
    }
  }
  EXPECT_EQ(ParseHtmlDocument(""), nullptr);
  EXPECT_TRUE(ExtractLinksFromDocument(nullptr).links.empty());
}

// Style sheets and option menus are left out before parsing; scripts, comments and attribute
// values that only look like them are kept as they are, and the rest of the page parses the same.
TEST(LinkExtractorTest, StyleBodiesAndOptionMenusAreLeftOutOfTheParse) {
  const std::string html =
      "<html><head><style type=\"text/css\">.a{color:red} a[href='</x>']{}</style>"
      "<script>var s = '<style>not a style</style>';</script><!-- <style> in a comment -->"
      "<STYLE media=\"a>b\">b{x:1}</Style></head><body title=\"<style>\"><p>正文</p>"
      "<a href=\"/a.html\">一</a><style>.c{}</style><a href=\"/b.html\">二</a>"
      "<select onchange=\"go(this)\"><option value=\"\">友情链接</option><OPTGROUP label=\"x\">"
      "<option value=\"http://a/\">甲</optgroup></select>"
      "<select><option>乙</option><div><a href=\"/c.html\">三</a></div></select></body></html>";
  HtmlDoc doc = ParseHtmlDocument(html);
  ASSERT_NE(doc, nullptr);
  int styles = 0, scripts = 0, selects = 0, options = 0;
  std::string script_text, body_title;
  std::vector<xmlNode*> stack{xmlDocGetRootElement(doc.get())};
  while (!stack.empty()) {
    xmlNode* n = stack.back();
    stack.pop_back();
    for (; n != nullptr; n = n->next) {
      if (n->type != XML_ELEMENT_NODE) continue;
      const std::string name = reinterpret_cast<const char*>(n->name);
      if (name == "style") {
        ++styles;
        EXPECT_EQ(n->children, nullptr);
      }
      if (name == "select") ++selects;
      if (name == "option") ++options;
      if (name == "script") {
        ++scripts;
        xmlChar* c = xmlNodeGetContent(n);
        script_text = reinterpret_cast<const char*>(c);
        xmlFree(c);
      }
      if (name == "body") {
        xmlChar* t = xmlGetProp(n, reinterpret_cast<const xmlChar*>("title"));
        body_title = t != nullptr ? reinterpret_cast<const char*>(t) : "";
        xmlFree(t);
      }
      if (n->children != nullptr) stack.push_back(n->children);
    }
  }
  EXPECT_EQ(styles, 3);
  EXPECT_EQ(selects, 2);
  EXPECT_EQ(options, 1);  // only the second menu, which holds more than options, is parsed
  EXPECT_EQ(scripts, 1);
  EXPECT_EQ(script_text, "var s = '<style>not a style</style>';");
  EXPECT_EQ(body_title, "<style>");
  PageLinks links = ExtractLinksFromDocument(doc.get());
  PageLinks stream = ExtractLinks(html);
  ASSERT_EQ(links.links.size(), 3u);
  EXPECT_EQ(links.links[1].href, "/b.html");
  EXPECT_EQ(links.links[1].text, "二");
  EXPECT_EQ(links.links[2].href, "/c.html");
  ASSERT_EQ(stream.links.size(), 3u);
  EXPECT_EQ(stream.links[0].text, "一");
  // A style element that is never closed is parsed as it is.
  HtmlDoc open = ParseHtmlDocument("<style>a{} <a href=\"/x\">x</a>");
  EXPECT_TRUE(ExtractLinksFromDocument(open.get()).links.empty());
}

}  // namespace
}  // namespace govinspect::common
