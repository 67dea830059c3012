#ifndef GOVINSPECT_COMMON_TEXT_DICTIONARY_H_
#define GOVINSPECT_COMMON_TEXT_DICTIONARY_H_

// The word lists of the content checker (docs/text.md). Three UTF-8 text files, `#` comments,
// blank lines ignored:
//
//   expression-errors.txt  WRONG<TAB>RIGHT                 严重表述错误
//   sensitive-words.txt    WORD                            敏感词
//   abolished-names.txt    OLD<TAB>NEW<TAB>YYYY-MM-DD      names invalid since the date
//
// The default set (data/dictionaries/) is compiled in; LoadDirectory reads the same files from a
// configured directory (each file optional there: a missing file means an empty list).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace govinspect::common {

struct ExpressionError {
  std::string wrong;
  std::string right;
};

struct AbolishedName {
  std::string old_name;
  std::string new_name;
  // The first day on which `old_name` is wrong.
  absl::CivilDay invalid_since;
};

struct Dictionary {
  std::vector<ExpressionError> expression_errors;
  std::vector<std::string> sensitive_words;
  std::vector<AbolishedName> abolished_names;

  size_t size() const {
    return expression_errors.size() + sensitive_words.size() + abolished_names.size();
  }

  // Each parser validates UTF-8, field counts and dates; errors name `file_name:line`.
  static absl::StatusOr<std::vector<ExpressionError>> ParseExpressionErrors(
      absl::string_view data, absl::string_view file_name);
  static absl::StatusOr<std::vector<std::string>> ParseSensitiveWords(
      absl::string_view data, absl::string_view file_name);
  static absl::StatusOr<std::vector<AbolishedName>> ParseAbolishedNames(
      absl::string_view data, absl::string_view file_name);

  // The compiled-in default set (data/dictionaries/).
  static const Dictionary& Default();
  // Reads expression-errors.txt, sensitive-words.txt and abolished-names.txt from `dir`.
  // NOT_FOUND if the directory holds none of them.
  static absl::StatusOr<Dictionary> LoadDirectory(const std::string& dir);
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_TEXT_DICTIONARY_H_
