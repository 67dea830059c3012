// Lists, pagination and redirects that real CMS templates write into scripts.
#include "services/crawler/script_lists.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::crawler {
namespace {

using absl::CivilDay;
using testing::ElementsAre;

// A Hanweb jpage column: records in a data island, the paging endpoint in the next script.
constexpr char kHanwebScripts[] =
    "<datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3"
    "&path=/&columnid=1229214366&unitid=3981254&webname=%E4%B8%AD%E5%B1%B1&permissiontype=0\"></a>]]></nextgroup>"
    "<recordset><record><![CDATA[<li><a href=\"/art/2020/6/1/art_1229214366_123.html\" title=\"关于做好防汛工作的通知\">"
    "关于做好防汛工作的通知</a><span>2020-06-01</span></li>]]></record>\n"
    "<record><![CDATA[<li><a href=\"/art/2020/5/20/art_1229214366_122.html\">关于开展安全生产月活动的通知</a>"
    "<span>2020-05-20</span></li>]]></record></recordset></datastore>";

TEST(ScriptListsTest, DatastoreRecordsBecomeOneList) {
  int records = -1;
  auto html = DatastoreToHtml(kHanwebScripts, &records);
  ASSERT_TRUE(html.has_value());
  EXPECT_EQ(records, 2);
  EXPECT_THAT(*html, testing::StartsWith("<ul class=\"datastore\"><li><a href=\"/art/2020/6/1/"));
  EXPECT_THAT(*html, testing::HasSubstr("2020-05-20</span></li></ul>"));
}

TEST(ScriptListsTest, EmptyRecordsetAndNoRecordset) {
  int records = -1;
  auto html = DatastoreToHtml("<datastore><recordset>\n</recordset></datastore>", &records);
  ASSERT_TRUE(html.has_value());
  EXPECT_EQ(records, 0);
  EXPECT_FALSE(DatastoreToHtml("var a = 1;").has_value());
}

TEST(ScriptListsTest, JpageProxyFromInitScript) {
  auto p = ParseJpageProxy(
      "var ajaxParam = {col:1, appid:1, webid:3, path:'/', columnid:1229214366, sourceContentType:1, "
      "unitid:'3981254', webname:'中山市', permissiontype:0};\n"
      "$('#3981254').jpage({dataStore: ds, proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:15, "
      "totalRecord:40, groupSize:3, ajaxParam: ajaxParam});");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->proxy_url, "/module/web/jpage/dataproxy.jsp");
  EXPECT_EQ(p->form,
            "col=1&appid=1&webid=3&path=%2F&columnid=1229214366&sourceContentType=1&unitid=3981254&"
            "webname=%E4%B8%AD%E5%B1%B1%E5%B8%82&permissiontype=0");
  EXPECT_EQ(p->total_records, 40);
  EXPECT_EQ(p->per_page, 15);
  // 15 records on the column page; the rest a page at a time.
  EXPECT_THAT(JpagePageQueries(*p, 15, 10), ElementsAre("startrecord=16&endrecord=30&perpage=15",
                                                        "startrecord=31&endrecord=40&perpage=15"));
  EXPECT_THAT(JpagePageQueries(*p, 15, 1), ElementsAre("startrecord=16&endrecord=30&perpage=15"));
}

TEST(ScriptListsTest, JpageProxyFromNextGroupLink) {
  auto p = ParseJpageProxy(kHanwebScripts);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->proxy_url, "/module/web/jpage/dataproxy.jsp");
  EXPECT_THAT(p->form, testing::HasSubstr("columnid=1229214366"));
  EXPECT_THAT(p->form, testing::HasSubstr("unitid=3981254"));
  EXPECT_FALSE(ParseJpageProxy("proxyUrl:'/module/web/jpage/dataproxy.jsp'").has_value());  // no column
}

TEST(ScriptListsTest, CreatePageHtml) {
  EXPECT_THAT(CreatePageHtmlUrls("createPageHTML(4, 0, \"index\", \"html\");", 100),
              ElementsAre("index.html", "index_1.html", "index_2.html", "index_3.html"));
  EXPECT_THAT(CreatePageHtmlUrls("var a; createPageHTML(3,1,'list','shtml')", 100),
              ElementsAre("list.shtml", "list_1.shtml", "list_2.shtml"));
  // The function's own definition is not a call; one page has no others.
  EXPECT_TRUE(CreatePageHtmlUrls("function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {}", 100)
                  .empty());
  EXPECT_TRUE(CreatePageHtmlUrls("createPageHTML(1, 0, \"index\", \"html\");", 100).empty());
  EXPECT_EQ(CreatePageHtmlUrls("createPageHTML(5000, 0, \"index\", \"html\");", 10).size(), 11u);
  // The count through a variable, as TRS templates write it.
  EXPECT_THAT(CreatePageHtmlUrls("var countPage = 3//共多少页\nvar currentPage = 0;\n"
                                 "createPageHTML(countPage, currentPage, \"index\", \"html\");",
                                 100),
              ElementsAre("index.html", "index_1.html", "index_2.html"));
  EXPECT_TRUE(CreatePageHtmlUrls("createPageHTML(countPage, 0, \"index\", \"html\");", 100).empty());
}

TEST(ScriptListsTest, ScriptRedirects) {
  EXPECT_EQ(ScriptRedirect("window.location.href = '/portal/index.html';"), "/portal/index.html");
  EXPECT_EQ(ScriptRedirect("location.replace(\"index_1.html\")"), "index_1.html");
  EXPECT_EQ(ScriptRedirect("top.location='/zwgk/';"), "/zwgk/");
  EXPECT_EQ(ScriptRedirect("if (location.href == 'x') {}"), "");
  EXPECT_EQ(ScriptRedirect("var u = location.href;"), "");
}

TEST(ScriptListsTest, UrlDates) {
  EXPECT_EQ(UrlDate("http://a.gov.cn/xxgk/tzgg/202007/t20200722_1234567.html"), CivilDay(2020, 7, 22));
  EXPECT_EQ(UrlDate("http://a.gov.cn/art/2020/6/1/art_1229214366_123.html"), CivilDay(2020, 6, 1));
  EXPECT_EQ(UrlDate("http://a.gov.cn/jtdt/20200605/0.html"), CivilDay(2020, 6, 5));
  EXPECT_EQ(UrlDate("http://a.gov.cn/news/2019-11-08/12.shtml"), CivilDay(2019, 11, 8));
  EXPECT_FALSE(UrlDate("http://a.gov.cn/zwgk/content/post_3653916.html"));
  EXPECT_FALSE(UrlDate("http://a.gov.cn/a/20200230/1.html"));  // no such day
  EXPECT_FALSE(UrlDate("http://a.gov.cn/list.html?date=20200601"));
}

}  // namespace
}  // namespace govinspect::crawler
