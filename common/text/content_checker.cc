#include "common/text/content_checker.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/text/utf8.h"

namespace govinspect::common {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool KnownProvince(int code) {
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82 || code == 83 || code == 91;
}

struct Candidate {
  size_t start;
  size_t end;
  int32_t term;  // -1: privacy match
  ContentKind kind;
};

}  // namespace

const char* ContentKindName(ContentKind kind) {
  switch (kind) {
    case ContentKind::kExpressionError: return "expression_error";
    case ContentKind::kSensitiveWord: return "sensitive_word";
    case ContentKind::kAbolishedName: return "abolished_name";
    case ContentKind::kPrivacyIdNumber: return "privacy_id_number";
    case ContentKind::kPrivacyMobile: return "privacy_mobile";
  }
  return "unknown";
}

bool IsPlausibleIdNumber(absl::string_view id, absl::CivilDay not_after) {
  if (id.size() != 18) return false;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  char last = id[17] == 'x' ? 'X' : id[17];
  if (last != kCheck[sum % 11]) return false;
  if (!KnownProvince((id[0] - '0') * 10 + (id[1] - '0'))) return false;
  auto num = [&](int pos, int len) {
    int v = 0;
    for (int i = pos; i < pos + len; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  const int y = num(6, 4), m = num(10, 2), d = num(12, 2);
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  absl::CivilDay birth(y, m, d);
  if (birth.year() != y || birth.month() != m || birth.day() != d) return false;  // 02-30
  return birth <= not_after;
}

bool IsMobileNumber(absl::string_view digits) {
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3' || digits[1] > '9') return false;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

absl::StatusOr<std::unique_ptr<ContentChecker>> ContentChecker::Create(
    const Dictionary& dictionary, ContentCheckerOptions options) {
  std::vector<Term> terms;
  terms.reserve(dictionary.size());
  for (const auto& e : dictionary.expression_errors) {
    terms.push_back({ContentKind::kExpressionError, e.wrong, absl::StrCat("correct: ", e.right),
                     absl::CivilDay()});
  }
  for (const auto& w : dictionary.sensitive_words) {
    terms.push_back({ContentKind::kSensitiveWord, w, "", absl::CivilDay()});
  }
  for (const auto& a : dictionary.abolished_names) {
    terms.push_back({ContentKind::kAbolishedName, a.old_name,
                     absl::StrCat("correct: ", a.new_name, " (invalid since ",
                                  absl::FormatCivilTime(a.invalid_since), ")"),
                     a.invalid_since});
  }
  for (const Term& t : terms) {
    if (t.text.empty() || !IsValidUtf8(t.text)) {
      return absl::InvalidArgumentError(
          absl::StrCat("dictionary term \"", SanitizeUtf8(t.text), "\" (",
                       ContentKindName(t.kind), ") is empty or not valid UTF-8"));
    }
  }
  if (options.context_chars < 0) options.context_chars = 0;
  return std::unique_ptr<ContentChecker>(new ContentChecker(std::move(terms), options));
}

ContentChecker::ContentChecker(std::vector<Term> terms, ContentCheckerOptions options)
    : terms_(std::move(terms)), options_(options) {
  std::vector<std::string> patterns;
  patterns.reserve(terms_.size());
  for (const Term& t : terms_) patterns.push_back(t.text);
  automaton_ = std::make_unique<AhoCorasick>(patterns);
}

std::vector<ContentMatch> ContentChecker::Check(absl::string_view text,
                                                std::optional<absl::CivilDay> publish_date) const {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 1;
  const absl::CivilDay birth_bound = publish_date.value_or(today);
  // A spammed text can hold millions of occurrences; candidates are bounded well above what is
  // reported so that containment can still be resolved among the first ones.
  const size_t max_candidates = std::max<size_t>(options_.max_matches * 8, 64);
  std::vector<Candidate> dict;
  std::vector<Candidate> privacy;

  auto on_term = [&](int32_t id, size_t end) {
    if (dict.size() >= max_candidates) return;
    const Term& t = terms_[id];
    if (t.kind == ContentKind::kAbolishedName) {
      if (publish_date.has_value() ? *publish_date < t.invalid_since
                                   : !options_.abolished_when_date_unknown) {
        return;
      }
    }
    dict.push_back({end - t.text.size(), end, id, t.kind});
  };
  auto on_digits = [&](size_t a, size_t e) {
    if (privacy.size() >= max_candidates) return;
    const size_t len = e - a;
    if (options_.check_id_numbers) {
      if (len == 18 && (e == text.size() || !IsAsciiAlnum(text[e])) &&
          IsPlausibleIdNumber(text.substr(a, 18), birth_bound)) {
        privacy.push_back({a, e, -1, ContentKind::kPrivacyIdNumber});
        return;
      }
      if (len == 17 && e < text.size() && (text[e] == 'X' || text[e] == 'x') &&
          (e + 1 == text.size() || !IsAsciiAlnum(text[e + 1])) &&
          IsPlausibleIdNumber(text.substr(a, 18), birth_bound)) {
        privacy.push_back({a, e + 1, -1, ContentKind::kPrivacyIdNumber});
        return;
      }
    }
    if (options_.check_mobiles && len == 11 && (e == text.size() || !IsAsciiAlnum(text[e])) &&
        (a == 0 || !IsAsciiAlnum(text[a - 1])) && IsMobileNumber(text.substr(a, 11))) {
      privacy.push_back({a, e, -1, ContentKind::kPrivacyMobile});
    }
  };

  // The one pass: the automaton and the digit-run tracker see every byte once.
  const AhoCorasick& ac = *automaton_;
  int32_t state = AhoCorasick::kRoot;
  size_t run_start = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      if (run_start == std::string::npos) run_start = i;
    } else if (run_start != std::string::npos) {
      on_digits(run_start, i);
      run_start = std::string::npos;
    }
    state = ac.Step(state, static_cast<unsigned char>(c));
    ac.EmitAt(state, i + 1, on_term);
  }
  if (run_start != std::string::npos) on_digits(run_start, text.size());

  // Drop dictionary matches that lie inside a longer one.
  std::sort(dict.begin(), dict.end(), [](const Candidate& x, const Candidate& y) {
    return x.start != y.start ? x.start < y.start : x.end > y.end;
  });
  std::vector<Candidate> kept;
  size_t cover_end = 0;
  bool any = false;
  for (const Candidate& c : dict) {
    if (any && c.end <= cover_end) continue;  // inside a kept match that started earlier or here
    kept.push_back(c);
    cover_end = std::max(cover_end, c.end);
    any = true;
  }
  kept.insert(kept.end(), privacy.begin(), privacy.end());
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Candidate& x, const Candidate& y) { return x.start < y.start; });

  std::vector<ContentMatch> out;
  std::set<std::pair<int, std::string>> seen;
  for (const Candidate& c : kept) {
    if (out.size() >= options_.max_matches) break;
    std::string matched(text.substr(c.start, c.end - c.start));
    if (options_.dedupe && !seen.insert({static_cast<int>(c.kind), matched}).second) continue;
    ContentMatch m;
    m.kind = c.kind;
    m.text = std::move(matched);
    m.offset = c.start;
    m.length = c.end - c.start;
    const size_t from = Utf8Back(text, c.start, options_.context_chars);
    const size_t to = Utf8Forward(text, c.end, options_.context_chars);
    m.excerpt = SanitizeUtf8(text.substr(from, to - from));
    if (c.term >= 0) m.detail = terms_[c.term].detail;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace govinspect::common
