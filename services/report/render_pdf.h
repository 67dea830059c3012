#ifndef GOVINSPECT_SERVICES_REPORT_RENDER_PDF_H_
#define GOVINSPECT_SERVICES_REPORT_RENDER_PDF_H_

// PDF renderings through cairo + pango: the 通报 laid out as an official document (A4, margins of
// GB/T 9704, 三号 body in Noto Serif CJK, 黑体 headings in Noto Sans CJK, fonts embedded, page
// numbers "— N —"), and the per-unit 整改通知单.

#include <string>

#include "absl/status/status.h"
#include "services/report/notice.h"

namespace govinspect::report {

absl::Status WriteNoticePdf(const Notice& notice, const std::string& path);
absl::Status WriteUnitSheetPdf(const Notice& notice, const UnitSheet& sheet,
                               const std::string& path);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_RENDER_PDF_H_
