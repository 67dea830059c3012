#include "common/text/dictionary.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/text/utf8.h"

namespace govinspect::common {

extern const char kExpressionErrorsData[];  // generated from data/dictionaries/*.txt
extern const char kSensitiveWordsData[];
extern const char kAbolishedNamesData[];

namespace {

struct Line {
  int number;
  std::vector<std::string> fields;
};

// Non-comment, non-blank lines split on tabs, each field trimmed.
absl::StatusOr<std::vector<Line>> Lines(absl::string_view data, absl::string_view file_name,
                                        size_t want_fields) {
  if (absl::StartsWith(data, "\xEF\xBB\xBF")) data.remove_prefix(3);
  std::vector<Line> out;
  int number = 0;
  std::set<std::string> seen;
  for (absl::string_view raw : absl::StrSplit(data, '\n')) {
    ++number;
    absl::string_view line = absl::StripTrailingAsciiWhitespace(raw);
    if (absl::StripLeadingAsciiWhitespace(line).empty() ||
        absl::StripLeadingAsciiWhitespace(line)[0] == '#') {
      continue;
    }
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", number, ": ", what));
    };
    if (!IsValidUtf8(line)) return error("not valid UTF-8 (saved as GBK?)");
    Line l{number, {}};
    for (absl::string_view f : absl::StrSplit(line, '\t')) {
      l.fields.emplace_back(absl::StripAsciiWhitespace(f));
    }
    if (l.fields.size() != want_fields) {
      return error(absl::StrCat("want ", want_fields, " tab-separated field",
                                want_fields == 1 ? "" : "s", ", got ", l.fields.size()));
    }
    for (const std::string& f : l.fields) {
      if (f.empty()) return error("empty field");
    }
    if (!seen.insert(l.fields[0]).second) {
      return error(absl::StrCat("\"", l.fields[0], "\" is listed twice"));
    }
    out.push_back(std::move(l));
  }
  return out;
}

bool ParseDay(absl::string_view s, absl::CivilDay* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return false;
  *out = day;
  return true;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::StatusOr<std::vector<ExpressionError>> Dictionary::ParseExpressionErrors(
    absl::string_view data, absl::string_view file_name) {
  auto lines = Lines(data, file_name, 2);
  if (!lines.ok()) return lines.status();
  std::vector<ExpressionError> out;
  for (Line& l : *lines) {
    if (l.fields[0] == l.fields[1]) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", l.number, ": the wrong and the right form are the same"));
    }
    out.push_back({std::move(l.fields[0]), std::move(l.fields[1])});
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Dictionary::ParseSensitiveWords(
    absl::string_view data, absl::string_view file_name) {
  auto lines = Lines(data, file_name, 1);
  if (!lines.ok()) return lines.status();
  std::vector<std::string> out;
  for (Line& l : *lines) out.push_back(std::move(l.fields[0]));
  return out;
}

absl::StatusOr<std::vector<AbolishedName>> Dictionary::ParseAbolishedNames(
    absl::string_view data, absl::string_view file_name) {
  auto lines = Lines(data, file_name, 3);
  if (!lines.ok()) return lines.status();
  std::vector<AbolishedName> out;
  for (Line& l : *lines) {
    AbolishedName a;
    if (!ParseDay(l.fields[2], &a.invalid_since)) {
      return absl::InvalidArgumentError(absl::StrCat(
          file_name, ":", l.number, ": \"", l.fields[2], "\" is not a YYYY-MM-DD date"));
    }
    // "[市县区]农业局<TAB>农业农村局": one entry per level character, written before both names
    // (市农业局 → 市农业农村局 …), for bodies whose bare name is also part of common words.
    const std::string& old_name = l.fields[0];
    if (absl::StartsWith(old_name, "[")) {
      const size_t close = old_name.find(']');
      if (close == std::string::npos || close == 1 || close + 1 >= old_name.size()) {
        return absl::InvalidArgumentError(absl::StrCat(file_name, ":", l.number, ": \"", old_name,
                                                       "\" has an unclosed or empty [levels] prefix"));
      }
      absl::string_view levels = absl::string_view(old_name).substr(1, close - 1);
      const std::string rest = old_name.substr(close + 1);
      for (size_t i = 0; i < levels.size();) {
        size_t len = 1;
        const auto c = static_cast<unsigned char>(levels[i]);
        if (c >= 0xF0) len = 4;
        else if (c >= 0xE0) len = 3;
        else if (c >= 0xC0) len = 2;
        const std::string level(levels.substr(i, len));
        i += len;
        AbolishedName e;
        e.invalid_since = a.invalid_since;
        e.old_name = level + rest;
        e.new_name = level + l.fields[1];
        out.push_back(std::move(e));
      }
      continue;
    }
    a.old_name = std::move(l.fields[0]);
    a.new_name = std::move(l.fields[1]);
    out.push_back(std::move(a));
  }
  return out;
}

const Dictionary& Dictionary::Default() {
  static const Dictionary* dict = [] {
    auto* d = new Dictionary;
    auto e = ParseExpressionErrors(kExpressionErrorsData, "expression-errors.txt (built in)");
    auto s = ParseSensitiveWords(kSensitiveWordsData, "sensitive-words.txt (built in)");
    auto a = ParseAbolishedNames(kAbolishedNamesData, "abolished-names.txt (built in)");
    // The built-in files are tested (content_checker_test); a failure here is a build defect.
    if (!e.ok() || !s.ok() || !a.ok()) std::abort();
    d->expression_errors = *std::move(e);
    d->sensitive_words = *std::move(s);
    d->abolished_names = *std::move(a);
    return d;
  }();
  return *dict;
}

absl::StatusOr<Dictionary> Dictionary::LoadDirectory(const std::string& dir) {
  Dictionary d;
  int found = 0;
  auto load = [&](const char* name, auto parse, auto* into) -> absl::Status {
    std::string path = (std::filesystem::path(dir) / name).string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return absl::OkStatus();
    ++found;
    auto data = ReadFile(path);
    if (!data.ok()) return data.status();
    auto parsed = parse(*data, path);
    if (!parsed.ok()) return parsed.status();
    *into = *std::move(parsed);
    return absl::OkStatus();
  };
  if (auto s = load("expression-errors.txt", &Dictionary::ParseExpressionErrors,
                    &d.expression_errors);
      !s.ok()) {
    return s;
  }
  if (auto s = load("sensitive-words.txt", &Dictionary::ParseSensitiveWords, &d.sensitive_words);
      !s.ok()) {
    return s;
  }
  if (auto s = load("abolished-names.txt", &Dictionary::ParseAbolishedNames, &d.abolished_names);
      !s.ok()) {
    return s;
  }
  if (found == 0) {
    return absl::NotFoundError(absl::StrCat(
        "dictionary directory ", dir,
        " holds none of expression-errors.txt, sensitive-words.txt, abolished-names.txt"));
  }
  return d;
}

}  // namespace govinspect::common
