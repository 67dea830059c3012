// Fuzz target: the content checker (common/text/content_checker.h) with the default dictionary,
// and the dictionary file parsers (common/text/dictionary.h).
//
// Input: a mode byte, a publish-date byte, then the text. Modes 0-3 check the text with the
// default dictionary under different options; modes 4-6 parse the text as expression-errors.txt,
// sensitive-words.txt or abolished-names.txt and, when it parses, check the text itself with a
// checker built from it. Every match lies inside the text, is what the text holds at its offset,
// comes in offset order, and its text and excerpt are well-formed UTF-8.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/text/content_checker.h"
#include "common/text/dictionary.h"
#include "fuzz/fuzz_support.h"

namespace {

using govinspect::common::ContentChecker;
using govinspect::common::ContentCheckerOptions;
using govinspect::common::ContentMatch;
using govinspect::common::Dictionary;

std::unique_ptr<ContentChecker> Make(const Dictionary& dict, ContentCheckerOptions options) {
  auto c = ContentChecker::Create(dict, options);
  FUZZ_CHECK(c.ok());
  return *std::move(c);
}

const std::vector<std::unique_ptr<ContentChecker>>& DefaultCheckers() {
  static const auto* checkers = [] {
    auto* v = new std::vector<std::unique_ptr<ContentChecker>>;
    ContentCheckerOptions plain;
    v->push_back(Make(Dictionary::Default(), plain));
    ContentCheckerOptions all;
    all.dedupe = false;
    all.context_chars = 0;
    all.max_matches = 5;
    v->push_back(Make(Dictionary::Default(), all));
    ContentCheckerOptions wide;
    wide.context_chars = 200;
    wide.abolished_when_date_unknown = true;
    v->push_back(Make(Dictionary::Default(), wide));
    ContentCheckerOptions dict_only;
    dict_only.check_id_numbers = false;
    dict_only.check_mobiles = false;
    dict_only.context_chars = -3;
    v->push_back(Make(Dictionary::Default(), dict_only));
    return v;
  }();
  return *checkers;
}

void CheckMatches(const ContentChecker& checker, absl::string_view text,
                  std::optional<absl::CivilDay> day) {
  const std::vector<ContentMatch> matches = checker.Check(text, day);
  size_t last = 0;
  for (const ContentMatch& m : matches) {
    FUZZ_CHECK(m.length > 0);
    FUZZ_CHECK(m.offset <= text.size() && m.length <= text.size() - m.offset);
    FUZZ_CHECK(text.substr(m.offset, m.length) == m.text);
    FUZZ_CHECK(m.offset >= last);
    last = m.offset;
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(m.text));
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(m.excerpt));
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(m.detail));
    FUZZ_CHECK(govinspect::common::ContentKindName(m.kind)[0] != 'u');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  govinspect::fuzz::FuzzInput in(data, size);
  const size_t mode = in.Pick(7);
  const uint8_t d = in.Byte();
  std::optional<absl::CivilDay> day;
  if (d != 0) day = absl::CivilDay(2012 + d % 12, 1 + d % 12, 1 + d % 28);
  const absl::string_view text = in.Rest();

  if (mode < 4) {
    CheckMatches(*DefaultCheckers()[mode], text, day);
    return 0;
  }
  Dictionary dict;
  if (mode == 4) {
    auto e = Dictionary::ParseExpressionErrors(text, "expression-errors.txt");
    if (!e.ok()) return 0;
    dict.expression_errors = *std::move(e);
  } else if (mode == 5) {
    auto s = Dictionary::ParseSensitiveWords(text, "sensitive-words.txt");
    if (!s.ok()) return 0;
    dict.sensitive_words = *std::move(s);
  } else {
    auto a = Dictionary::ParseAbolishedNames(text, "abolished-names.txt");
    if (!a.ok()) return 0;
    dict.abolished_names = *std::move(a);
  }
  auto checker = ContentChecker::Create(dict);
  if (!checker.ok()) return 0;
  FUZZ_CHECK((*checker)->term_count() == dict.size());
  CheckMatches(**checker, text, day);
  return 0;
}
