#include "common/csv/csv_reader.h"

#include <csv.h>

#include "absl/strings/str_cat.h"

namespace govinspect::common {
namespace {

struct ParseState {
  std::vector<CsvRow> rows;
  CsvRow current;
  int line = 1;             // physical line being fed
  int record_start = 1;     // line where the current record began
  bool record_open = false;
};

void OnField(void* data, size_t len, void* state_ptr) {
  auto* st = static_cast<ParseState*>(state_ptr);
  if (!st->record_open) {
    st->record_open = true;
    st->current.line = st->record_start;
  }
  st->current.fields.emplace_back(data != nullptr ? static_cast<const char*>(data) : "", len);
}

void OnRow(int /*terminator*/, void* state_ptr) {
  auto* st = static_cast<ParseState*>(state_ptr);
  bool blank = st->current.fields.empty() ||
               (st->current.fields.size() == 1 && st->current.fields[0].empty());
  if (!blank) st->rows.push_back(std::move(st->current));
  st->current = CsvRow{};
  st->record_open = false;
}

}  // namespace

int FirstInvalidUtf8Line(absl::string_view s) {
  int line = 1;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n') ++line;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = 0;
    unsigned int cp = 0;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return line;
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return line;
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return line;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range code points.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return line;
    }
    i += n + 1;
  }
  return 0;
}

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view content,
                                             absl::string_view file_name) {
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  if (int bad = FirstInvalidUtf8Line(content); bad != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_name, ":", bad, ": not valid UTF-8 (save the file as UTF-8, not GBK)"));
  }
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return absl::ResourceExhaustedError("csv: cannot initialise parser");
  }
  ParseState st;
  size_t pos = 0;
  absl::Status error;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    size_t end = nl == absl::string_view::npos ? content.size() : nl + 1;
    absl::string_view chunk = content.substr(pos, end - pos);
    // A record starts on the first non-blank line fed while no row is in progress.
    bool blank = chunk == "\n" || chunk == "\r\n";
    if (parser.pstate == 0 && !blank) st.record_start = st.line;
    if (csv_parse(&parser, chunk.data(), chunk.size(), OnField, OnRow, &st) != chunk.size()) {
      error = absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", st.line, ": malformed CSV (",
                       csv_strerror(csv_error(&parser)), "; check the double quotes)"));
      break;
    }
    if (nl != absl::string_view::npos) ++st.line;
    pos = end;
  }
  if (error.ok() && csv_fini(&parser, OnField, OnRow, &st) != 0) {
    error = absl::InvalidArgumentError(absl::StrCat(
        file_name, ":", st.record_start, ": malformed CSV (unterminated quoted field)"));
  }
  csv_free(&parser);
  if (!error.ok()) return error;
  return std::move(st.rows);
}

}  // namespace govinspect::common
