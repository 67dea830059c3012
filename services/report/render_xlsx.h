#ifndef GOVINSPECT_SERVICES_REPORT_RENDER_XLSX_H_
#define GOVINSPECT_SERVICES_REPORT_RENDER_XLSX_H_

// The workbook (libxlsxwriter): the annex list first, then every finding, one sheet per target
// kind (网站, 政务新媒体, 单位), the targets that could not be assessed, and 回头看. Every sheet
// has a frozen bold header row and an autofilter.

#include <string>

#include "absl/status/status.h"
#include "services/report/notice.h"

namespace govinspect::report {

absl::Status WriteWorkbook(const Notice& notice, const std::string& path);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_RENDER_XLSX_H_
