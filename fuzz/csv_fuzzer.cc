// Fuzz target: the CSV reader (common/csv/csv_reader.h) used by every registry and filing
// import. Rows come with 1-based, non-decreasing line numbers inside the text, and their fields
// are well-formed UTF-8 (the reader rejects anything else).

#include <cstddef>
#include <cstdint>

#include "common/csv/csv_reader.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const int bad = govinspect::common::FirstInvalidUtf8Line(text);
  FUZZ_CHECK(bad >= 0);
  const auto rows = govinspect::common::ParseCsv(text, "sites.csv");
  if (!rows.ok()) return 0;
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  int last = 0;
  for (const govinspect::common::CsvRow& row : *rows) {
    FUZZ_CHECK(row.line >= 1 && static_cast<size_t>(row.line) <= lines);
    FUZZ_CHECK(row.line >= last);
    last = row.line;
    FUZZ_CHECK(!row.fields.empty());
    for (const auto& f : row.fields) FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(f));
  }
  return 0;
}
