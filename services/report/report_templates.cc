#include "services/report/report_templates.h"

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"

namespace govinspect::report {

// Generated from templates/report/** (services/report/CMakeLists.txt).
struct EmbeddedTemplateFile {
  const char* path;  // "gov-2019/notice.conf"
  const char* content;
};
extern const EmbeddedTemplateFile kEmbeddedTemplateFiles[];
extern const int kEmbeddedTemplateFileCount;

namespace {

constexpr const char* kRequiredFiles[] = {"notice.conf",  "title.txt",        "opening.txt",
                                          "overall.txt",  "followup.txt",     "requirements.txt",
                                          "rectification.txt", "kinds.txt"};

// Settings that must be present and non-empty.
constexpr const char* kRequiredSettings[] = {"office", "region", "region_all", "center",
                                             "addressee", "annex_title"};

std::string TrimText(absl::string_view s) {
  // Keeps inner newlines (one paragraph per line); drops trailing whitespace and a BOM.
  absl::ConsumePrefix(&s, "\xEF\xBB\xBF");
  return std::string(absl::StripAsciiWhitespace(s));
}

// key = value lines; '#' starts a comment line.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseKeyValues(
    const std::string& file, absl::string_view content) {
  absl::ConsumePrefix(&content, "\xEF\xBB\xBF");
  std::vector<std::pair<std::string, std::string>> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", line_no, ": want \"name = value\", got \"", line, "\""));
    }
    std::string key(absl::StripAsciiWhitespace(line.substr(0, eq)));
    std::string value(absl::StripAsciiWhitespace(line.substr(eq + 1)));
    if (key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", line_no, ": empty name"));
    }
    for (const auto& [k, v] : out) {
      if (k == key) {
        return absl::InvalidArgumentError(
            absl::StrCat(file, ":", line_no, ": \"", key, "\" given twice"));
      }
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

// Checks that every {placeholder} of `text` is known; errors name the file and line.
absl::Status CheckPlaceholders(const std::string& file, absl::string_view text) {
  static const std::set<std::string>* known = [] {
    auto* s = new std::set<std::string>(KnownPlaceholders().begin(), KnownPlaceholders().end());
    return s;
  }();
  int line_no = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ++line_no;
    if (text[i] != '{') continue;
    size_t end = text.find('}', i);
    if (end == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", line_no, ": unclosed \"{\""));
    }
    std::string name(text.substr(i + 1, end - i - 1));
    if (!known->count(name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, ":", line_no, ": unknown placeholder {", name, "} (known: ",
          absl::StrJoin(KnownPlaceholders(), ", "), ")"));
    }
    i = end;
  }
  return absl::OkStatus();
}

absl::Status ValidateSettings(const std::map<std::string, std::string>& s) {
  for (const char* key : kRequiredSettings) {
    auto it = s.find(key);
    if (it == s.end() || it->second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("notice.conf: \"", key, "\" must be set"));
    }
  }
  auto check_int = [&](const char* key, int lo, int hi) -> absl::Status {
    auto it = s.find(key);
    if (it == s.end() || it->second.empty()) return absl::OkStatus();
    int v = 0;
    if (!absl::SimpleAtoi(it->second, &v) || v < lo || v > hi) {
      return absl::InvalidArgumentError(absl::StrCat("notice.conf: ", key, " = \"", it->second,
                                                     "\": want an integer in [", lo, ", ", hi,
                                                     "]"));
    }
    return absl::OkStatus();
  };
  GOVINSPECT_RETURN_IF_ERROR(check_int("rectification_days", 0, 365));
  GOVINSPECT_RETURN_IF_ERROR(check_int("max_examples", 1, 50));
  if (auto it = s.find("report_date"); it != s.end() && !it->second.empty()) {
    absl::CivilDay d;
    if (!absl::ParseCivilTime(it->second, &d)) {
      return absl::InvalidArgumentError(absl::StrCat("notice.conf: report_date = \"", it->second,
                                                     "\": want YYYY-MM-DD"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& KnownPlaceholders() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      // every template
      "office", "region", "region_all", "center", "upper_office", "period", "quarter", "year",
      "as_of", "as_of_cn", "report_date_cn", "rectification_deadline", "rectification_days",
      "round",
      // overall.txt
      "site_counts", "account_count", "sites_total", "sites_passed", "sites_failed",
      "sites_not_assessed", "sites_not_assessed_clause", "site_pass_rate", "site_issue_clause",
      "accounts_total", "accounts_passed", "accounts_failed", "accounts_not_assessed",
      "accounts_not_assessed_clause", "account_pass_rate", "account_issue_clause",
      // followup.txt
      "previous_period", "previous_round", "previous_total", "fixed", "still", "still_examples",
      "unverified", "unverified_clause", "new",
      // problems/*.txt
      "targets", "units", "count"};
  return *names;
}

std::string ReportTemplates::Setting(const std::string& key) const {
  auto it = settings.find(key);
  return it == settings.end() ? "" : it->second;
}

int ReportTemplates::IntSetting(const std::string& key, int fallback) const {
  int v = 0;
  return absl::SimpleAtoi(Setting(key), &v) ? v : fallback;
}

std::string ReportTemplates::KindLabel(const std::string& kind) const {
  auto it = kind_labels.find(kind);
  return it == kind_labels.end() ? kind : it->second;
}

absl::StatusOr<ReportTemplates> ParseTemplates(const TemplateFiles& files) {
  for (const char* f : kRequiredFiles) {
    if (!files.count(f)) {
      return absl::InvalidArgumentError(absl::StrCat("template file ", f, " is missing"));
    }
  }
  ReportTemplates t;
  GOVINSPECT_ASSIGN_OR_RETURN(auto settings, ParseKeyValues("notice.conf", files.at("notice.conf")));
  for (auto& [k, v] : settings) t.settings[k] = v;
  GOVINSPECT_RETURN_IF_ERROR(ValidateSettings(t.settings));

  struct Text {
    const char* file;
    std::string* out;
  };
  for (const Text& x : {Text{"title.txt", &t.title}, Text{"opening.txt", &t.opening},
                        Text{"upper-level.txt", &t.upper_level}, Text{"overall.txt", &t.overall},
                        Text{"followup.txt", &t.followup},
                        Text{"requirements.txt", &t.requirements},
                        Text{"rectification.txt", &t.rectification}}) {
    auto it = files.find(x.file);
    if (it == files.end()) continue;  // only upper-level.txt is optional
    *x.out = TrimText(it->second);
    GOVINSPECT_RETURN_IF_ERROR(CheckPlaceholders(x.file, *x.out));
  }
  if (t.title.empty()) return absl::InvalidArgumentError("title.txt is empty");

  GOVINSPECT_ASSIGN_OR_RETURN(auto kinds, ParseKeyValues("kinds.txt", files.at("kinds.txt")));
  for (auto& [k, v] : kinds) t.kind_labels[k] = v;

  for (const auto& [name, content] : files) {  // std::map: problems/ files in name order
    if (!absl::StartsWith(name, "problems/") || !absl::EndsWith(name, ".txt")) continue;
    GOVINSPECT_ASSIGN_OR_RETURN(auto kv, ParseKeyValues(name, content));
    ProblemGroup g;
    g.file = name;
    for (auto& [k, v] : kv) {
      if (k == "title") {
        g.title = v;
      } else if (k == "lead") {
        g.lead = v;
      } else {
        g.sentences.emplace_back(k, v);
      }
      GOVINSPECT_RETURN_IF_ERROR(CheckPlaceholders(absl::StrCat(name, " (", k, ")"), v));
    }
    if (g.title.empty()) return absl::InvalidArgumentError(absl::StrCat(name, ": title is empty"));
    for (const auto& other : t.problems) {
      for (const auto& [kind, _] : g.sentences) {
        for (const auto& [okind, __] : other.sentences) {
          if (kind == okind) {
            return absl::InvalidArgumentError(absl::StrCat(
                name, ": kind ", kind, " is already in ", other.file, " (one paragraph per kind)"));
          }
        }
      }
    }
    t.problems.push_back(std::move(g));
  }
  return t;
}

absl::StatusOr<TemplateFiles> ReadTemplateDir(const std::string& dir) {
  TemplateFiles files;
  for (const std::string sub : {"", "problems/"}) {
    std::string path = absl::StrCat(dir, "/", sub);
    DIR* d = opendir(path.c_str());
    if (d == nullptr) {
      if (sub.empty()) {
        return absl::NotFoundError(absl::StrCat("template directory ", dir, " does not exist"));
      }
      continue;
    }
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      std::string full = path + name;
      struct stat st;
      if (stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      std::ifstream in(full, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!in.good() && !in.eof()) {
        closedir(d);
        return absl::UnavailableError(absl::StrCat("cannot read ", full));
      }
      files[sub + name] = ss.str();
    }
    closedir(d);
  }
  return files;
}

absl::StatusOr<TemplateFiles> EmbeddedTemplateFiles(const std::string& name) {
  TemplateFiles files;
  const std::string prefix = name + "/";
  for (int i = 0; i < kEmbeddedTemplateFileCount; ++i) {
    absl::string_view path = kEmbeddedTemplateFiles[i].path;
    if (absl::ConsumePrefix(&path, prefix)) files[std::string(path)] = kEmbeddedTemplateFiles[i].content;
  }
  if (files.empty()) {
    return absl::NotFoundError(absl::StrCat("no compiled-in report templates named ", name));
  }
  return files;
}

absl::StatusOr<ReportTemplates> LoadTemplates(const std::string& dir) {
  TemplateFiles files;
  if (dir.empty()) {
    GOVINSPECT_ASSIGN_OR_RETURN(files, EmbeddedTemplateFiles("gov-2019"));
  } else {
    GOVINSPECT_ASSIGN_OR_RETURN(files, ReadTemplateDir(dir));
  }
  auto t = ParseTemplates(files);
  if (!t.ok() && !dir.empty()) {
    return absl::Status(t.status().code(), absl::StrCat(dir, "/", t.status().message()));
  }
  return t;
}

absl::StatusOr<std::string> Expand(absl::string_view text,
                                   const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '{') {
      out.push_back(text[i++]);
      continue;
    }
    size_t end = text.find('}', i);
    if (end == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("unclosed \"{\" in \"", text, "\""));
    }
    std::string name(text.substr(i + 1, end - i - 1));
    auto it = values.find(name);
    if (it == values.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("placeholder {", name, "} has no value in this paragraph"));
    }
    out += it->second;
    i = end + 1;
  }
  return out;
}

}  // namespace govinspect::report
