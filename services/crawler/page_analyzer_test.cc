// Page facts from real-looking fragments of Chinese government pages.
#include "services/crawler/page_analyzer.h"

#include <iconv.h>

#include "common/charset/charset.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::crawler {
namespace {

using absl::CivilDay;
using testing::ElementsAre;

PageFacts Analyze(const std::string& html, const std::string& url = "http://www.zs.gov.cn/xxgk/tzgg/index.html") {
  PageContext c;
  c.url = url;
  c.as_of = CivilDay(2020, 6, 30);
  return AnalyzePage(html, c);
}

std::string Page(const std::string& body, const std::string& head = "") {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + head + "</head><body>" + body + "</body></html>";
}

TEST(PageAnalyzerTest, UlListWithIsoDatesAndPagination) {
  PageFacts f = Analyze(Page(
      "<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/xxgk/tzgg/\">通知公告</a></li></ul></div>"
      "<ul class=\"list\">"
      "<li><a href=\"./202006/t20200618_1.html\" title=\"关于做好2020年防汛工作的通知\">关于做好2020年防汛工作的通知</a>"
      "<span class=\"date\">2020-06-18</span></li>"
      "<li><a href=\"./202005/t20200502_2.html\">关于开展安全生产月活动的通知</a><span>2020-05-02</span></li>"
      "</ul><div class=\"page\">共2条记录 第1/2页 <a href=\"index_1.html\">下一页</a> <a href=\"index_1.html\">尾页</a></div>"));
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].url, "http://www.zs.gov.cn/xxgk/tzgg/202006/t20200618_1.html");
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 18));
  EXPECT_EQ(f.items[1].date, CivilDay(2020, 5, 2));
  EXPECT_EQ(f.dated_items, 2);
  EXPECT_THAT(f.pagination, ElementsAre("http://www.zs.gov.cn/xxgk/tzgg/index_1.html",
                                        "http://www.zs.gov.cn/xxgk/tzgg/index_1.html"));
  EXPECT_TRUE(f.blank.empty());
  EXPECT_FALSE(f.publish_date);
}

TEST(PageAnalyzerTest, TableListWithChineseDatesAndStatus) {
  PageFacts f = Analyze(Page(
      "<table class=\"list-table\" width=\"100%\"><tr><th>标题</th><th>日期</th></tr>"
      "<tr><td class=\"title\"><a href=\"/hdjl/zxts/content/post_101.html\">关于小区停车位收费的咨询</a>"
      " <span class=\"status\">已答复</span></td><td class=\"time\">2020年6月2日</td></tr>"
      "<tr><td class=\"title\"><a href=\"/hdjl/zxts/content/post_100.html\">咨询社保卡补办</a>"
      " <span class=\"status\">办理中</span></td><td class=\"time\">2020年1月12日</td></tr></table>"));
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 2));
  EXPECT_EQ(f.items[0].status, "已答复");
  EXPECT_EQ(f.items[1].status, "办理中");
}

TEST(PageAnalyzerTest, BracketDatesWithoutYear) {
  PageFacts f = Analyze(Page(
      "<div class=\"news-list\">"
      "<div class=\"row\"><div class=\"col-title\"><a href=\"/202006/abc.htm\">镇街动态一</a></div><div class=\"col-date\">[06-18]</div></div>"
      "<div class=\"row\"><div class=\"col-title\"><a href=\"/201912/def.htm\">镇街动态二</a></div><div class=\"col-date\">[12-03]</div></div>"
      "</div>"));
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 18));
  EXPECT_TRUE(f.items[0].year_implied);
  EXPECT_EQ(f.items[1].date, CivilDay(2019, 12, 3));  // after the as_of month-day: the year before
}

TEST(PageAnalyzerTest, SurveyRangesGiveStartAndEnd) {
  PageFacts f = Analyze(Page(
      "<ul class=\"list\"><li><a href=\"/hdjl/dczj/1.html\">关于《中山市养犬管理规定（草案）》公开征求意见</a><em>已结束</em>"
      "<span class=\"date\">2020-03-01 至 2020-03-31</span></li></ul>"));
  ASSERT_EQ(f.items.size(), 1u);
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 3, 1));
  EXPECT_EQ(f.items[0].end_date, CivilDay(2020, 3, 31));
  EXPECT_EQ(f.items[0].status, "已结束");
}

TEST(PageAnalyzerTest, BlankColumns) {
  EXPECT_EQ(Analyze(Page("<h2>人事信息</h2><ul class=\"list\"><li class=\"no-data\">暂无信息</li></ul>")).blank,
            "no_info_text");
  EXPECT_EQ(Analyze(Page("<table class=\"list-table\"><tr><td>暂无信息</td></tr></table>")).blank, "no_info_text");
  EXPECT_EQ(Analyze(Page("<ul class=\"list\"></ul>\n<div class=\"page\">共0条记录 共1页</div>")).blank, "zero_items");
  EXPECT_EQ(Analyze(Page("<h2>财政资金</h2><div class=\"news-list\"></div>")).blank, "empty_container");
  EXPECT_EQ(Analyze(Page("<ul class=\"list\"><li><a href=\"/a.html\">一条通知的标题</a><span>2020-06-01</span></li></ul>")).blank,
            "");
}

TEST(PageAnalyzerTest, FooterOfLinksIsNotAList) {
  // Titled links to the ICP and police record sites are not the site's own list.
  PageFacts f = Analyze(Page(
      "<div class=\"footer\"><p>主办单位：中山市林业局</p>"
      "<p>网站标识码：4420000033　<a href=\"http://beian.miit.gov.cn/\">粤ICP备05070829号-8</a>"
      "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44200002000321\">粤公网安备 44200002000321号</a></p>"
      "<p><a href=\"mailto:a@b.cn\">联系我们</a> | <a href=\"http://pucha.kaipuyun.cn/exposure/jiucuo.html?site_code=4420000033\">我为政府网站找错</a></p>"
      "<p><a href=\"http://bszs.conac.cn/sitename?id=1\"><img src=\"/red.png\" alt=\"党政机关\"></a></p></div>"));
  EXPECT_TRUE(f.items.empty());
  EXPECT_EQ(f.footer_site_code, "4420000033");
  for (int i : {kFooterSiteCode, kFooterIcp, kFooterPolice, kFooterBadge, kFooterSponsor, kFooterErrorReport}) {
    EXPECT_TRUE(f.footer_items & (1u << i)) << FooterItemId(i);
  }
  EXPECT_FALSE(f.footer_items & (1u << kFooterSitemap));
}

TEST(PageAnalyzerTest, MetaSearchAndViewport) {
  PageFacts f = Analyze(Page(
      "<form class=\"search\" action=\"/search.html\" method=\"get\"><input type=\"text\" name=\"q\"><button>搜索</button></form>",
      "<meta name=\"viewport\" content=\"width=device-width\"><meta name=\"SiteIDCode\" content=\"4420000001\">"
      "<meta name=\"ColumnName\" content=\"通知公告\"><meta name=\"PubDate\" content=\"2020-06-18 09:30\">"));
  EXPECT_TRUE(f.viewport);
  EXPECT_TRUE(f.search);
  EXPECT_FALSE(f.input_form);
  EXPECT_EQ(f.meta_site_code, "4420000001");
  EXPECT_EQ(f.meta_column_name, "通知公告");
  EXPECT_EQ(f.publish_date, CivilDay(2020, 6, 18));
  PageFacts none = Analyze(Page("<form action=\"/hdjl/submit\"><textarea name=\"opinion\"></textarea><button>提交意见</button></form>"));
  EXPECT_FALSE(none.viewport);
  EXPECT_FALSE(none.search);
  EXPECT_TRUE(none.input_form);
}

TEST(PageAnalyzerTest, MessageFieldsInTheThreeLayouts) {
  const char* const kPages[] = {
      "<table class=\"msg\"><tr><th>留 言 时 间</th><td>2020-03-02 09:12</td></tr><tr><th>答复单位</th><td>中山市交通运输局</td></tr>"
      "<tr><th>答复时间</th><td>2020-03-12</td></tr><tr><th>答复内容</th><td>您好！您反映的问题已收悉。</td></tr></table>",
      "<dl class=\"msg\"><dt>留言时间：</dt><dd>2020-03-02 09:12</dd><dt>回复部门：</dt><dd>中山市交通运输局</dd>"
      "<dt>回复时间：</dt><dd>2020-03-12</dd><dt>答复内容：</dt><dd>您好！您反映的问题已收悉。</dd></dl>",
      "<div class=\"msg\"><p><strong>留言时间：</strong>2020-03-02 09:12</p><p><strong>答复单位：</strong>中山市交通运输局</p>"
      "<p><strong>答复时间：</strong>2020-03-12</p><p><strong>答复内容：</strong>您好！您反映的问题已收悉。</p></div>"};
  for (const char* body : kPages) {
    PageFacts f = Analyze(Page(body));
    ASSERT_NE(f.Field("留言时间"), nullptr) << body;
    EXPECT_EQ(*f.Field("留言时间"), "2020-03-02 09:12");
    ASSERT_NE(f.Field("答复单位"), nullptr) << body;
    EXPECT_EQ(*f.Field("答复单位"), "中山市交通运输局");
    ASSERT_NE(f.Field("答复时间"), nullptr) << body;
    EXPECT_EQ(*f.Field("答复时间"), "2020-03-12");
    ASSERT_NE(f.Field("答复内容"), nullptr) << body;
  }
}

TEST(PageAnalyzerTest, OpenGovernmentHeaderGivesDocumentAndPublishDates) {
  PageFacts f = Analyze(Page(
      "<table class=\"xxgk-head\"><tr><td class=\"label\">索 引 号：</td><td>442000/2020-00012</td>"
      "<td class=\"label\">分　　类：</td><td>征集结果反馈</td></tr>"
      "<tr><td class=\"label\">发布机构：</td><td>中山市民政局</td><td class=\"label\">成文日期：</td><td>2020年5月20日</td></tr>"
      "<tr><td class=\"label\">文　　号：</td><td>中山民〔2020〕3号</td><td class=\"label\">发布日期：</td><td>2020年5月18日</td></tr>"
      "</table><h1>关于养犬管理规定征求意见结果的反馈</h1>"));
  EXPECT_EQ(f.document_date, CivilDay(2020, 5, 20));
  EXPECT_EQ(f.publish_date, CivilDay(2020, 5, 18));
}

TEST(PageAnalyzerTest, InlinePublishDateAndSurveyPage) {
  PageFacts f = Analyze(Page(
      "<h1 class=\"title\">关于公开征求意见的公告</h1><div class=\"info\">发布日期：2020-03-01</div>"
      "<p class=\"period\">起止时间：2020年3月1日至2020年3月31日</p><p class=\"status\">征集状态：已结束</p>"
      "<p class=\"feedback\">结果反馈：<a href=\"/hdjl/zjfk/2.html\">关于养犬管理规定征求意见结果的反馈</a></p>"));
  EXPECT_EQ(f.publish_date, CivilDay(2020, 3, 1));
  ASSERT_NE(f.Field("起止时间"), nullptr);
  EXPECT_EQ(*f.Field("起止时间"), "2020年3月1日至2020年3月31日");
  EXPECT_EQ(*f.Field("征集状态"), "已结束");
  EXPECT_THAT(f.feedback_links, ElementsAre("http://www.zs.gov.cn/hdjl/zjfk/2.html"));
  PageFacts trs = Analyze(Page("<div class=\"info\">发布时间：2020-06-18 08:30　来源：市林业局　浏览次数：120</div>"));
  EXPECT_EQ(trs.publish_date, CivilDay(2020, 6, 18));
}

TEST(PageAnalyzerTest, ServiceGuideElements) {
  PageFacts f = Analyze(Page(
      "<table class=\"guide\"><tr><th>事项名称</th><td>食品经营许可</td></tr><tr><th>设定依据</th><td>《食品经营许可管理办法》第3条</td></tr>"
      "<tr><th>申请材料</th><td>1.申请表</td></tr><tr><th>咨询电话</th><td>0760-88001234</td></tr></table>"));
  EXPECT_NE(f.Field("事项名称"), nullptr);
  EXPECT_NE(f.Field("设定依据"), nullptr);
  EXPECT_NE(f.Field("办理材料"), nullptr);  // 申请材料 is a synonym
  EXPECT_NE(f.Field("联系电话"), nullptr);
  EXPECT_EQ(f.Field("办理流程"), nullptr);
}

TEST(PageAnalyzerTest, StatisticsAndNewestYear) {
  PageFacts f = Analyze(Page(
      "<div class=\"content stats\"><h3>2020年5月网民留言办理情况统计</h3><p>截至2020年6月30日，共收到网民留言3059条，"
      "已答复3055条，处理答复率99.87%。</p></div>"));
  EXPECT_TRUE(f.message_statistics);
  PageFacts p = Analyze(Page("<div class=\"content profile\"><p>截至2018年底，常住人口33.5万人。2018年实现地区生产总值"
                             "120.3亿元。1992年建区。</p><p class=\"update\">（数据更新至2018年）</p></div>"));
  EXPECT_EQ(p.newest_year, 2018);
  EXPECT_FALSE(p.message_statistics);
}

// GBK pages are decoded to UTF-8 first (common/charset), then read the same way.
TEST(PageAnalyzerTest, GbkPageAfterDecoding) {
  const std::string utf8 =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>"
      "<ul class=\"list\"><li><a href=\"/zwgk/1.html\">关于做好防汛工作的通知</a><span>2020年06月18日</span></li>"
      "<li><a href=\"/zwgk/2.html\">关于开展安全生产月活动的通知</a><span>2020年05月02日</span></li></ul>"
      "<p>网站标识码：4420000047</p></body></html>";
  iconv_t cd = iconv_open("GBK", "UTF-8");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string gbk(utf8.size() * 2, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = gbk.size();
  char* out = gbk.data();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  gbk.resize(gbk.size() - out_left);
  common::DecodedText text = common::DecodeToUtf8(gbk, "text/html");
  EXPECT_EQ(text.charset, "GB18030");
  PageFacts f = Analyze(text.utf8);
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 18));
  EXPECT_EQ(f.footer_site_code, "4420000047");
}

TEST(PageAnalyzerTest, MalformedMarkupIsRecovered) {
  PageFacts f = Analyze("<ul class=list><li><a href=/a.html>通知一则标题</a><span>2020-06-01<li><a href=/b.html>通知二则标题</a> 2020-05-01");
  // libxml2 nests the unclosed second <li> inside the <span>; both items are still seen.
  EXPECT_GE(f.dated_items, 1);
  EXPECT_EQ(f.all_dated_items.size(), 2u);
  EXPECT_TRUE(Analyze("").items.empty());
  EXPECT_TRUE(Analyze("\xff\xfe\x00<<<>>>").items.empty());
}

TEST(PageAnalyzerTest, LabelsAreNormalised) {
  EXPECT_EQ(NormalizeLabel("留 言 时 间："), "留言时间");
  EXPECT_EQ(NormalizeLabel("分\xe3\x80\x80\xe3\x80\x80类:"), "分类");
}

TEST(PageAnalyzerTest, HanwebDatastoreListAndPagingEndpoint) {
  PageFacts f = Analyze(
      Page("<div id=\"3981254\"><script type=\"text/xml\"><datastore><recordset>"
           "<record><![CDATA[<li><a href=\"/art/2020/6/1/art_1229214366_123.html\">关于做好2020年防汛工作的通知</a>"
           "<span class=\"bt-data-time\">2020-06-01</span></li>]]></record>"
           "<record><![CDATA[<li><a href=\"/art/2020/5/20/art_1229214366_122.html\">关于开展安全生产月活动的通知</a>"
           "<span class=\"bt-data-time\">2020-05-20</span></li>]]></record>"
           "</recordset></datastore></script>"
           "<script>var ajaxParam={col:1,appid:1,webid:3,path:'/',columnid:1229214366,sourceContentType:1,"
           "unitid:3981254,webname:'中山市',permissiontype:0};"
           "$('#3981254').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:2,totalRecord:5});</script></div>"),
      "http://www.zs.gov.cn/col/col1229214366/index.html");
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].url, "http://www.zs.gov.cn/art/2020/6/1/art_1229214366_123.html");
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 1));
  EXPECT_EQ(f.list_structure, "datastore");
  EXPECT_EQ(f.pagination_form, "dataproxy");
  ASSERT_EQ(f.post_pages.size(), 2u);
  EXPECT_EQ(f.post_pages[0].url,
            "http://www.zs.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=2");
  EXPECT_THAT(f.post_pages[0].body, testing::HasSubstr("columnid=1229214366"));
  EXPECT_EQ(f.post_pages[1].key, f.pagination[1]);
  EXPECT_THAT(f.extra_links, testing::Contains("http://www.zs.gov.cn/art/2020/5/20/art_1229214366_122.html"));
  EXPECT_TRUE(f.blank.empty());
}

// Real Hanweb pages carry the next group's link in the data island, before the init script that
// alone tells how many records there are: every page of the column is still asked for.
TEST(PageAnalyzerTest, HanwebNextGroupLinkBeforeTheInitScript) {
  std::string records;
  for (int i = 0; i < 15; ++i) {
    records += absl::StrCat("<record><![CDATA[<li><a href=\"/art/2020/6/1/art_1229214366_", 100 + i,
                            ".html\">关于做好防汛工作的通知之", i, "</a><span>2020-06-01</span></li>]]></record>");
  }
  PageFacts f = Analyze(
      Page(absl::StrCat(
          "<div id=\"4100\"><script type=\"text/xml\"><datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/"
          "dataproxy.jsp?startrecord=16&endrecord=45&perpage=15&col=1&appid=1&webid=3&path=/&columnid=1229214366"
          "&sourceContentType=1&unitid=4100&webname=zs&permissiontype=0\"></a>]]></nextgroup><recordset>",
          records,
          "</recordset></datastore></script></div>"
          "<script>$(document).ready(function(){$('#4100').jpage({dataStore:dataStore4100,perPage:15,totalRecord:"
          "184,groupSize:3,proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:{col:1,appid:1,webid:3,path:'/',"
          "columnid:1229214366,sourceContentType:1,unitid:'4100',webname:'中山市',permissiontype:0}});});</script>")),
      "http://www.zs.gov.cn/col/col1229214366/index.html");
  EXPECT_EQ(f.items.size(), 15u);
  ASSERT_EQ(f.post_pages.size(), 12u);  // records 16–184, 15 a page
  EXPECT_EQ(f.post_pages.back().url,
            "http://www.zs.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=181&endrecord=184&perpage=15");
  EXPECT_THAT(f.post_pages[0].body, testing::HasSubstr("webname=%E4%B8%AD%E5%B1%B1%E5%B8%82"));
}

// A survey column lists its dated surveys beside their undated feedback, rows built alike: a
// list, though fewer than half its rows carry a date.
TEST(PageAnalyzerTest, RowsBuiltAlikeAreAListThoughMostAreUndated) {
  std::string rows;
  for (int i = 0; i < 9; ++i) {
    rows += absl::StrCat("<div class=\"row\"><div class=\"col-title\"><a href=\"/2020", i,
                         "/fk.htm\">关于停车收费管理办法公开征求意见采纳情况的反馈", i, "</a></div></div>");
    if (i % 2 == 0) {
      rows += absl::StrCat("<div class=\"row\"><div class=\"col-title\"><a href=\"/2020", i,
                           "/zj.htm\">关于停车收费管理办法公开征求意见的公告", i, "</a></div><div class=\"col-status\">"
                           "已结束</div><div class=\"col-date\">2020-03-0", i + 1, " 至 2020-04-15</div></div>");
    }
  }
  PageFacts f = Analyze(Page("<div class=\"news-list\">" + rows + "</div>"), "http://fgj.mz.gov.cn/dczj/list.htm");
  EXPECT_EQ(f.items.size(), 14u);
  EXPECT_EQ(f.dated_items, 5);
  // Page blocks, one of them with a dated link, are no list.
  PageFacts g = Analyze(Page("<div class=\"a\"><a href=\"/x/1.html\">关于开展安全生产月活动的通知</a> 2020-06-01</div>"
                             "<div class=\"b\"><a href=\"/x/2.html\">机构概况信息介绍页面</a></div>"
                             "<div class=\"c\"><a href=\"/x/3.html\">办事服务事项清单列表</a></div>"
                             "<div class=\"d\"><a href=\"/x/4.html\">互动交流留言咨询平台</a></div>"));
  EXPECT_NE(g.list_structure, "body>div");
  EXPECT_LT(g.items.size(), 4u);
}

TEST(PageAnalyzerTest, EmptyRecordsetIsBlank) {
  PageFacts f = Analyze(Page("<div id=\"u1\"><script type=\"text/xml\"><datastore><recordset></recordset>"
                             "</datastore></script></div>"));
  EXPECT_TRUE(f.items.empty());
  EXPECT_EQ(f.blank, "empty_recordset");
}

TEST(PageAnalyzerTest, TrsScriptPagination) {
  PageFacts f = Analyze(Page(
      "<ul class=\"xxgk_list\"><li><a href=\"./202006/t20200618_1.html\">关于做好2020年防汛工作的通知</a>"
      "<span>2020-06-18</span></li><li><a href=\"./202005/t20200502_2.html\">关于开展安全生产月活动的通知</a>"
      "<span>2020-05-02</span></li></ul><div class=\"page\"><script>createPageHTML(3, 0, \"index\", \"html\");"
      "</script></div>"));
  EXPECT_THAT(f.pagination, ElementsAre("http://www.zs.gov.cn/xxgk/tzgg/index_1.html",
                                        "http://www.zs.gov.cn/xxgk/tzgg/index_2.html"));
  EXPECT_EQ(f.pagination_form, "createPageHTML");
  EXPECT_THAT(f.extra_links, testing::Contains("http://www.zs.gov.cn/xxgk/tzgg/index_2.html"));
}

TEST(PageAnalyzerTest, UndatedListAndDatesInTitleAttribute) {
  PageFacts f = Analyze(Page(
      "<ul class=\"a1\"><li><a href=\"/zwgk/content/post_11.html\" title=\"发布时间：2020-06-11\">关于做好2020年防汛工作的通知</a></li>"
      "<li><a href=\"/zwgk/content/post_10.html\">关于开展安全生产月活动的通知</a></li>"
      "<li><a href=\"/zwgk/content/post_9.html\" title=\"发布时间：2020-05-20\">关于公布2019年度财政专项资金的公告</a></li></ul>"));
  ASSERT_EQ(f.items.size(), 3u);
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 11));
  EXPECT_EQ(f.items[0].date_source, "title");
  EXPECT_FALSE(f.items[1].date);
  EXPECT_EQ(f.items[1].title, "关于开展安全生产月活动的通知");
}

TEST(PageAnalyzerTest, BlankMarkersWhateverTheClass) {
  EXPECT_EQ(Analyze(Page("<div class=\"main\"><div class=\"r\"><p>对不起，没有找到相关数据！</p></div></div>")).blank,
            "no_info_text");
  EXPECT_EQ(Analyze(Page("<div class=\"main\"><div class=\"pg\">共0条记录 第1/1页</div></div>")).blank, "zero_items");
  EXPECT_EQ(Analyze(Page("<div class=\"main\"><ul class=\"a2\"></ul></div>")).blank, "empty_container");
}

TEST(PageAnalyzerTest, CopyrightAloneDoesNotNameTheSponsor) {
  auto sponsor = [](const std::string& footer) {
    return (Analyze(Page("<div class=\"footer\">" + footer + "</div>")).footer_items & (1u << kFooterSponsor)) != 0;
  };
  EXPECT_TRUE(sponsor("<p>主办单位：中山市交通运输局　承办：中山市交通运输局办公室</p>"));
  EXPECT_TRUE(sponsor("<p>主办：中山市东升镇人民政府</p>"));
  EXPECT_TRUE(sponsor("中山市交通运输局 版权所有 &nbsp; 网站标识码：4420000040"));
  EXPECT_FALSE(sponsor("<p>版权所有：深圳市西沙区人民政府</p>"));
  EXPECT_FALSE(sponsor("<p>Copyright © 2020 中山市人民政府 All Rights Reserved</p>"));
}

TEST(PageAnalyzerTest, ScriptDrawnFooterBadges) {
  PageFacts f = Analyze(Page(
      "<div class=\"footer\"><span id=\"_ideConac\"></span>"
      "<script type=\"text/javascript\" src=\"http://dcs.conac.cn/js/05/103/0000/41157126/CA051030000411571260001.js\"></script>"
      "<script id=\"_jiucuo_\" sitecode=\"4420000047\" src=\"https://zfwzgl.www.gov.cn/exposure/jiucuo.js\"></script></div>"));
  EXPECT_TRUE(f.footer_items & (1u << kFooterBadge));
  EXPECT_TRUE(f.footer_items & (1u << kFooterErrorReport));
  PageFacts g = Analyze(Page(
      "<div class=\"footer\"><script>document.write(unescape(\"%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript "
      "src='http://dcs.conac.cn/js/05/103/0000/41157126/CA05.js'%3E%3C/script%3E\"));"
      "loadScripts({url:'https://zfwzgl.www.gov.cn/exposure/jiucuo.js', id:'_jiucuo_', attr:{sitecode:'4420000047'}});"
      "</script></div>"));
  EXPECT_TRUE(g.footer_items & (1u << kFooterBadge));
  EXPECT_TRUE(g.footer_items & (1u << kFooterErrorReport));
}

TEST(PageAnalyzerTest, RedirectsByMetaRefreshAndScript) {
  EXPECT_EQ(Analyze(Page("", "<meta http-equiv=\"refresh\" content=\"0;url=/index_1.html\">"), "http://www.zs.gov.cn/")
                .redirect,
            "http://www.zs.gov.cn/index_1.html");
  EXPECT_EQ(Analyze(Page("", "<meta http-equiv=\"Refresh\" content=\"0; URL='portal/'\">"), "http://www.zs.gov.cn/")
                .redirect,
            "http://www.zs.gov.cn/portal/");
  // An auto-refresh of the page itself after minutes is not a redirect.
  EXPECT_EQ(Analyze(Page("", "<meta http-equiv=\"refresh\" content=\"600\">")).redirect, "");
  EXPECT_EQ(Analyze(Page("<script>window.location.href='/zsjtj/index.html';</script>"), "http://www.zs.gov.cn/")
                .redirect,
            "http://www.zs.gov.cn/zsjtj/index.html");
}

TEST(PageAnalyzerTest, MoreLinksNamedByTheirBlock) {
  PageFacts f = Analyze(Page(
      "<div class=\"box\"><div class=\"hd\"><h3>通知公告</h3><a class=\"more\" href=\"/xxgk/tzgg/\">更多&gt;&gt;</a></div>"
      "<ul><li><a href=\"/xxgk/tzgg/202006/t20200618_1.html\">关于做好2020年防汛工作的通知</a></li></ul></div>"
      "<div class=\"box\"><div class=\"hd\"><span>【工作动态】</span></div><ul><li>x</li></ul>"
      "<div class=\"ft\"><a href=\"/xxgk/gzdt/\">more</a></div></div>"),
      "http://www.zs.gov.cn/");
  std::vector<std::pair<std::string, std::string>> more;
  for (const ShortLink& l : f.short_links) {
    if (l.via == "more") more.emplace_back(l.text, l.url);
  }
  EXPECT_THAT(more, ElementsAre(std::make_pair(std::string("通知公告"), std::string("http://www.zs.gov.cn/xxgk/tzgg/")),
                                std::make_pair(std::string("工作动态"), std::string("http://www.zs.gov.cn/xxgk/gzdt/"))));
}

TEST(PageAnalyzerTest, ArticleDateFromUrlAndProfileYearFromItsOwnText) {
  PageFacts a = Analyze(Page("<div class=\"content\"><p>正文内容，没有写日期。</p></div>"),
                        "http://www.zs.gov.cn/art/2020/6/1/art_12_345.html");
  EXPECT_EQ(a.publish_date, CivilDay(2020, 6, 1));
  EXPECT_EQ(a.publish_date_source, "url");
  // The sidebar's news and the footer's year do not make a 2018 profile current.
  PageFacts p = Analyze(Page(
      "<div class=\"side\"><ul><li><a href=\"/a.html\">2020年防汛工作会议召开</a></li></ul></div>"
      "<div class=\"article\"><p>全镇总面积76平方公里。</p><p>2018年，全镇实现地区生产总值120亿元，同比增长5.2%，"
      "户籍人口8.5万人。</p></div><div class=\"footer\">©2020年 版权所有</div>"),
      "http://www.zs.gov.cn/zqgk/index.html");
  EXPECT_EQ(p.newest_year, 2018);
}

TEST(PageAnalyzerTest, BaseHrefResolvesRelativeLinks) {
  PageFacts f = Analyze(Page("<ul><li><a href=\"t20200618_1.html\">关于做好2020年防汛工作的通知</a><span>2020-06-18</span></li>"
                             "<li><a href=\"t20200502_2.html\">关于开展安全生产月活动的通知</a><span>2020-05-02</span></li></ul>",
                             "<base href=\"http://www.zs.gov.cn/zwgk/tzgg/\">"),
                        "http://www.zs.gov.cn/index.html");
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].url, "http://www.zs.gov.cn/zwgk/tzgg/t20200618_1.html");
}

// A message board's list: the date and time inside the anchor, its status after it.
TEST(PageAnalyzerTest, DateAndTimeAtTheEndOfAnAnchor) {
  PageFacts f = Analyze(Page(
      "<ul class=\"list\"><li><a href=\"202006/t20200626_1.html\">小区门口道路积水问题 <span class=\"date\">"
      "2020-06-26 17:13</span></a><em>已回复</em></li><li><a href=\"202006/t20200617_2.html\">公交站台何时恢复使用 "
      "<span class=\"date\">2020-06-17 08:10</span></a><em>已答复</em></li><li><a href=\"202005/t20200511_3.html\">"
      "医保异地就医备案 <span class=\"date\">2020-05-11 11:51:02</span></a><em>已回复</em></li></ul>"
      "<p><a href=\"/wzdt/index.html\">网站地图</a> 2020-06-30</p>"),
      "http://zrzyj.sw.gov.cn/hdjl/zxts/index.html");
  ASSERT_EQ(f.items.size(), 3u) << f.list_structure;
  EXPECT_EQ(f.items[0].title, "小区门口道路积水问题");
  EXPECT_EQ(f.items[0].date, CivilDay(2020, 6, 26));
  EXPECT_EQ(f.items[2].date, CivilDay(2020, 5, 11));
}

}  // namespace
}  // namespace govinspect::crawler
