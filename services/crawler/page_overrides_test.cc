#include "services/crawler/page_overrides.h"

#include <libxml/HTMLparser.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace govinspect::crawler {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

struct DocDeleter {
  void operator()(xmlDocPtr d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocDeleter>;

// As the crawler parses pages.
Doc Parse(const std::string& html) {
  return Doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), "http://jrj.zs.gov.cn/",
                            "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                HTML_PARSE_NONET | HTML_PARSE_NOBLANKS));
}

// With no options at all: the functions must not depend on them.
Doc ParsePlain(const std::string& html) {
  return Doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", 0));
}

common::v1::SiteOverrides Overrides(const std::string& text) {
  common::v1::SiteOverrides o;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &o)) << text;
  return o;
}

// 政府信息公开 list of a department site: <dl> items, the date in <dd>.
const char kXxgkList[] = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告_中山市金融工作局</title></head>
<body>
<div class="header"><a href="/">首页</a><a href="/xxgk/">信息公开</a><a href="/hdjl/">互动交流</a></div>
<div class="xxgk_list">
  <dl><dt><a href="./202006/t20200618_1234567.html" target="_blank" title="中山市金融工作局关于开展2020年防范非法集资宣传月活动的通知">中山市金融工作局关于开展2020年防范非法集资宣传月活动的通知</a></dt><dd>2020-06-18</dd></dl>
  <dl><dt><a href="./202005/t20200527_1234501.html" target="_blank">关于公布2019年度
      市级财政专项资金   绩效自评结果的公告</a></dt><dd>2020-05-27</dd></dl>
  <dl><dt><a href="http://www.zs.gov.cn/zwgk/tzgg/content/post_1771234.html" title="转发：中山市人民政府办公室关于印发中山市防范和处置非法集资工作方案的通知"><img src="/images/new.gif"></a></dt><dd>2020-04-03</dd></dl>
  <dl><dt>（暂无链接的条目）</dt><dd>2020-03-01</dd></dl>
</div>
<div class="page">共3条 1/1页</div>
<script>var d = "2099-01-01";</script>
</body></html>)";

TEST(SelectListItemsTest, DlListWithDdDates) {
  Doc doc = Parse(kXxgkList);
  ASSERT_NE(doc, nullptr);
  auto items = SelectListItems(doc.get(), "//div[@class='xxgk_list']/dl", "dd");
  ASSERT_THAT(items, IsOk());
  ASSERT_EQ(items->size(), 3u);  // the item without a link is skipped
  EXPECT_EQ((*items)[0].href, "./202006/t20200618_1234567.html");
  EXPECT_EQ((*items)[0].title, "中山市金融工作局关于开展2020年防范非法集资宣传月活动的通知");
  EXPECT_EQ((*items)[0].date_text, "2020-06-18");
  // Whitespace inside the anchor collapsed.
  EXPECT_EQ((*items)[1].title, "关于公布2019年度 市级财政专项资金 绩效自评结果的公告");
  EXPECT_EQ((*items)[1].date_text, "2020-05-27");
  // An image link takes its title attribute.
  EXPECT_EQ((*items)[2].href, "http://www.zs.gov.cn/zwgk/tzgg/content/post_1771234.html");
  EXPECT_EQ((*items)[2].title,
            "转发：中山市人民政府办公室关于印发中山市防范和处置非法集资工作方案的通知");
  EXPECT_EQ((*items)[2].date_text, "2020-04-03");
}

TEST(SelectListItemsTest, WithoutDateXPathTheDateTextIsTheWholeItem) {
  Doc doc = Parse(kXxgkList);
  auto items = SelectListItems(doc.get(), "//div[@class='xxgk_list']/dl", "");
  ASSERT_THAT(items, IsOk());
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[0].date_text,
            "中山市金融工作局关于开展2020年防范非法集资宣传月活动的通知 2020-06-18");
}

TEST(SelectListItemsTest, TheItemMayBeTheLinkAndTheDateAStringExpression) {
  Doc doc = Parse(kXxgkList);
  auto items = SelectListItems(doc.get(), "//div[@class='xxgk_list']//dt/a",
                               "normalize-space(ancestor::dl/dd)");
  ASSERT_THAT(items, IsOk());
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[1].href, "./202005/t20200527_1234501.html");
  EXPECT_EQ((*items)[1].date_text, "2020-05-27");
}

// A table-based list (政策文件), with a header row and the date in the last cell.
const char kTableList[] = R"(<html><body>
<table class="zcwj" width="100%" border="0" cellspacing="0">
  <tr class="title"><th>序号</th><th>文件名称</th><th>发文字号</th><th>成文日期</th></tr>
  <tr><td>1</td><td><a href="/zcwj/content/post_1800001.html">中山市金融工作局关于印发《中山市地方金融风险防控工作指引》的通知</a></td><td>中金融〔2020〕12号</td><td>2020年06月05日</td></tr>
  <tr><td>2</td><td><a href="/zcwj/content/post_1700002.html">关于进一步做好小额贷款公司监管工作的通知</a></td><td>中金融〔2019〕30号</td><td>2019年11月20日</td></tr>
</table></body></html>)";

TEST(SelectListItemsTest, TableBasedList) {
  Doc doc = Parse(kTableList);
  auto items = SelectListItems(doc.get(), "//table[@class='zcwj']//tr", "td[last()]");
  ASSERT_THAT(items, IsOk());
  ASSERT_EQ(items->size(), 2u);  // the header row has no link
  EXPECT_EQ((*items)[0].href, "/zcwj/content/post_1800001.html");
  EXPECT_EQ((*items)[0].title,
            "中山市金融工作局关于印发《中山市地方金融风险防控工作指引》的通知");
  EXPECT_EQ((*items)[0].date_text, "2020年06月05日");
  EXPECT_EQ((*items)[1].date_text, "2019年11月20日");
  // Without date_xpath the cells are separated.
  auto whole = SelectListItems(doc.get(), "//table[@class='zcwj']//tr", "");
  ASSERT_THAT(whole, IsOk());
  EXPECT_EQ((*whole)[1].date_text,
            "2 关于进一步做好小额贷款公司监管工作的通知 中金融〔2019〕30号 2019年11月20日");
}

TEST(SelectListItemsTest, NoMatchIsAnEmptyList) {
  Doc doc = Parse(kTableList);
  auto items = SelectListItems(doc.get(), "//div[@class='xxgk_list']/dl", "dd");
  ASSERT_THAT(items, IsOk());
  EXPECT_THAT(*items, IsEmpty());
}

TEST(SelectListItemsTest, Errors) {
  Doc doc = Parse(kXxgkList);
  EXPECT_THAT(SelectListItems(doc.get(), "//div[@class='xxgk_list'", "dd"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("list_items_xpath")));
  EXPECT_THAT(SelectListItems(doc.get(), "//dl", "dd["),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("date_xpath")));
  EXPECT_THAT(SelectListItems(doc.get(), "//dl[nosuch()]", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Unregistered function")));
  EXPECT_THAT(SelectListItems(doc.get(), "//dl", "$date"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Undefined variable")));
  EXPECT_THAT(SelectListItems(doc.get(), "count(//dl)", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not select nodes")));
  EXPECT_THAT(SelectListItems(nullptr, "//dl", ""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SelectListItemsTest, WorkIsCapped) {
  std::string html = "<html><body><ul class='list'>";
  for (int i = 0; i < 8000; ++i) {
    absl::StrAppend(&html, "<li><a href='/a/", i, ".html'>标题", i, "</a><span>2020-06-18</span></li>");
  }
  html += "</ul></body></html>";
  Doc doc = Parse(html);
  auto items = SelectListItems(doc.get(), "//ul[@class='list']/li", "span");
  ASSERT_THAT(items, IsOk());
  EXPECT_GT(items->size(), 100u);
  EXPECT_LT(items->size(), static_cast<size_t>(kMaxOverrideNodes));
  EXPECT_EQ((*items)[0].date_text, "2020-06-18");
  // An expression that is quadratic in the page's size stops with an error.
  EXPECT_THAT(SelectListItems(doc.get(), "//li[count(//li) > 1]", ""),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

// A 留言 detail page: labels in <td>, written with spaces and full-width spaces.
const char kMessagePage[] = R"(<html><body>
<div class="hdjl_detail">
<table class="xx_table" border="1">
  <tr><td class="label">留 言 标 题：</td><td colspan="3">关于某小区周边P2P平台停业后投资款兑付的咨询</td></tr>
  <tr><td class="label">留 言 时 间：</td><td>2020-05-06 09:15:32</td>
      <td class="label">留言人：</td><td>张**</td></tr>
  <tr><td class="label">留言内容：</td><td colspan="3"><p>本人于2018年在该平台投资，</p><p>请问目前处置进展如何？</p></td></tr>
  <tr><td class="label">答复单位：</td><td colspan="3">中山市金融工作局</td></tr>
  <tr><td class="label">答　复　时　间：</td><td>2020-05-14</td></tr>
  <tr><td class="label">答复内容：</td><td colspan="3"></td></tr>
</table></div></body></html>)";

TEST(SelectFieldsTest, TdLabelsWithSpacesAndFullWidthSpaces) {
  Doc doc = Parse(kMessagePage);
  auto fields = SelectFields(doc.get(), "//td[@class='label']");
  ASSERT_THAT(fields, IsOk());
  EXPECT_THAT(*fields,
              ElementsAre(Pair("留言标题", "关于某小区周边P2P平台停业后投资款兑付的咨询"),
                          Pair("留言时间", "2020-05-06 09:15:32"), Pair("留言人", "张**"),
                          Pair("留言内容", "本人于2018年在该平台投资， 请问目前处置进展如何？"),
                          Pair("答复单位", "中山市金融工作局"), Pair("答复时间", "2020-05-14"),
                          Pair("答复内容", "")));
}

// A message board whose labels are <span class="lab">, values after them in the same parent.
const char kSpanLabels[] = R"(<html><body>
<div class="liuyan">
  <h2>关于小额贷款公司收费标准的咨询</h2>
  <p><span class="lab">留言时间：</span>2020-06-02&nbsp;&nbsp;<span class="lab">办理状态：</span>已办结</p>
  <p><span class="lab">答复单位：</span><span>中山市金融工作局</span></p>
  <p><span class="lab">答复时间：</span><br>2020-06-05</p>
  <p><span class="lab">答复内容：</span>您好！经核实，<b>小额贷款公司</b>收费应按合同约定执行。</p>
  <ul><li class="lab">起止时间：2020-06-01 至 2020-06-30</li>
      <li class="lab">办理材料:</li><li>身份证、申请表</li></ul>
</div></body></html>)";

TEST(SelectFieldsTest, SpanLabelsAndInlineValues) {
  Doc doc = Parse(kSpanLabels);
  auto fields = SelectFields(doc.get(), "//*[@class='lab']");
  ASSERT_THAT(fields, IsOk());
  EXPECT_THAT(*fields, ElementsAre(Pair("留言时间", "2020-06-02"), Pair("办理状态", "已办结"),
                                   Pair("答复单位", "中山市金融工作局"),
                                   Pair("答复时间", "2020-06-05"),
                                   Pair("答复内容", "您好！经核实，小额贷款公司收费应按合同约定执行。"),
                                   Pair("起止时间", "2020-06-01 至 2020-06-30"),
                                   Pair("办理材料", "身份证、申请表")));
}

TEST(SelectFieldsTest, DtDdPairsAndNoMatch) {
  Doc doc = Parse(R"(<dl class="bsznxx"><dt>办理时限</dt><dd>5个工作日</dd>
                     <dt>收费标准：</dt><dd>不收费</dd><dt> </dt><dd>空标签</dd></dl>)");
  auto fields = SelectFields(doc.get(), "//dl[@class='bsznxx']/dt");
  ASSERT_THAT(fields, IsOk());
  EXPECT_THAT(*fields, ElementsAre(Pair("办理时限", "5个工作日"), Pair("收费标准", "不收费")));
  auto none = SelectFields(doc.get(), "//td[@class='label']");
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_THAT(SelectFields(doc.get(), "//td[@class='label'"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("field_label_xpath")));
}

TEST(SelectTextTest, FirstNodeOrStringValue) {
  Doc doc = Parse(R"(<html><body><div class="article">
      <h1>中山市金融工作局2019年工作总结</h1>
      <div class="info"><span>来源：中山市金融工作局</span><span class="time">发布时间：
        2020-01-10&nbsp;10:20</span></div>
      <div class="content"><p>2019年，在市委、市政府的正确领导下……</p></div></div></body></html>)");
  auto t = SelectText(doc.get(), "//div[@class='info']/span[@class='time']");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, "发布时间： 2020-01-10 10:20");
  auto s = SelectText(doc.get(), "substring-after(//span[@class='time'], '：')");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(*s, "2020-01-10 10:20");
  auto none = SelectText(doc.get(), "//span[@class='date']");
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(*none, "");
  EXPECT_THAT(SelectText(doc.get(), "//span[@class="), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SelectTextTest, AnyParserOptions) {
  Doc doc = ParsePlain("<p>发布日期：<span id='d'>2020-06-18</span></p><script>x=1</script>");
  ASSERT_NE(doc, nullptr);
  auto t = SelectText(doc.get(), "//span[@id='d']");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, "2020-06-18");
  auto all = SelectText(doc.get(), "/");
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(*all, "发布日期：2020-06-18");  // no <script> text
}

TEST(FindPageOverrideTest, LongestPrefixWins) {
  auto o = Overrides(R"pb(
    pages { path_prefix: "/" date_xpath: "//span[@class='time']" }
    pages { path_prefix: "/xxgk/" list_items_xpath: "//div[@class='xxgk_list']/dl" }
    pages { path_prefix: "/xxgk/zcwj/" list_items_xpath: "//table[@class='zcwj']//tr" }
    pages { path_prefix: "" list_items_xpath: "//li" }
  )pb");
  ASSERT_NE(FindPageOverride(o, "/xxgk/index.html"), nullptr);
  EXPECT_EQ(FindPageOverride(o, "/xxgk/index.html")->path_prefix(), "/xxgk/");
  EXPECT_EQ(FindPageOverride(o, "/xxgk/zcwj/index_2.html")->path_prefix(), "/xxgk/zcwj/");
  EXPECT_EQ(FindPageOverride(o, "/hdjl/")->path_prefix(), "/");
  EXPECT_EQ(FindPageOverride(o, "/xxgk")->path_prefix(), "/");
  EXPECT_EQ(FindPageOverride(o, "http://jrj.zs.gov.cn/xxgk/zcwj/?page=2#top")->path_prefix(),
            "/xxgk/zcwj/");
  auto q = Overrides(R"pb(pages { path_prefix: "/module/jpage/dataproxy.jsp?columnid=12" })pb");
  EXPECT_NE(FindPageOverride(q, "/module/jpage/dataproxy.jsp?columnid=12&page=2"), nullptr);
  EXPECT_EQ(FindPageOverride(q, "/module/jpage/dataproxy.jsp?columnid=13"), nullptr);
  EXPECT_EQ(FindPageOverride(common::v1::SiteOverrides(), "/"), nullptr);
}

TEST(OverrideCategoryTest, ByNameOrByListUrl) {
  auto o = Overrides(R"pb(
    column_categories { column: "工作总结" category: "planning" }
    column_categories { column: "http://jrj.zs.gov.cn/gzdt/" category: "news" }
    column_categories { column: "/xxgk/tzgg/" category: "notice" }
    column_categories { column: "金融动态" category: "news" }
  )pb");
  EXPECT_EQ(OverrideCategory(o, "工作总结", "http://jrj.zs.gov.cn/gzzj/"), "planning");
  EXPECT_EQ(OverrideCategory(o, " 工作　总结 ", ""), "planning");
  EXPECT_EQ(OverrideCategory(o, "工作动态", "http://jrj.zs.gov.cn/gzdt/"), "news");
  // A URL override compares path and query only.
  EXPECT_EQ(OverrideCategory(o, "通知公告", "https://jrj.zs.gov.cn/xxgk/tzgg/#list"), "notice");
  EXPECT_EQ(OverrideCategory(o, "通知公告", "/xxgk/tzgg/"), "notice");
  EXPECT_EQ(OverrideCategory(o, "通知公告", "/xxgk/tzgg/index_2.html"), std::nullopt);
  // The URL match wins over the name match.
  EXPECT_EQ(OverrideCategory(o, "工作总结", "/xxgk/tzgg/"), "notice");
  EXPECT_EQ(OverrideCategory(o, "工作总", "/x/"), std::nullopt);
  EXPECT_EQ(OverrideCategory(o, "", ""), std::nullopt);
  EXPECT_EQ(OverrideCategory(common::v1::SiteOverrides(), "工作总结", "/"), std::nullopt);
}

}  // namespace
}  // namespace govinspect::crawler
