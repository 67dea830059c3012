#ifndef GOVINSPECT_COMMON_TEXT_CONTENT_CHECKER_H_
#define GOVINSPECT_COMMON_TEXT_CONTENT_CHECKER_H_

// The ONE content checker of govinspect (crawler pages, new-media posts): serious expression
// errors, sensitive words, abolished institution names (only in texts published on or after the
// day the name became invalid) and privacy leaks (18-digit resident ID numbers with a valid
// GB 11643 check digit and a plausible birth date; mainland mobile numbers), all found in one
// left-to-right pass over the text (docs/text.md). Transport-free and page-agnostic: the caller
// extracts the text (UTF-8) and knows the publish date.
//
//   auto checker = ContentChecker::Create(Dictionary::Default());
//   for (const ContentMatch& m : (*checker)->Check(post_text, absl::CivilDay(2020, 6, 28))) …
//
// Immutable after Create; Check is thread-safe and linear in the text.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/text/aho_corasick.h"
#include "common/text/dictionary.h"

namespace govinspect::common {

enum class ContentKind {
  kExpressionError,
  kSensitiveWord,
  kAbolishedName,
  kPrivacyIdNumber,
  kPrivacyMobile,
};

// The finding kind of docs/finding-kinds.md: "expression_error", "sensitive_word",
// "abolished_name", "privacy_id_number", "privacy_mobile".
const char* ContentKindName(ContentKind kind);

struct ContentMatch {
  ContentKind kind;
  // The matched text (the wrong form, the word, the old name, the number). Valid UTF-8.
  std::string text;
  // ±context_chars characters around the match, valid UTF-8, control characters as spaces.
  std::string excerpt;
  // Byte offset and length of the match in the checked text.
  size_t offset = 0;
  size_t length = 0;
  // expression_error: "correct: RIGHT"; abolished_name: "correct: NEW (invalid since
  // YYYY-MM-DD)"; empty otherwise.
  std::string detail;
};

struct ContentCheckerOptions {
  // Characters of context on each side of a match in `excerpt`.
  int context_chars = 20;
  // Report each (kind, text) once, at its first occurrence.
  bool dedupe = true;
  // At most this many matches per Check (a spammed page repeating a word 100,000 times).
  size_t max_matches = 1000;
  bool check_id_numbers = true;
  bool check_mobiles = true;
  // Abolished names in a text whose publish date is unknown: reported (true) or not (false,
  // default: the old name may have been right when the text was written).
  bool abolished_when_date_unknown = false;
};

class ContentChecker {
 public:
  // INVALID_ARGUMENT for a term that is empty or not valid UTF-8.
  static absl::StatusOr<std::unique_ptr<ContentChecker>> Create(
      const Dictionary& dictionary, ContentCheckerOptions options = {});

  // Matches in order of their offset. Where one dictionary match lies inside another (四个意思
  // inside 增强“四个意思”), only the longer one is reported. `publish_date` decides abolished
  // names and bounds plausible birth dates (none = today's year is the bound).
  std::vector<ContentMatch> Check(absl::string_view text,
                                  std::optional<absl::CivilDay> publish_date) const;

  size_t term_count() const { return terms_.size(); }
  const AhoCorasick& automaton() const { return *automaton_; }

 private:
  struct Term {
    ContentKind kind;
    std::string text;
    std::string detail;
    absl::CivilDay invalid_since;  // abolished names only
  };
  ContentChecker(std::vector<Term> terms, ContentCheckerOptions options);

  std::vector<Term> terms_;
  ContentCheckerOptions options_;
  std::unique_ptr<AhoCorasick> automaton_;
};

// GB 11643-1999: is `id` (17 digits + digit or X) a resident ID number with a valid check digit,
// a known province code and a real birth date not after `not_after` and not before 1900?
bool IsPlausibleIdNumber(absl::string_view id, absl::CivilDay not_after);
// 11 digits, 1[3-9]…: a mainland mobile number.
bool IsMobileNumber(absl::string_view digits);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_TEXT_CONTENT_CHECKER_H_
