#ifndef GOVINSPECT_SERVICES_REPORT_RENDER_TEXT_H_
#define GOVINSPECT_SERVICES_REPORT_RENDER_TEXT_H_

// Markdown, JSON and printable HTML renderings of a Notice. Deterministic.

#include <string>

#include "absl/strings/string_view.h"

#include "services/report/notice.h"

namespace govinspect::report {

std::string RenderMarkdown(const Notice& notice);
// Data as Markdown text that renders as written (escaped), and a URL as an autolink.
std::string MarkdownText(absl::string_view s);
std::string MarkdownUrl(absl::string_view url);
// The whole document model (docs/report.md), pretty-printed, keys in a fixed order.
std::string RenderJson(const Notice& notice);
// One self-contained page: inline CSS, A4 print styles, 仿宋/黑体 with Noto CJK fallbacks.
std::string RenderHtml(const Notice& notice);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_RENDER_TEXT_H_
