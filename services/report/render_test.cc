// The binary formats, checked with the tools an office would use: pdftotext / pdftoppm
// (poppler-utils) for the PDFs and python3-openpyxl for the workbook.

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/report/report_writer.h"
#include "services/report/tiny_fixture.h"

namespace govinspect::report {
namespace {

using govinspect::testing::IsOk;
using ::testing::HasSubstr;

// Runs a shell command; returns its stdout and sets *rc.
std::string Shell(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *rc = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *rc = pclose(p);
  return out;
}

// Compact text (pdftotext breaks lines and may space CJK text).
std::string Squash(const std::string& s) {
  return absl::StrReplaceAll(s, {{"\n", ""}, {" ", ""}, {"\f", ""}});
}

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto in = report::testing::TinyInput();
    ASSERT_THAT(in, IsOk());
    in->previous = report::testing::PreviousOf(*in);
    auto t = LoadTemplates("");
    ASSERT_THAT(t, IsOk());
    auto n = BuildNotice(*in, *t, absl::CivilDay(2020, 7, 22));
    ASSERT_THAT(n, IsOk());
    notice_ = *std::move(n);
    auto files = WriteReportFiles(notice_,
                                  {Format::kHtml, Format::kPdf, Format::kXlsx, Format::kMarkdown,
                                   Format::kJson},
                                  true, dir_.path() + "/r");
    ASSERT_THAT(files, IsOk());
    files_ = *std::move(files);
  }
  std::string Path(const std::string& f) { return dir_.path() + "/r/" + f; }

  govinspect::testing::TempDir dir_;
  Notice notice_;
  std::vector<WrittenFile> files_;
};

TEST_F(RenderTest, WritesEveryFormatAndOneSheetPerUnit) {
  int unit_sheets = 0;
  for (const auto& f : files_) {
    EXPECT_GT(f.size_bytes, 0) << f.file;
    struct stat st;
    EXPECT_EQ(stat(Path(f.file).c_str(), &st), 0) << f.file;
    if (!f.unit.empty()) ++unit_sheets;
  }
  EXPECT_EQ(unit_sheets, static_cast<int>(notice_.sheets.size()));
  EXPECT_EQ(files_.size(), 5 + notice_.sheets.size());
}

TEST_F(RenderTest, PdfTextHasUnitsRatesAndPageNumbers) {
  int rc = 0;
  std::string text = Shell("pdftotext -enc UTF-8 " + Path("report.pdf") + " -", &rc);
  ASSERT_EQ(rc, 0) << "pdftotext failed";
  const std::string squashed = Squash(text);
  EXPECT_THAT(squashed, HasSubstr("政府网站及政务新媒体检查情况的通报"));
  EXPECT_THAT(squashed, HasSubstr("总体合格率" + notice_.summary.site_pass_rate_text));
  EXPECT_THAT(squashed, HasSubstr("总体达标率" + notice_.summary.account_pass_rate_text));
  for (const auto& r : notice_.annex) {
    EXPECT_THAT(squashed, HasSubstr(Squash(r.unit))) << r.target;
  }
  EXPECT_THAT(squashed, HasSubstr("检查发现存在突出问题的名单"));
  EXPECT_THAT(squashed, HasSubstr("—1—"));
  EXPECT_THAT(squashed, HasSubstr("—2—"));
  std::string fonts = Shell("pdffonts " + Path("report.pdf"), &rc);
  EXPECT_THAT(fonts, HasSubstr("NotoSerifCJK"));
  EXPECT_THAT(fonts, HasSubstr("NotoSansCJK"));
}

TEST_F(RenderTest, PdfRendersToPng) {
  int rc = 0;
  Shell("pdftoppm -png -r 40 -f 1 -l 1 " + Path("report.pdf") + " " + Path("page"), &rc);
  ASSERT_EQ(rc, 0);
  std::ifstream png(Path("page-1.png"), std::ios::binary);
  ASSERT_TRUE(png.good()) << "no page-1.png";
  char magic[8] = {};
  png.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
}

TEST_F(RenderTest, UnitSheetPdfsNameTheUnitAndDeadline) {
  for (const auto& f : files_) {
    if (f.unit.empty()) continue;
    int rc = 0;
    std::string text = Squash(Shell("pdftotext -enc UTF-8 " + Path(f.file) + " -", &rc));
    ASSERT_EQ(rc, 0);
    const UnitSheet* sheet = nullptr;
    for (const auto& s : notice_.sheets) {
      if (s.unit == f.unit) sheet = &s;
    }
    ASSERT_NE(sheet, nullptr);
    EXPECT_THAT(text, HasSubstr("整改通知单"));
    EXPECT_THAT(text, HasSubstr(sheet->unit_name));
    EXPECT_THAT(text, HasSubstr("整改期限：" + sheet->deadline_cn));
  }
}

TEST_F(RenderTest, WorkbookReadsBackWithOpenpyxl) {
  const std::string script = Path("check.py");
  std::ofstream(script) << R"(import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    print(ws.title, len(rows) - 1, ws.freeze_panes, ws.auto_filter.ref or "")
    if ws.title == "突出问题名单":
        for r in rows[1:]:
            print("ANNEX", r[3])
)";
  int rc = 0;
  // Debian's python3 (python3-openpyxl), not whatever python3 comes first in PATH.
  const std::string python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  std::string out = Shell(python + " " + script + " " + Path("report.xlsx"), &rc);
  ASSERT_EQ(rc, 0) << out;
  int sites = 0, accounts = 0, units = 0;
  for (const auto& r : notice_.findings) {
    (r.sheet == "网站" ? sites : r.sheet == "政务新媒体" ? accounts : units) += 1;
  }
  EXPECT_THAT(out, HasSubstr(absl::StrCat("突出问题名单 ", notice_.annex.size(), " A2 A1:F",
                                          notice_.annex.size() + 1)));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("网站 ", sites, " A2")));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("政务新媒体 ", accounts, " A2")));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("单位 ", units, " A2")));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("无法评估 ", notice_.not_assessed.size(), " A2")));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("回头看 ", notice_.followup->items.size(), " A2")));
  for (const auto& r : notice_.annex) {
    EXPECT_THAT(out, HasSubstr("ANNEX " + r.target_name));
  }
}

TEST_F(RenderTest, HtmlIsSelfContainedAndPrintable) {
  std::ifstream in(Path("report.html"));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string html = ss.str();
  EXPECT_THAT(html, HasSubstr("@page { size: A4"));
  EXPECT_THAT(html, HasSubstr("Noto Serif CJK SC"));
  EXPECT_THAT(html, HasSubstr(notice_.title));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<link")));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<script")));
}

}  // namespace
}  // namespace govinspect::report
