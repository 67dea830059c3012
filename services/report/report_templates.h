#ifndef GOVINSPECT_SERVICES_REPORT_REPORT_TEMPLATES_H_
#define GOVINSPECT_SERVICES_REPORT_REPORT_TEMPLATES_H_

// The 通报's wording as data (templates/report/<name>/, docs/report.md): notice.conf (office,
// addressee, deadlines), one text file per paragraph with {placeholders}, problems/*.txt (one
// paragraph of 二、发现的主要问题 per file, one sentence per finding kind) and kinds.txt (the
// Chinese name of every finding kind). The gov-2019 set is compiled in; an office points
// --templates_dir at its own copy to change the wording.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::report {

// One paragraph of 二、发现的主要问题.
struct ProblemGroup {
  // e.g. problems/01-review.txt
  std::string file;
  std::string title;
  std::string lead;
  // (finding kind, sentence template) in file order.
  std::vector<std::pair<std::string, std::string>> sentences;
};

struct ReportTemplates {
  std::map<std::string, std::string> settings;
  std::string title;
  std::string opening;
  std::string upper_level;
  std::string overall;
  std::string followup;
  std::string requirements;
  std::string rectification;
  std::vector<ProblemGroup> problems;
  std::map<std::string, std::string> kind_labels;

  // The setting's value, "" when absent.
  std::string Setting(const std::string& key) const;
  int IntSetting(const std::string& key, int fallback) const;
  // The Chinese name of a finding kind (the kind itself when kinds.txt lacks it).
  std::string KindLabel(const std::string& kind) const;
};

// Relative file name ("notice.conf", "problems/01-review.txt") → content.
using TemplateFiles = std::map<std::string, std::string>;

// Parses and validates a template set. INVALID_ARGUMENT naming the file and line for a missing
// file, a malformed line, an unknown placeholder or a bad setting value.
absl::StatusOr<ReportTemplates> ParseTemplates(const TemplateFiles& files);

// Reads every file of a template directory. NOT_FOUND if it does not exist.
absl::StatusOr<TemplateFiles> ReadTemplateDir(const std::string& dir);

// The compiled-in template set `name` (e.g. "gov-2019"); NOT_FOUND if there is none.
absl::StatusOr<TemplateFiles> EmbeddedTemplateFiles(const std::string& name);

// `dir` empty: the compiled-in gov-2019 set; else the directory's.
absl::StatusOr<ReportTemplates> LoadTemplates(const std::string& dir);

// Replaces every {name} with values[name]. INVALID_ARGUMENT for a placeholder without a value.
absl::StatusOr<std::string> Expand(absl::string_view text,
                                   const std::map<std::string, std::string>& values);

// The placeholders a template may use (docs/report.md lists them).
const std::vector<std::string>& KnownPlaceholders();

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_REPORT_TEMPLATES_H_
