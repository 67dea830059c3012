#ifndef GOVINSPECT_COMMON_CSV_CSV_READER_H_
#define GOVINSPECT_COMMON_CSV_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

struct CsvRow {
  int line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

// Parses RFC 4180 CSV (via libcsv, strict mode). The content must be UTF-8 (a BOM is skipped);
// errors name the file and line: "sites.csv:7: not valid UTF-8 (saved as GBK?)".
// Blank lines are skipped.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view content,
                                             absl::string_view file_name);

// Returns the 1-based line of the first byte that is not valid UTF-8, or 0 if all is valid.
int FirstInvalidUtf8Line(absl::string_view text);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_CSV_CSV_READER_H_
