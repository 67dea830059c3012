#ifndef GOVINSPECT_SERVICES_REPORT_REPORT_WRITER_H_
#define GOVINSPECT_SERVICES_REPORT_REPORT_WRITER_H_

// Writes a Notice's artifacts into a directory: report.{md,json,html,pdf,xlsx} (the formats
// asked for) and units/<unit_id>.pdf (one 整改通知单 per unit with problems).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/report/notice.h"

namespace govinspect::report {

enum class Format { kHtml, kPdf, kXlsx, kMarkdown, kJson };

// "html", "pdf", "xlsx", "markdown", "json" (metric labels).
const char* FormatId(Format f);
// report.html, report.pdf, report.xlsx, report.md, report.json
std::string FormatFileName(Format f);

struct WrittenFile {
  Format format;
  // Relative to the directory: report.pdf, units/zs-wjj.pdf.
  std::string file;
  int64_t size_bytes = 0;
  // units/{unit} for unit sheets, else "".
  std::string unit;
  double seconds = 0;
};

// Writes into `dir` (created if missing). Unit sheets are written when `unit_sheets`.
absl::StatusOr<std::vector<WrittenFile>> WriteReportFiles(const Notice& notice,
                                                          const std::set<Format>& formats,
                                                          bool unit_sheets,
                                                          const std::string& dir);

// Writes `data` to `path` (through a temporary file renamed into place).
absl::Status WriteFileAtomically(const std::string& path, const std::string& data);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_REPORT_WRITER_H_
