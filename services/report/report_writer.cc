#include "services/report/report_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/files/file_names.h"
#include "services/report/render_pdf.h"
#include "services/report/render_text.h"
#include "services/report/render_xlsx.h"

namespace govinspect::report {
namespace {

absl::Status MakeDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("mkdir ", dir, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::InternalError(absl::StrCat("stat ", path, ": ", std::strerror(errno)));
  }
  return static_cast<int64_t>(st.st_size);
}

}  // namespace

const char* FormatId(Format f) {
  switch (f) {
    case Format::kHtml: return "html";
    case Format::kPdf: return "pdf";
    case Format::kXlsx: return "xlsx";
    case Format::kMarkdown: return "markdown";
    case Format::kJson: return "json";
  }
  return "";
}

std::string FormatFileName(Format f) {
  switch (f) {
    case Format::kHtml: return "report.html";
    case Format::kPdf: return "report.pdf";
    case Format::kXlsx: return "report.xlsx";
    case Format::kMarkdown: return "report.md";
    case Format::kJson: return "report.json";
  }
  return "";
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return absl::InternalError(absl::StrCat("open ", tmp, ": ", std::strerror(errno)));
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    return absl::InternalError(absl::StrCat("write ", tmp, " failed"));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("rename ", tmp, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WrittenFile>> WriteReportFiles(const Notice& notice,
                                                          const std::set<Format>& formats,
                                                          bool unit_sheets,
                                                          const std::string& dir) {
  GOVINSPECT_RETURN_IF_ERROR(MakeDir(dir));
  std::vector<WrittenFile> out;
  for (Format f : formats) {
    const auto start = std::chrono::steady_clock::now();
    const std::string path = absl::StrCat(dir, "/", FormatFileName(f));
    switch (f) {
      case Format::kMarkdown:
        GOVINSPECT_RETURN_IF_ERROR(WriteFileAtomically(path, RenderMarkdown(notice)));
        break;
      case Format::kJson:
        GOVINSPECT_RETURN_IF_ERROR(WriteFileAtomically(path, RenderJson(notice)));
        break;
      case Format::kHtml:
        GOVINSPECT_RETURN_IF_ERROR(WriteFileAtomically(path, RenderHtml(notice)));
        break;
      case Format::kPdf:
        GOVINSPECT_RETURN_IF_ERROR(WriteNoticePdf(notice, path));
        break;
      case Format::kXlsx:
        GOVINSPECT_RETURN_IF_ERROR(WriteWorkbook(notice, path));
        break;
    }
    WrittenFile w{f, FormatFileName(f), 0, "", 0};
    GOVINSPECT_ASSIGN_OR_RETURN(w.size_bytes, FileSize(path));
    w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.push_back(std::move(w));
  }
  if (unit_sheets && !notice.sheets.empty()) {
    GOVINSPECT_RETURN_IF_ERROR(MakeDir(dir + "/units"));
    int index = 0;
    for (const UnitSheet& s : notice.sheets) {
      const auto start = std::chrono::steady_clock::now();
      WrittenFile w{Format::kPdf, absl::StrCat("units/", common::UnitSheetFileName(s.unit, ++index)), 0,
                    s.unit, 0};
      const std::string path = absl::StrCat(dir, "/", w.file);
      GOVINSPECT_RETURN_IF_ERROR(WriteUnitSheetPdf(notice, s, path));
      GOVINSPECT_ASSIGN_OR_RETURN(w.size_bytes, FileSize(path));
      w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace govinspect::report
