#include "services/crawler/column_categories.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace govinspect::crawler {

extern const char kColumnCategoriesData[];

namespace {
const char* const kCategories[] = {"news",    "notice",  "policy",  "interpretation", "personnel",
                                   "planning", "finance", "profile", "service",        "consult",
                                   "stats",   "survey",  "feedback", "other"};
}  // namespace

bool ColumnCategories::IsCategory(absl::string_view c) {
  for (const char* k : kCategories) {
    if (c == k) return true;
  }
  return false;
}

bool ColumnCategories::IsUpdating(absl::string_view c) {
  return c == "news" || c == "notice" || c == "policy" || c == "interpretation" || c == "personnel" ||
         c == "planning" || c == "finance";
}

absl::CivilDay ColumnCategories::StaleBefore(absl::string_view c, absl::CivilDay as_of) {
  if (c == "news") return as_of - 14;
  if (c == "notice" || c == "policy" || c == "interpretation") return AddMonths(as_of, -6);
  return AddMonths(as_of, -12);
}

absl::StatusOr<ColumnCategories> ColumnCategories::Parse(absl::string_view data, absl::string_view file_name) {
  ColumnCategories out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(data, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (!IsCategory(f[0])) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_no, ": unknown category \"", f[0], "\""));
    }
    if (f.size() < 2) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_no, ": no keyword for \"", f[0], "\""));
    }
    for (size_t i = 1; i < f.size(); ++i) out.keywords_.emplace_back(std::string(f[i]), std::string(f[0]));
  }
  if (out.keywords_.empty()) return absl::InvalidArgumentError(absl::StrCat(file_name, ": no keywords"));
  return out;
}

absl::StatusOr<ColumnCategories> ColumnCategories::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

const ColumnCategories& ColumnCategories::Default() {
  static const ColumnCategories* c = [] {
    auto parsed = Parse(kColumnCategoriesData, "data/crawler/column-categories.txt");
    return new ColumnCategories(parsed.ok() ? *std::move(parsed) : ColumnCategories());
  }();
  return *c;
}

std::string ColumnCategories::Classify(absl::string_view name) const {
  for (const auto& [kw, cat] : keywords_) {
    if (absl::StrContains(name, kw)) return cat;
  }
  return "other";
}

}  // namespace govinspect::crawler
