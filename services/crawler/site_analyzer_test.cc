// Site-level conclusions from the facts of a small hand-made site.
#include "services/crawler/site_analyzer.h"

#include <array>
#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::crawler {
namespace {

using absl::CivilDay;

const char kHost[] = "http://www.xq.gov.cn";

std::string Page(const std::string& body, const std::string& head = "") {
  return "<html><head><meta charset=\"utf-8\">" + head + "</head><body>" + body + "</body></html>";
}

std::string Nav() {
  return "<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/ywdt/\">要闻动态</a></li>"
         "<li><a href=\"/tzgg/\">通知公告</a></li><li><a href=\"/rsxx/\">人事信息</a></li>"
         "<li><a href=\"/czzj/\">财政资金</a></li><li><a href=\"/gkxx/\">概况信息</a></li>"
         "<li><a href=\"/zxts/\">政务咨询</a></li><li><a href=\"/dczj/\">调查征集</a></li>"
         "<li><a href=\"/bsfw/\">办事服务</a></li></ul></div>";
}

std::string List(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = "<ul class=\"list\">";
  for (const auto& [href, date] : rows) {
    out += absl::StrCat("<li><a href=\"", href, "\">一条足够长的标题", href, "</a><span>", date, "</span></li>");
  }
  return out + "</ul>";
}

class SiteAnalyzerTest : public ::testing::Test {
 protected:
  void AddPage(const std::string& path, const std::string& html) { pages_[absl::StrCat(kHost, path)] = html; }

  std::multimap<std::string, common::v1::Finding> Run(bool public_service = true) {
    SiteAnalysisContext c;
    c.home_url = absl::StrCat(kHost, "/");
    c.as_of = CivilDay(2020, 6, 30);
    c.public_service = public_service;
    c.in_scope = [](const std::string& url) { return url.rfind(kHost, 0) == 0; };
    c.link_broken = [](const std::string& url) -> std::optional<bool> {
      if (url == "http://www.city.gov.cn/hdjl/") return false;
      return std::nullopt;
    };
    SiteAnalyzer a(c);
    for (const auto& [url, html] : pages_) {
      PageContext pc;
      pc.url = url;
      pc.as_of = c.as_of;
      a.AddPage(url, AnalyzePage(html, pc));
    }
    obs_.Clear();
    understanding_.Clear();
    a.Finish(&obs_, &understanding_);
    std::multimap<std::string, common::v1::Finding> out;
    for (const auto& f : obs_.findings()) out.emplace(f.kind(), f);
    return out;
  }

  // A site whose navigation leads to a 调查征集 column (/dczj/) listing these rows (href, title,
  // date as listed), beside a fresh news column.
  void AddSurveyColumn(const std::vector<std::array<std::string, 3>>& rows) {
    AddPage("/", Page("<div class=\"nav\"><a href=\"/ywdt/\">要闻动态</a><a href=\"/dczj/\">调查征集</a></div>" +
                      List({{"/ywdt/1.html", "2020-06-20"}})));
    AddPage("/ywdt/", Page(List({{"/ywdt/1.html", "2020-06-20"}})));
    std::string list = "<ul class=\"list\">";
    for (const auto& [href, title, date] : rows) {
      absl::StrAppend(&list, "<li><a href=\"", href, "\">", title, "</a><span>", date, "</span></li>");
    }
    AddPage("/dczj/", Page(list + "</ul>"));
  }

  void BuildSite() {
    AddPage("/", Page(Nav() + "<div class=\"block\"><h3>要闻动态</h3>" +
                          List({{"/ywdt/1.html", "2020-06-20"}, {"/ywdt/2.html", "2020-06-01"}}) +
                          "</div><div class=\"footer\"><p>主办单位：某区人民政府</p><p>网站标识码：4420000099"
                          " 粤ICP备12345678号-1 粤公网安备 44200002000321号</p></div>",
                      "<meta name=\"viewport\" content=\"width=device-width\">"));
    AddPage("/ywdt/", Page(Nav() + List({{"/ywdt/1.html", "2020-06-20"}, {"/ywdt/2.html", "2020-06-01"}})));
    AddPage("/tzgg/", Page(Nav() + List({{"/tzgg/1.html", "2019-10-01"}, {"/tzgg/2.html", "2019-08-01"}}) +
                           "<div class=\"page\"><a href=\"/tzgg/index_1.html\">下一页</a></div>"));
    AddPage("/tzgg/index_1.html", Page(Nav() + List({{"/tzgg/3.html", "2019-07-01"}})));
    AddPage("/rsxx/", Page(Nav() + "<ul class=\"list\"><li>暂无信息</li></ul>"));
    AddPage("/czzj/", Page(Nav() + "<ul class=\"list\"><li><a href=\"/czzj/1.html\">2019年部门预算公开说明</a></li>"
                                   "<li><a href=\"/czzj/2.html\">2018年部门决算公开说明</a></li>"
                                   "<li><a href=\"/czzj/3.html\">2017年部门决算公开说明</a></li></ul>"));
    // The list shows no dates: the newest items' own pages do.
    AddPage("/czzj/1.html", Page("<div class=\"info\">发布时间：2019-02-10</div><p>2019年部门预算公开说明。</p>"));
    AddPage("/czzj/2.html", Page("<div class=\"info\">发布时间：2018-08-30</div><p>2018年部门决算公开说明。</p>"));
    AddPage("/gkxx/", Page(Nav() + "<div class=\"content\"><p>截至2018年底，常住人口33万人。</p></div>"));
    AddPage("/zxts/", Page(Nav() + List({{"/zxts/late.html", "2020-04-01"},
                                         {"/zxts/holiday.html", "2020-04-29"},
                                         {"/zxts/open.html", "2020-02-01"},
                                         {"/zxts/nounit.html", "2020-01-10"},
                                         {"/zxts/recent.html", "2020-06-10"}})));
    auto msg = [](const std::string& asked, const std::string& unit, const std::string& replied) {
      std::string t = "<table class=\"msg\"><tr><th>留言时间</th><td>" + asked + "</td></tr>";
      if (replied.empty()) return Page(t + "<tr><th>办理状态</th><td>办理中</td></tr></table>");
      if (!unit.empty()) t += "<tr><th>答复单位</th><td>" + unit + "</td></tr>";
      return Page(t + "<tr><th>答复时间</th><td>" + replied + "</td></tr><tr><th>答复内容</th><td>您好。</td></tr></table>");
    };
    AddPage("/zxts/late.html", msg("2020-04-01 09:00", "某局", "2020-04-20"));
    // 5 working days with the May Day holiday and the Saturday make-up day; 7 weekdays.
    AddPage("/zxts/holiday.html", msg("2020-04-29 10:00", "某局", "2020-05-09"));
    AddPage("/zxts/open.html", msg("2020-02-01 10:00", "", ""));
    AddPage("/zxts/nounit.html", msg("2020-01-10 10:00", "", "2020-01-13"));
    AddPage("/zxts/recent.html", msg("2020-06-10 10:00", "", ""));  // not yet 3 months
    AddPage("/dczj/", Page(Nav() + "<ul class=\"list\"><li><a href=\"/dczj/1.html\">关于养犬管理规定公开征求意见</a>"
                                   "<span>2020-03-01 至 2020-03-31</span></li></ul>"));
    AddPage("/dczj/1.html", Page("<div class=\"info\">发布日期：2020-03-01</div>"
                                 "<p>起止时间：2020年3月1日至2020年3月31日</p><p>征集状态：已结束</p>"));
    AddPage("/bsfw/", Page(Nav() + List({{"/bsfw/1.html", "2020-01-01"}})));
    AddPage("/bsfw/1.html", Page("<table><tr><th>事项名称</th><td>食品经营许可</td></tr>"
                                 "<tr><th>申请条件</th><td>……</td></tr><tr><th>办理材料</th><td>……</td></tr>"
                                 "<tr><th>联系电话</th><td>0760-88001234</td></tr></table>"));
  }

  std::map<std::string, std::string> pages_;
  common::v1::Observation obs_;
  common::v1::PageUnderstanding understanding_;
};

TEST_F(SiteAnalyzerTest, WholeSite) {
  BuildSite();
  auto f = Run();
  auto one = [&](const std::string& kind) -> const common::v1::Finding& {
    EXPECT_EQ(f.count(kind), 1u) << kind;
    static const common::v1::Finding kNone;
    auto it = f.find(kind);
    return it == f.end() ? kNone : it->second;
  };
  // Columns: 通知公告 stale (6 months), 人事信息 blank, 财政资金 stale by its articles' dates (the
  // list shows none); 要闻动态 fresh.
  EXPECT_EQ(f.count("column_not_updated"), 2u);
  for (auto [it, end] = f.equal_range("column_not_updated"); it != end; ++it) {
    if (it->second.text() == "通知公告") {
      EXPECT_EQ(it->second.date(), "2019-10-01");
      EXPECT_EQ(it->second.detail(), "notice");
      EXPECT_EQ(it->second.url(), absl::StrCat(kHost, "/tzgg/"));
    } else {
      EXPECT_EQ(it->second.text(), "财政资金");
      EXPECT_EQ(it->second.date(), "2019-02-10");  // read from the newest item's page
    }
  }
  EXPECT_EQ(one("blank_column").detail(), "no_info_text");
  EXPECT_EQ(f.count("home_not_updated"), 0u);
  // The paginated notice column: 3 items over 2 pages.
  for (const auto& c : understanding_.columns()) {
    if (c.name() == "通知公告") {
      EXPECT_EQ(c.list_pages(), 2);
      EXPECT_EQ(c.items(), 3);
      EXPECT_TRUE(c.first_level());
    }
  }
  // Interaction.
  EXPECT_EQ(one("message_unanswered").url(), absl::StrCat(kHost, "/zxts/open.html"));
  EXPECT_EQ(one("reply_late").url(), absl::StrCat(kHost, "/zxts/late.html"));
  EXPECT_EQ(one("message_missing_elements").detail(), "答复单位");
  EXPECT_EQ(f.count("no_message_statistics"), 1u);
  EXPECT_EQ(f.count("no_consultation_channel"), 0u);
  // Surveys: one in the year, its feedback missing.
  EXPECT_EQ(one("survey_feedback_missing").date(), "2020-03-31");
  EXPECT_EQ(one("survey_too_few").detail(), "surveys_in_year=1");
  EXPECT_EQ(f.count("survey_no_dates"), 0u);
  // 概况信息 with 2018 data in 2020.
  EXPECT_EQ(one("profile_stale").detail(), "year=2018");
  // Identity: no search, no sitemap, no badge, no 找错; viewport present; domain regular.
  EXPECT_EQ(f.count("no_search"), 1u);
  EXPECT_EQ(f.count("no_viewport"), 0u);
  EXPECT_EQ(f.count("domain_irregular"), 0u);
  EXPECT_EQ(f.count("footer_missing_sitemap"), 1u);
  EXPECT_EQ(f.count("footer_missing_badge"), 1u);
  EXPECT_EQ(f.count("footer_missing_error_report"), 1u);
  EXPECT_EQ(f.count("footer_missing_site_code"), 0u);
  EXPECT_EQ(understanding_.identity().footer_site_code(), "4420000099");
  // Service guide missing four elements.
  EXPECT_EQ(one("service_guide_incomplete").detail(), "设定依据,办理地点,办理时间,办理流程");
  EXPECT_EQ(understanding_.service().guides_severe(), 1);
  for (const auto& x : obs_.findings()) EXPECT_FALSE(std::string(SiteIndicator(x.kind())).empty()) << x.kind();
}

TEST_F(SiteAnalyzerTest, NavigationOnlyHomeFallsBackToSecondLevelPages) {
  BuildSite();
  // Tiles only; the newest item under them is 2020-06-01 − more than 2 weeks before as_of.
  AddPage("/", Page("<div class=\"tiles\"><a href=\"/ywdt/\"><span>要闻动态</span></a>"
                    "<a href=\"/tzgg/\"><span>通知公告</span></a><a href=\"/zxts/\"><span>政务咨询</span></a></div>"));
  AddPage("/ywdt/", Page(List({{"/ywdt/2.html", "2020-06-01"}})));
  auto f = Run();
  ASSERT_EQ(f.count("home_not_updated"), 1u);
  EXPECT_EQ(f.find("home_not_updated")->second.date(), "2020-06-01");
  EXPECT_EQ(understanding_.home_newest_source(), "second_level");
  // Messages asked on 2020-06-10 do not make the site "updated".
}

TEST_F(SiteAnalyzerTest, OutsideChannelAndUnitsWithoutPublicServices) {
  AddPage("/", Page("<div class=\"nav\"><a href=\"/ywdt/\">要闻动态</a><a href=\"http://www.city.gov.cn/hdjl/\">咨询投诉</a></div>" +
                    List({{"/ywdt/1.html", "2020-06-20"}})));
  AddPage("/ywdt/", Page(List({{"/ywdt/1.html", "2020-06-20"}})));
  auto f = Run(/*public_service=*/false);
  EXPECT_EQ(f.count("no_consultation_channel"), 0u);
  EXPECT_EQ(understanding_.interaction().external_channel_url(), "http://www.city.gov.cn/hdjl/");
  EXPECT_EQ(f.count("no_service"), 0u);
  EXPECT_EQ(f.count("no_message_statistics"), 0u);  // no board of its own
  f = Run(/*public_service=*/true);
  EXPECT_EQ(f.count("no_service"), 1u);
}

TEST_F(SiteAnalyzerTest, ContentChecksUseThePublishDate) {
  AddPage("/", Page(List({{"/a.html", "2020-06-20"}})));
  // Abolished in the 2018 reform: wrong in 2020, right in 2017.
  AddPage("/a.html", Page("<p>市卫生和计划生育局召开会议。身份证号码：11010519491231002X，手机13800138000；"
                          "另有4420001990****2216。</p>", "<meta name=\"PubDate\" content=\"2020-06-20 10:00\">"));
  AddPage("/b.html", Page("<p>市卫生和计划生育局召开会议。</p>", "<meta name=\"PubDate\" content=\"2017-03-01\">"));
  auto f = Run();
  std::vector<std::string> abolished;
  for (auto [it, end] = f.equal_range("abolished_name"); it != end; ++it) abolished.push_back(it->second.source_url());
  EXPECT_THAT(abolished, testing::ElementsAre(absl::StrCat(kHost, "/a.html")));
  ASSERT_EQ(f.count("privacy_id_number"), 1u);
  EXPECT_EQ(f.find("privacy_id_number")->second.text(), "11010519491231002X");
  EXPECT_EQ(f.find("privacy_id_number")->second.indicator(), "site_deduct_privacy");
  EXPECT_EQ(f.count("privacy_mobile"), 1u);
  EXPECT_GT(understanding_.content_pages(), 0);
}

// A navigation entry that names a section (互动交流) and opens its first column: the column is
// what its breadcrumb calls it (调查征集), not a message board.
TEST_F(SiteAnalyzerTest, ColumnIsWhatItsBreadcrumbCallsIt) {
  AddPage("/", Page("<div class=\"nav\"><a href=\"/ywdt/\">要闻动态</a><a href=\"/hdjl/\">互动交流</a></div>" +
                    List({{"/ywdt/1.html", "2020-06-20"}})));
  AddPage("/ywdt/", Page(List({{"/ywdt/1.html", "2020-06-20"}})));
  AddPage("/hdjl/", Page("<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/hdjl/\">调查征集</a></div>" +
                         List({{"/hdjl/1.html", "2020-05-01"}, {"/hdjl/2.html", "2020-03-01"}})));
  Run();
  bool survey = false;
  for (const auto& c : understanding_.columns()) survey |= c.url() == absl::StrCat(kHost, "/hdjl/") && c.category() == "survey";
  EXPECT_TRUE(survey);
  EXPECT_EQ(understanding_.surveys().column_url(), absl::StrCat(kHost, "/hdjl/"));
}

// Feedback published as items of their own (…公开征求意见采纳情况的反馈) belongs to the survey of
// the same subject it follows; the same subject consulted on twice gets each its own.
TEST_F(SiteAnalyzerTest, FeedbackItemsMatchTheirSurveyBySubjectAndDate) {
  AddSurveyColumn({{"/dczj/f2.html", "关于市某局垃圾分类管理办法公开征求意见采纳情况的反馈", "2020-05-20"},
                   {"/dczj/s2.html", "关于市某局垃圾分类管理办法公开征求意见的公告", "2020-04-01"},
                   {"/dczj/f1.html", "关于市某局垃圾分类管理办法公开征求意见采纳情况的反馈", "2019-12-20"},
                   {"/dczj/s1.html", "关于市某局垃圾分类管理办法公开征求意见的公告", "2019-11-01"},
                   {"/dczj/s3.html", "关于市某局公交线路优化公开征求意见的公告", "2019-10-01"}});
  auto survey = [](const std::string& title, const std::string& period) {
    return Page("<h1>" + title + "</h1><p>起止时间：" + period + "</p><p>征集状态：已结束</p>");
  };
  auto feedback = [](const std::string& title, const std::string& date) {
    return Page("<h1>" + title + "</h1><p>发布日期：" + date + "</p><p>采纳情况如下。</p>");
  };
  AddPage("/dczj/s1.html", survey("关于市某局垃圾分类管理办法公开征求意见的公告", "2019年11月1日至2019年11月30日"));
  AddPage("/dczj/s2.html", survey("关于市某局垃圾分类管理办法公开征求意见的公告", "2020年4月1日至2020年4月30日"));
  AddPage("/dczj/s3.html", survey("关于市某局公交线路优化公开征求意见的公告", "2019年10月1日至2019年10月20日"));
  AddPage("/dczj/f1.html", feedback("关于市某局垃圾分类管理办法公开征求意见采纳情况的反馈", "2019年12月20日"));
  AddPage("/dczj/f2.html", feedback("关于市某局垃圾分类管理办法公开征求意见采纳情况的反馈", "2020年5月20日"));
  auto f = Run();
  ASSERT_EQ(f.count("survey_feedback_missing"), 1u);
  EXPECT_EQ(f.find("survey_feedback_missing")->second.url(), absl::StrCat(kHost, "/dczj/s3.html"));
  EXPECT_EQ(f.count("survey_feedback_late"), 0u);
  EXPECT_EQ(understanding_.surveys().feedback_matched(), 2);
}

// The same subject consulted on twice, one result published after the second: it reports on
// the second consultation (the latest begun before it), and the first has none.
TEST_F(SiteAnalyzerTest, AResultBelongsToTheLatestConsultationOfItsSubject) {
  AddSurveyColumn({{"/dczj/f.html", "关于公共交通线路优化公开征求意见采纳情况的反馈", "2020-03-18"},
                   {"/dczj/s2.html", "关于公共交通线路优化公开征求意见的公告", "2020-02-21"},
                   {"/dczj/s1.html", "关于公共交通线路优化公开征求意见的公告", "2019-11-23"}});
  AddPage("/dczj/s1.html", Page("<h1>关于公共交通线路优化公开征求意见的公告</h1><p>起止时间：2019-11-23 至 2019-12-04</p>"));
  AddPage("/dczj/s2.html", Page("<h1>关于公共交通线路优化公开征求意见的公告</h1><p>起止时间：2020-02-21 至 2020-03-06</p>"));
  AddPage("/dczj/f.html", Page("<h1>关于公共交通线路优化公开征求意见采纳情况的反馈</h1><p>发布日期：2020-03-18</p>"));
  auto f = Run();
  ASSERT_EQ(f.count("survey_feedback_missing"), 1u);
  EXPECT_EQ(f.find("survey_feedback_missing")->second.url(), absl::StrCat(kHost, "/dczj/s1.html"));
  EXPECT_EQ(f.count("survey_feedback_late"), 0u);
}

// Two consultations of a subject close together, two results: each result follows its own
// survey in order, both in time.
TEST_F(SiteAnalyzerTest, ResultsFollowTheirSurveysInOrder) {
  const std::string s = "关于公共交通线路优化公开征求意见的公告", r = "关于公共交通线路优化公开征求意见采纳情况的反馈";
  AddSurveyColumn({{"/dczj/r2.html", r, "2020-03-26"}, {"/dczj/r1.html", r, "2020-03-15"},
                   {"/dczj/s2.html", s, "2020-02-05"}, {"/dczj/s1.html", s, "2020-01-31"}});
  AddPage("/dczj/s1.html", Page("<h1>" + s + "</h1><p>起止时间：2020-01-31 至 2020-02-19</p>"));
  AddPage("/dczj/s2.html", Page("<h1>" + s + "</h1><p>起止时间：2020-02-05 至 2020-03-03</p>"));
  AddPage("/dczj/r1.html", Page("<h1>" + r + "</h1><p>发布日期：2020-03-15</p>"));
  AddPage("/dczj/r2.html", Page("<h1>" + r + "</h1><p>发布日期：2020-03-26</p>"));
  auto f = Run();
  EXPECT_EQ(f.count("survey_feedback_missing"), 0u);
  EXPECT_EQ(f.count("survey_feedback_late"), 0u);
  EXPECT_EQ(understanding_.surveys().feedback_matched(), 2);
}

// A column's last page holds one item beside a side bar of eight: the side bar's links are not
// the column's items.
TEST_F(SiteAnalyzerTest, SideBarIsNotTheListOfAColumnsLastPage) {
  AddPage("/", Page("<div class=\"nav\"><a href=\"/ywdt/\">要闻动态</a><a href=\"/bsfw/\">办事服务</a></div>" +
                    List({{"/ywdt/1.html", "2020-06-20"}})));
  std::string side = "<div class=\"side\"><h3>热点信息</h3><ul>";
  for (int i = 1; i <= 8; ++i) side += absl::StrCat("<li><a href=\"/ywdt/", i, ".html\">市某局开展第", i, "次专项检查工作</a></li>");
  side += "</ul></div>";
  std::string guides;
  for (int i = 1; i <= 4; ++i) guides += absl::StrCat("<li><a href=\"/bsfw/", i, ".html\">第", i, "项许可办事指南</a></li>");
  AddPage("/ywdt/", Page(List({{"/ywdt/1.html", "2020-06-20"}})));
  AddPage("/bsfw/", Page("<ul class=\"list\">" + guides + "</ul><div class=\"page\"><a href=\"/bsfw/p2.html\">下一页</a></div>" + side));
  AddPage("/bsfw/p2.html", Page("<ul class=\"list\"><li><a href=\"/bsfw/5.html\">第5项许可办事指南</a></li></ul>" + side));
  Run();
  for (const auto& c : understanding_.columns()) {
    if (c.url() == absl::StrCat(kHost, "/bsfw/")) {
      // The first page's four (a lone undated link on the last page is not told from a stray one).
      EXPECT_EQ(c.items(), 4) << "the side bar's links counted as items";
    }
  }
}

// The home page's blocks show no dates: the items' own pages date the home page.
TEST_F(SiteAnalyzerTest, UndatedHomeBlocksAreDatedByTheirPages) {
  std::string block = "<div class=\"block\"><h3>工作动态</h3><ul>";
  for (int i = 1; i <= 3; ++i) block += absl::StrCat("<li><a href=\"/ywdt/", i, ".html\">市某局召开第", i, "次专题工作会议</a></li>");
  block += "</ul></div><div class=\"block\"><h3>通知公告</h3>" + List({{"/tzgg/1.html", "2020-01-10"}}) + "</div>";
  AddPage("/", Page("<div class=\"nav\"><a href=\"/ywdt/\">工作动态</a></div>" + block));
  AddPage("/ywdt/", Page(List({{"/ywdt/1.html", "2020-06-26"}})));
  AddPage("/ywdt/1.html", Page("<h1>市某局召开第1次专题工作会议</h1><p>发布日期：2020年6月26日</p><p>正文。</p>"));
  auto f = Run();
  EXPECT_EQ(f.count("home_not_updated"), 0u);
  EXPECT_EQ(understanding_.home_newest_date(), "2020-06-26");
}

TEST_F(SiteAnalyzerTest, IrregularDomain) {
  SiteAnalysisContext c;
  c.home_url = "http://www.xqzf.com/";
  c.as_of = CivilDay(2020, 6, 30);
  SiteAnalyzer a(c);
  PageContext pc;
  pc.url = c.home_url;
  pc.as_of = c.as_of;
  a.AddPage(c.home_url, AnalyzePage(Page("<p>x</p>"), pc));
  common::v1::Observation obs;
  common::v1::PageUnderstanding u;
  a.Finish(&obs, &u);
  bool found = false;
  for (const auto& f : obs.findings()) found |= f.kind() == "domain_irregular" && f.detail() == "www.xqzf.com";
  EXPECT_TRUE(found);
  EXPECT_FALSE(u.identity().domain_regular());
}

}  // namespace
}  // namespace govinspect::crawler
