#include "services/report/notice.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/report/render_text.h"
#include "services/report/tiny_fixture.h"

namespace govinspect::report {
namespace {

using govinspect::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::CivilDay kReportDate(2020, 7, 22);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compares with a checked-in golden file; GOVINSPECT_UPDATE_GOLDEN=1 rewrites it instead.
void ExpectGolden(const std::string& name, const std::string& got) {
  const std::string path = std::string(GOVINSPECT_SOURCE_DIR "/services/report/testdata/") + name;
  if (std::getenv("GOVINSPECT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << got;
    GTEST_SKIP() << "rewrote " << path;
  }
  const std::string want = ReadFile(path);
  ASSERT_FALSE(want.empty()) << path << " is missing; run with GOVINSPECT_UPDATE_GOLDEN=1";
  EXPECT_EQ(got, want) << "differs from " << path
                       << " (review, then GOVINSPECT_UPDATE_GOLDEN=1 to accept)";
}

class NoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto in = report::testing::TinyInput();
    ASSERT_THAT(in, IsOk());
    input_ = *std::move(in);
    auto t = LoadTemplates("");
    ASSERT_THAT(t, IsOk());
    templates_ = *std::move(t);
  }
  Notice Build(const ReportInput& in) {
    auto n = BuildNotice(in, templates_, kReportDate);
    EXPECT_THAT(n, IsOk());
    return n.ok() ? *std::move(n) : Notice();
  }
  ReportInput input_;
  ReportTemplates templates_;
};

TEST_F(NoticeTest, GoldenMarkdownAndJson) {
  ReportInput in = input_;
  in.previous = report::testing::PreviousOf(in);
  Notice n = Build(in);
  ExpectGolden("tiny-2020q2.md", RenderMarkdown(n));
  ExpectGolden("tiny-2020q2.json", RenderJson(n));
}

TEST_F(NoticeTest, TitleOpeningAndRatesComeFromTheRound) {
  Notice n = Build(input_);
  EXPECT_EQ(n.title, "中山市人民政府办公室关于我市2020年第二季度政府网站及政务新媒体检查情况的通报");
  EXPECT_THAT(n.opening, HasSubstr("国办秘函〔2019〕19号"));
  ASSERT_EQ(n.sections.size(), 3u);
  EXPECT_EQ(n.sections[0].heading, "一、总体情况");
  EXPECT_EQ(n.sections[1].heading, "二、发现的主要问题");
  EXPECT_EQ(n.sections[2].heading, "三、下一步工作要求");
  // 1 of 6 sites passes; 12 of 18 rated accounts pass (1 closed, 1 not assessed).
  EXPECT_EQ(n.summary.site_pass_rate_text, Percent(1.0 / 6));
  EXPECT_EQ(n.summary.account_pass_rate_text, Percent(input_.scoring.account_pass_rate()));
  const std::string overall = n.sections[0].paragraphs[0].text;
  EXPECT_THAT(overall, HasSubstr("总体合格率" + Percent(1.0 / 6)));
  EXPECT_THAT(overall, HasSubstr("1个政府门户网站、3个部门网站、2个镇区网站"));
  EXPECT_THAT(overall, HasSubstr("1个无法评估"));
  EXPECT_EQ(n.report_date_cn, "2020年7月22日");
  EXPECT_FALSE(n.followup.has_value());
}

TEST_F(NoticeTest, EveryFailedTargetIsInTheAnnexAndNoPassedOne) {
  Notice n = Build(input_);
  std::set<std::string> annexed;
  for (const auto& r : n.annex) annexed.insert(r.target);
  int failed = 0;
  for (const auto& c : input_.cards) {
    if (c.verdict() == scoring::v1::Scorecard::FAIL) {
      ++failed;
      EXPECT_TRUE(annexed.count(c.target())) << c.target() << " failed but is not in the annex";
    }
    if (c.verdict() == scoring::v1::Scorecard::PASS) {
      EXPECT_FALSE(annexed.count(c.target())) << c.target() << " passed but is in the annex";
    }
  }
  EXPECT_GT(failed, 5);
  // Unfiled accounts (unit-level) are named too.
  bool unfiled = false;
  for (const auto& r : n.annex) unfiled |= r.problem == "未备案";
  EXPECT_TRUE(unfiled);
}

TEST_F(NoticeTest, NotAssessedIsListedNeverPassed) {
  Notice n = Build(input_);
  ASSERT_EQ(n.not_assessed.size(), 1u);
  EXPECT_EQ(n.not_assessed[0].target, report::testing::NotAssessedTarget());
  EXPECT_THAT(n.not_assessed[0].reason, HasSubstr("死信队列"));
  for (const auto& r : n.findings) {
    if (r.target == report::testing::NotAssessedTarget()) {
      EXPECT_EQ(r.verdict, "无法评估");
    }
  }
  EXPECT_EQ(n.summary.accounts_not_assessed, 1);
  EXPECT_EQ(n.summary.accounts_passed + n.summary.accounts_failed +
                n.summary.accounts_not_assessed + n.summary.accounts_not_applicable,
            n.summary.accounts_total);
}

TEST_F(NoticeTest, ProblemParagraphsOnlyForKindsFoundAndNameUnits) {
  Notice n = Build(input_);
  const auto& problems = n.sections[1].paragraphs;
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].lead, "（一）部分网站和政务新媒体信息发布审核把关不严。");
  EXPECT_THAT(problems[0].text, HasSubstr("出现严重表述错误"));
  // The unit of the site with an expression error is named by its short name.
  EXPECT_THAT(problems[0].text, HasSubstr("市政府网站"));

  // Drop every survey finding: the survey paragraph disappears and numbering closes up.
  ReportInput in = input_;
  for (auto& o : in.observations) {
    auto* fs = o.mutable_findings();
    for (int i = fs->size() - 1; i >= 0; --i) {
      if (absl::StartsWith(fs->Get(i).kind(), "survey_")) fs->DeleteSubrange(i, 1);
    }
  }
  Notice m = Build(in);
  for (const auto& p : m.sections[1].paragraphs) {
    EXPECT_THAT(p.lead, Not(HasSubstr("调查征集")));
  }
  EXPECT_EQ(m.sections[1].paragraphs.size(), problems.size() - 1);
}

TEST_F(NoticeTest, FollowupAcrossTwoRounds) {
  ReportInput in = input_;
  in.previous = report::testing::PreviousOf(in);
  Notice n = Build(in);
  ASSERT_TRUE(n.followup.has_value());
  const auto& f = *n.followup;
  EXPECT_EQ(f.fixed, 1);       // the broken link of sites/zs-tjj-site
  EXPECT_EQ(f.unverified, 1);  // the not-assessed account
  EXPECT_EQ(f.added, 1);       // the expression error of sites/zs-gov-site
  int current = 0;
  for (const auto& o : in.observations) {
    if (o.status() == common::v1::TARGET_STATUS_ASSESSED) current += o.findings_size();
  }
  EXPECT_EQ(f.still, current - 1);
  EXPECT_EQ(f.previous_total, f.fixed + f.still + f.unverified);
  for (const auto& i : f.items) {
    if (i.status == FollowupStatus::kFixed) {
      EXPECT_EQ(i.key.target, "sites/zs-tjj-site");
      EXPECT_EQ(i.key.key, "http://tjj.zs.gov.cn/old/404.html");
    }
    if (i.status == FollowupStatus::kNew) {
      EXPECT_EQ(i.key.kind, "expression_error");
    }
  }
  const auto& para = n.sections[0].paragraphs.back();
  EXPECT_THAT(para.lead, HasSubstr("回头看"));
  EXPECT_THAT(para.text, HasSubstr("已整改1个"));
  EXPECT_THAT(para.text, HasSubstr("2020年第一季度"));
  // The sheets mark problems that were there last time.
  bool marked = false;
  for (const auto& s : n.sheets) {
    for (const auto& i : s.items) marked |= !i.followup.empty();
  }
  EXPECT_TRUE(marked);
}

TEST_F(NoticeTest, UnitSheetsCarryEvidenceRuleAndDeadline) {
  Notice n = Build(input_);
  ASSERT_FALSE(n.sheets.empty());
  for (const auto& s : n.sheets) {
    EXPECT_EQ(s.deadline_cn, "2020年8月6日");  // 15 days after 2020-07-22
    for (const auto& i : s.items) {
      EXPECT_FALSE(i.problem.empty());
      EXPECT_FALSE(i.rule.empty()) << s.unit << " " << i.target << " " << i.problem;
    }
  }
  // A unit whose site failed has the veto behind it on its sheet; a unit with an unfiled account
  // has that account on its sheet.
  std::set<std::string> failed_units, unfiled_units;
  for (const auto& c : input_.cards) {
    if (c.verdict() == scoring::v1::Scorecard::FAIL) failed_units.insert(c.unit());
  }
  for (const auto& o : input_.observations) {
    for (const auto& f : o.findings()) {
      if (f.kind() == "account_unfiled") unfiled_units.insert(o.unit());
    }
  }
  ASSERT_FALSE(failed_units.empty());
  ASSERT_FALSE(unfiled_units.empty());
  for (const auto& s : n.sheets) {
    bool veto = false, unfiled = false;
    for (const auto& i : s.items) {
      veto |= absl::StrContains(i.rule, "单项否决");
      unfiled |= absl::StartsWith(i.problem, "未备案");
    }
    EXPECT_EQ(veto, failed_units.count(s.unit) > 0) << s.unit;
    EXPECT_EQ(unfiled, unfiled_units.count(s.unit) > 0) << s.unit;
  }
}

// Names and excerpts come from outside (the registry, the sites): in the Markdown they read as
// written and never become markup, links or HTML.
TEST(MarkdownTest, DataIsEscapedAndUrlsAreAutolinks) {
  EXPECT_EQ(MarkdownText("**粗体**<script>alert(1)</script>[点此](http://evil.example/)"),
            "\\*\\*粗体\\*\\*\\<script\\>alert(1)\\</script\\>\\[点此\\](http://evil.example/)");
  EXPECT_EQ(MarkdownText("a|b\nc_d`e~f&g"), "a\\|b c\\_d\\`e\\~f\\&g");
  EXPECT_EQ(MarkdownText("# 标题"), "\\# 标题");
  EXPECT_EQ(MarkdownText("- 列表"), "\\- 列表");
  EXPECT_EQ(MarkdownText("12. 第十二"), "12\\. 第十二");
  EXPECT_EQ(MarkdownText("2020-06-30 中山市"), "2020-06-30 中山市");  // dates and prose unchanged
  EXPECT_EQ(MarkdownUrl("http://www.zs.gov.cn/a_b/c.html?x=1|2"), "<http://www.zs.gov.cn/a_b/c.html?x=1%7C2>");
  EXPECT_EQ(MarkdownUrl("http://x.cn/a b<c>"), "<http://x.cn/a%20b%3Cc%3E>");
  EXPECT_EQ(MarkdownUrl("javascript:alert(1)"), "javascript:alert(1)");
}

TEST_F(NoticeTest, MarkdownOfHostileNamesRendersThemAsText) {
  ReportInput in = input_;
  for (auto& u : *in.registry.mutable_units()) {
    u.set_short_name("<img src=x onerror=alert(1)>|**单位**");
    u.set_display_name(u.short_name());
  }
  Notice n = Build(in);
  const std::string md = RenderMarkdown(n);
  // Every "<img" is escaped, and so is every "|**".
  auto count = [&](const std::string& what) {
    int n = 0;
    for (size_t p = md.find(what); p != std::string::npos; p = md.find(what, p + 1)) ++n;
    return n;
  };
  EXPECT_GT(count("<img"), 0);
  EXPECT_EQ(count("<img"), count("\\<img"));
  EXPECT_EQ(count("|**单位"), 0);
  EXPECT_THAT(md, HasSubstr("\\<img src=x onerror=alert(1)\\>\\|\\*\\*单位\\*\\*"));
  // The HTML (and so the PDF) of the same rows: the evidence URL cells are plain links.
  const std::string html = RenderHtml(n);
  EXPECT_THAT(html, HasSubstr("<td><a href=\"http://"));
  EXPECT_EQ(html.find('\xff'), std::string::npos);
}

TEST(NoticeFormatTest, PercentAndPeriod) {
  EXPECT_EQ(Percent(1.0), "100%");
  EXPECT_EQ(Percent(0.925), "92.5%");
  EXPECT_EQ(Percent(0.99349), "99.3%");
  EXPECT_EQ(Percent(0), "0%");
  std::string q;
  EXPECT_EQ(PeriodOf(absl::CivilDay(2020, 6, 30), &q), "2020年第二季度");
  EXPECT_EQ(q, "第二季度");
  EXPECT_EQ(PeriodOf(absl::CivilDay(2021, 1, 1)), "2021年第一季度");
  EXPECT_EQ(ChineseDate(absl::CivilDay(2020, 7, 2)), "2020年7月2日");
}

}  // namespace
}  // namespace govinspect::report
