#include "tools/simprovince/dictionaries.h"

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace govinspect::simprovince {

extern const char kExpressionErrorsData[];
extern const char kSensitiveWordsData[];
extern const char kAbolishedNamesData[];

namespace {

std::vector<std::vector<std::string>> Rows(absl::string_view text) {
  std::vector<std::vector<std::string>> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> row = absl::StrSplit(line, '\t');
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

const Dictionaries& Dictionaries::BuiltIn() {
  static const Dictionaries* d = [] {
    auto* dict = new Dictionaries;
    for (auto& r : Rows(kExpressionErrorsData)) {
      if (r.size() >= 2) dict->expression_errors.push_back({r[0], r[1]});
    }
    for (auto& r : Rows(kSensitiveWordsData)) dict->sensitive_words.push_back(r[0]);
    for (auto& r : Rows(kAbolishedNamesData)) {
      if (r.size() < 3) continue;
      absl::StatusOr<Day> since = ParseIsoDate(r[2]);
      if (since.ok()) dict->abolished_names.push_back({r[0], r[1], *since});
    }
    return dict;
  }();
  return *d;
}

}  // namespace govinspect::simprovince
