#include "services/report/render_text.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "nlohmann/json.hpp"

namespace govinspect::report {
namespace {

using Json = nlohmann::ordered_json;

}  // namespace

// Data (unit and site names, excerpts of pages, reasons) as Markdown text that renders as
// written: the ASCII characters that can start emphasis, code, links or inline HTML anywhere are
// escaped with a backslash, and those that start a heading or a list at the beginning of a
// line; line breaks become spaces (a name cannot open a block of its own).
std::string MarkdownText(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '|':
      case '~': case '&':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\n': case '\r': case '\t':
        out.push_back(' ');
        break;
      default:
        out.push_back(c);
    }
  }
  // At the start: # heading, - + = list or underline, 1. 1) ordered list.
  if (!out.empty() && (out[0] == '#' || out[0] == '-' || out[0] == '+' || out[0] == '=')) {
    out.insert(out.begin(), '\\');
  } else {
    size_t d = 0;
    while (d < out.size() && absl::ascii_isdigit(static_cast<unsigned char>(out[d]))) ++d;
    if (d > 0 && d < out.size() && (out[d] == '.' || out[d] == ')')) out.insert(out.begin() + d, '\\');
  }
  return out;
}

// A URL as an autolink (<http://…>): nothing inside is taken for Markdown, and the characters
// an autolink cannot hold are percent-encoded. Anything but an http(s) URL is text.
std::string MarkdownUrl(absl::string_view url) {
  if (!absl::StartsWithIgnoreCase(url, "http://") && !absl::StartsWithIgnoreCase(url, "https://")) {
    return MarkdownText(url);
  }
  std::string out = "<";
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '|' || c == '`' || c == '\\') {
      absl::StrAppendFormat(&out, "%%%02X", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('>');
  return out;
}

namespace {

// A table; the cells of `link_column` (-1: none) are URLs, written as autolinks.
void MdTable(std::string* out, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, int link_column) {
  absl::StrAppend(out, "| ", absl::StrJoin(header, " | "), " |\n|");
  for (size_t i = 0; i < header.size(); ++i) absl::StrAppend(out, "---|");
  absl::StrAppend(out, "\n");
  for (const auto& r : rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < r.size(); ++i) {
      cells.push_back(static_cast<int>(i) == link_column ? MarkdownUrl(r[i]) : MarkdownText(r[i]));
    }
    absl::StrAppend(out, "| ", absl::StrJoin(cells, " | "), " |\n");
  }
  absl::StrAppend(out, "\n");
}

std::string Html(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::vector<std::vector<std::string>> AnnexRows(const Notice& n) {
  std::vector<std::vector<std::string>> rows;
  int i = 0;
  for (const auto& r : n.annex) {
    rows.push_back({absl::StrCat(++i), r.unit, r.type_label, r.target_name, r.problem, r.evidence_url});
  }
  return rows;
}

std::vector<std::vector<std::string>> NotAssessedRows(const Notice& n) {
  std::vector<std::vector<std::string>> rows;
  int i = 0;
  for (const auto& r : n.not_assessed) {
    rows.push_back({absl::StrCat(++i), r.unit, r.type_label, r.target_name, "无法评估", r.reason});
  }
  return rows;
}

// Fixed, still-present and unverified problems of the previous round (new ones are in the
// findings).
std::vector<std::vector<std::string>> FollowupRows(const Notice& n) {
  std::vector<std::vector<std::string>> rows;
  if (!n.followup.has_value()) return rows;
  int i = 0;
  for (const auto& f : n.followup->items) {
    if (f.status == FollowupStatus::kNew) continue;
    rows.push_back({absl::StrCat(++i), FollowupStatusLabel(f.status), f.unit_name, f.target_name,
                    f.kind_label, f.key.key});
  }
  return rows;
}

const std::vector<std::string> kAnnexHeader = {"序号", "单位", "类型", "网站/政务新媒体", "问题",
                                               "证据链接"};
const std::vector<std::string> kNotAssessedHeader = {"序号", "单位", "类型", "对象", "结果", "原因"};
const std::vector<std::string> kFollowupHeader = {"序号", "整改情况", "单位", "对象", "问题类型",
                                                  "问题标识"};

}  // namespace

std::string RenderMarkdown(const Notice& n) {
  std::string out;
  // Every text below is data or filled with data (names of units and sites, the office's
  // templates): escaped, the Markdown around it is ours.
  const auto md = [](const std::string& s) { return MarkdownText(s); };
  absl::StrAppend(&out, "# ", md(n.title), "\n\n", md(n.addressee), "\n\n", md(n.opening), "\n\n");
  for (const auto& s : n.sections) {
    absl::StrAppend(&out, "## ", md(s.heading), "\n\n");
    for (const auto& p : s.paragraphs) {
      if (!p.lead.empty()) absl::StrAppend(&out, "**", md(p.lead), "**");
      absl::StrAppend(&out, md(p.text), "\n\n");
    }
  }
  absl::StrAppend(&out, md(n.annex_note), "\n\n", md(n.office), "  \n", md(n.report_date_cn), "\n\n---\n\n");
  absl::StrAppend(&out, "## 附件\n\n### ", md(n.annex_title), "\n\n", md(n.annex_period), "\n\n");
  if (n.annex.empty()) {
    absl::StrAppend(&out, "本次检查未发现存在突出问题的网站和政务新媒体。\n\n");
  } else {
    MdTable(&out, kAnnexHeader, AnnexRows(n), 5);
  }
  if (!n.not_assessed.empty()) {
    absl::StrAppend(&out, "### 无法评估的对象（不计入合格率、达标率）\n\n");
    MdTable(&out, kNotAssessedHeader, NotAssessedRows(n), -1);
  }
  if (n.followup.has_value()) {
    const auto& f = *n.followup;
    absl::StrAppend(&out, "### “回头看”情况\n\n对照", md(f.previous_period), "：上次发现问题", f.previous_total, "个，已整改", f.fixed, "个，未整改",
                    f.still, "个，无法核实", f.unverified, "个；本次新发现", f.added, "个。\n\n");
    auto rows = FollowupRows(n);
    if (!rows.empty()) MdTable(&out, kFollowupHeader, rows, 5);  // 问题标识: a URL, or text
  }
  return out;
}

std::string RenderJson(const Notice& n) {
  Json j;
  j["schema"] = "govinspect.report/v1";
  j["round"] = n.round;
  j["as_of"] = n.as_of;
  j["ruleset"] = n.ruleset;
  j["period"] = n.period;
  j["report_date"] = n.report_date;
  j["title"] = n.title;
  j["addressee"] = n.addressee;
  j["opening"] = n.opening;
  Json summary;
  const Summary& m = n.summary;
  summary["sites"] = {{"total", m.sites_total}, {"passed", m.sites_passed},
                      {"failed", m.sites_failed}, {"not_assessed", m.sites_not_assessed},
                      {"pass_rate", m.site_pass_rate}, {"pass_rate_text", m.site_pass_rate_text}};
  summary["accounts"] = {{"total", m.accounts_total}, {"passed", m.accounts_passed},
                         {"failed", m.accounts_failed}, {"not_assessed", m.accounts_not_assessed},
                         {"not_applicable", m.accounts_not_applicable},
                         {"pass_rate", m.account_pass_rate},
                         {"pass_rate_text", m.account_pass_rate_text}};
  summary["units_with_problems"] = m.units_with_problems;
  summary["findings"] = m.findings;
  j["summary"] = summary;
  Json sections = Json::array();
  for (const auto& s : n.sections) {
    Json ps = Json::array();
    for (const auto& p : s.paragraphs) ps.push_back({{"lead", p.lead}, {"text", p.text}});
    sections.push_back({{"heading", s.heading}, {"paragraphs", ps}});
  }
  j["sections"] = sections;
  j["office"] = n.office;
  j["report_date_cn"] = n.report_date_cn;
  Json annex = Json::array();
  for (const auto& r : n.annex) {
    annex.push_back({{"unit", r.unit}, {"target", r.target}, {"target_name", r.target_name},
                     {"type", r.type_label}, {"problem", r.problem},
                     {"evidence_url", r.evidence_url}});
  }
  j["annex"] = {{"title", n.annex_title}, {"period", n.annex_period}, {"rows", annex}};
  Json na = Json::array();
  for (const auto& r : n.not_assessed) {
    na.push_back({{"unit", r.unit}, {"target", r.target}, {"target_name", r.target_name},
                  {"type", r.type_label}, {"reason", r.reason}});
  }
  j["not_assessed"] = na;
  if (n.followup.has_value()) {
    const auto& f = *n.followup;
    Json items = Json::array();
    for (const auto& i : f.items) {
      items.push_back({{"status", FollowupStatusId(i.status)}, {"target", i.key.target},
                       {"unit", i.unit}, {"kind", i.key.kind}, {"key", i.key.key}});
    }
    j["followup"] = {{"previous_round", f.previous_round}, {"previous_period", f.previous_period},
                     {"previous_total", f.previous_total}, {"fixed", f.fixed},
                     {"still", f.still}, {"unverified", f.unverified}, {"new", f.added},
                     {"items", items}};
  } else {
    j["followup"] = nullptr;
  }
  Json sheets = Json::array();
  for (const auto& s : n.sheets) {
    Json items = Json::array();
    for (const auto& i : s.items) {
      items.push_back({{"target", i.target}, {"target_name", i.target_name},
                       {"verdict", i.verdict}, {"problem", i.problem}, {"evidence", i.evidence},
                       {"rule", i.rule}, {"followup", i.followup}});
    }
    Json nas = Json::array();
    for (const auto& r : s.not_assessed) {
      nas.push_back({{"target", r.target}, {"target_name", r.target_name}, {"reason", r.reason}});
    }
    sheets.push_back({{"unit", s.unit}, {"unit_name", s.unit_name}, {"short_name", s.short_name},
                      {"deadline", s.deadline_cn}, {"intro", s.intro}, {"items", items},
                      {"not_assessed", nas}});
  }
  j["unit_sheets"] = sheets;
  return j.dump(2) + "\n";
}

std::string RenderHtml(const Notice& n) {
  std::string out;
  absl::StrAppend(&out, R"(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>)", Html(n.title), R"(</title>
<style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #e8e8e8; }
body { font-family: "FangSong_GB2312", "FangSong", "仿宋", "仿宋_GB2312", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 16pt; line-height: 28pt; color: #000; background: #fff;
  width: 156mm; margin: 10mm auto; padding: 37mm 26mm 35mm 28mm; }
h1 { font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "STZhongsong", "Noto Serif CJK SC", serif;
  font-size: 22pt; line-height: 34pt; font-weight: bold; text-align: center; margin: 0 0 28pt 0; }
h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h3 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt;
  font-weight: normal; text-align: center; margin: 14pt 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.addressee { text-indent: 0; }
.lead { font-family: "KaiTi_GB2312", "KaiTi", "楷体", "Noto Serif CJK SC", serif; font-weight: bold; }
.annex-note { margin-top: 28pt; }
.signature { text-align: right; text-indent: 0; padding-right: 4em; }
.annex { page-break-before: always; break-before: page; margin-top: 28pt; }
.annex-label { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; text-indent: 0; }
.period { text-align: center; text-indent: 0; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 15pt; margin-bottom: 14pt; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; word-break: break-all; }
th { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
@media print {
  html { background: none; }
  body { width: auto; margin: 0; padding: 0; }
}
</style>
</head>
<body>
)");
  absl::StrAppend(&out, "<h1>", Html(n.title), "</h1>\n<p class=\"addressee\">",
                  Html(n.addressee), "</p>\n<p>", Html(n.opening), "</p>\n");
  for (const auto& s : n.sections) {
    absl::StrAppend(&out, "<h2>", Html(s.heading), "</h2>\n");
    for (const auto& p : s.paragraphs) {
      absl::StrAppend(&out, "<p>");
      if (!p.lead.empty()) absl::StrAppend(&out, "<span class=\"lead\">", Html(p.lead), "</span>");
      absl::StrAppend(&out, Html(p.text), "</p>\n");
    }
  }
  absl::StrAppend(&out, "<p class=\"annex-note\">", Html(n.annex_note), "</p>\n",
                  "<p class=\"signature\" style=\"margin-top:42pt\">", Html(n.office), "</p>\n",
                  "<p class=\"signature\">", Html(n.report_date_cn), "</p>\n");
  auto table = [&](const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows, int link_column) {
    absl::StrAppend(&out, "<table>\n<thead><tr>");
    for (const auto& h : header) absl::StrAppend(&out, "<th>", Html(h), "</th>");
    absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
    for (const auto& r : rows) {
      absl::StrAppend(&out, "<tr>");
      for (size_t i = 0; i < r.size(); ++i) {
        if (static_cast<int>(i) == link_column && !r[i].empty()) {
          absl::StrAppend(&out, "<td><a href=\"", Html(r[i]), "\">", Html(r[i]), "</a></td>");
        } else {
          absl::StrAppend(&out, "<td>", Html(r[i]), "</td>");
        }
      }
      absl::StrAppend(&out, "</tr>\n");
    }
    absl::StrAppend(&out, "</tbody>\n</table>\n");
  };
  absl::StrAppend(&out, "<section class=\"annex\">\n<p class=\"annex-label\">附件</p>\n<h3>",
                  Html(n.annex_title), "</h3>\n<p class=\"period\">", Html(n.annex_period),
                  "</p>\n");
  if (n.annex.empty()) {
    absl::StrAppend(&out, "<p>本次检查未发现存在突出问题的网站和政务新媒体。</p>\n");
  } else {
    table(kAnnexHeader, AnnexRows(n), 5);
  }
  if (!n.not_assessed.empty()) {
    absl::StrAppend(&out, "<h3>无法评估的对象（不计入合格率、达标率）</h3>\n");
    table(kNotAssessedHeader, NotAssessedRows(n), -1);
  }
  if (n.followup.has_value()) {
    const auto& f = *n.followup;
    absl::StrAppend(&out, "<h3>“回头看”情况</h3>\n<p>对照", Html(f.previous_period),
                    "：上次发现问题", f.previous_total, "个，已整改", f.fixed, "个，未整改",
                    f.still, "个，无法核实", f.unverified, "个；本次新发现", f.added, "个。</p>\n");
    auto rows = FollowupRows(n);
    if (!rows.empty()) table(kFollowupHeader, rows, -1);
  }
  absl::StrAppend(&out, "</section>\n</body>\n</html>\n");
  return out;
}

}  // namespace govinspect::report
