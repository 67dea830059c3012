#include "common/html/xpath.h"

#include <libxml/HTMLparser.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::HasSubstr;

htmlDocPtr Parse(const std::string& html) {
  return htmlReadMemory(html.data(), static_cast<int>(html.size()), "page.html", "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                            HTML_PARSE_NONET);
}

TEST(XPathTest, CompilesValidExpressions) {
  for (const char* e : {"//div[@class='xxgk_list']//dl", "dd[1]", "string(td[2])",
                        "//span[@class=\"lab\"]", "//table[@id='list']/tr[position()>1]",
                        "//li[contains(., '留言时间')]", "foo()"}) {
    EXPECT_THAT(CompileXPath(e), IsOk()) << e;
  }
}

TEST(XPathTest, ReportsWhyAnExpressionDoesNotCompile) {
  EXPECT_THAT(CompileXPath("//div[@class='x'"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at offset")));
  EXPECT_THAT(CompileXPath("//div[@class='x]"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Unfinished literal")));
  EXPECT_THAT(CompileXPath("//"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CompileXPath("div/"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CompileXPath("$"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CompileXPath(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(CompileXPath(std::string("//a\0b", 5)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NUL")));
  // CSS is not XPath.
  EXPECT_THAT(CompileXPath("div#list > dl"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(XPathTest, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep(100000, '(');
  deep += "1";
  deep += std::string(100000, ')');
  EXPECT_THAT(CompileXPath(deep), StatusIs(absl::StatusCode::kInvalidArgument));
  std::string preds = "//a";
  for (int i = 0; i < 20000; ++i) preds += "[b";
  EXPECT_THAT(CompileXPath(preds), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(XPathTest, EvaluatesAndCapturesErrors) {
  htmlDocPtr doc = Parse("<html><body><ul><li>a</li><li>b</li></ul></body></html>");
  ASSERT_NE(doc, nullptr);
  XPathEvaluator eval(doc, 0);
  auto li = CompileXPath("//li");
  ASSERT_THAT(li, IsOk());
  auto obj = eval.Eval(li->get(), nullptr);
  ASSERT_THAT(obj, IsOk());
  ASSERT_EQ((*obj)->type, XPATH_NODESET);
  EXPECT_EQ(xmlXPathNodeSetGetLength((*obj)->nodesetval), 2);

  auto unknown = CompileXPath("//li[foo()]");
  ASSERT_THAT(unknown, IsOk());
  EXPECT_THAT(eval.Eval(unknown->get(), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Unregistered function")));
  auto prefix = CompileXPath("//x:li");
  ASSERT_THAT(prefix, IsOk());
  EXPECT_THAT(eval.Eval(prefix->get(), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("namespace prefix")));
  // The evaluator still works after an error.
  EXPECT_THAT(eval.Eval(li->get(), nullptr), IsOk());
  xmlFreeDoc(doc);
}

TEST(XPathTest, BoundsTheWork) {
  std::string html = "<html><body>";
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&html, "<p>", i, "</p>");
  html += "</body></html>";
  htmlDocPtr doc = Parse(html);
  ASSERT_NE(doc, nullptr);
  auto quadratic = CompileXPath("//p[count(//p) > 0]");
  ASSERT_THAT(quadratic, IsOk());
  XPathEvaluator bounded(doc, 100000);
  EXPECT_THAT(bounded.Eval(quadratic->get(), nullptr),
              StatusIs(absl::StatusCode::kResourceExhausted));
  auto linear = CompileXPath("//p");
  ASSERT_THAT(linear, IsOk());
  XPathEvaluator enough(doc, 100000);
  EXPECT_THAT(enough.Eval(linear->get(), nullptr), IsOk());
  xmlFreeDoc(doc);
}

}  // namespace
}  // namespace govinspect::common
