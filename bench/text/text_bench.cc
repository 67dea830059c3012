// Content-check throughput with a 10,000-term dictionary: the ContentChecker (one pass:
// Aho–Corasick + ID/mobile tracker), the bare automaton, and RE2 alternatives over the same
// terms (RE2::Set, which only says which terms occur, and one alternation regex scanned with
// FindAndConsume, which gives positions but no overlaps). Prints one table; figures vary by
// machine — compare the rows of one run.
//
//   build/<dir>/bench/text_bench [--terms 10000] [--mb 16]

#include <re2/re2.h>
#include <re2/set.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/text/content_checker.h"

namespace {

using Clock = std::chrono::steady_clock;

uint64_t next_rand(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// CJK characters U+4E00..U+9FA5 as UTF-8, drawn from a pool of 2,500 (a common-character set).
std::string Char(uint64_t& s) {
  uint32_t cp = 0x4E00 + static_cast<uint32_t>(next_rand(s) % 2500) * 8;
  std::string out;
  out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
  out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
  out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  return out;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  int terms = 10000;
  int mb = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--terms") == 0) terms = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--mb") == 0) mb = std::atoi(argv[i + 1]);
  }
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  govinspect::common::Dictionary dict = govinspect::common::Dictionary::Default();
  std::vector<std::string> words;
  while (static_cast<int>(dict.size()) < terms) {
    std::string w;
    int len = 3 + static_cast<int>(next_rand(seed) % 6);
    for (int k = 0; k < len; ++k) w += Char(seed);
    dict.sensitive_words.push_back(w);
    words.push_back(w);
  }
  // Text: common characters, punctuation, numbers; a dictionary term every ~4 KB.
  std::string text;
  const size_t target = static_cast<size_t>(mb) << 20;
  while (text.size() < target) {
    for (int k = 0; k < 40; ++k) text += Char(seed);
    text += "，";
    if (next_rand(seed) % 8 == 0) text += std::to_string(next_rand(seed) % 100000000000ULL);
    if (next_rand(seed) % 100 == 0) text += words[next_rand(seed) % words.size()];
    text += "。";
  }
  const double text_mb = static_cast<double>(text.size()) / (1 << 20);

  auto t0 = Clock::now();
  auto checker = govinspect::common::ContentChecker::Create(dict);
  auto t1 = Clock::now();
  if (!checker.ok()) {
    std::fprintf(stderr, "%s\n", checker.status().ToString().c_str());
    return 1;
  }
  std::printf("dictionary: %zu terms; text %.1f MiB\n", dict.size(), text_mb);
  std::printf("%-44s %10s %10s %10s\n", "method", "build_s", "scan_MB/s", "matches");

  // 1. ContentChecker::Check (positions, containment, privacy, excerpts; no dedupe).
  govinspect::common::ContentCheckerOptions every;
  every.dedupe = false;
  every.max_matches = 1u << 30;
  auto checker_all = govinspect::common::ContentChecker::Create(dict, every);
  auto a = Clock::now();
  size_t n = (*checker_all)->Check(text, std::nullopt).size();
  auto b = Clock::now();
  std::printf("%-44s %10.3f %10.1f %10zu\n", "ContentChecker::Check (AC + ID/mobile)",
              Seconds(t0, t1), text_mb / Seconds(a, b), n);

  // 2. The automaton alone.
  size_t hits = 0;
  a = Clock::now();
  (*checker)->automaton().Scan(text, [&](int32_t, size_t) { ++hits; });
  b = Clock::now();
  std::printf("%-44s %10s %10.1f %10zu   (%zu states, %.1f MiB)\n", "AhoCorasick::Scan (all occurrences)", "-",
              text_mb / Seconds(a, b), hits, (*checker)->automaton().state_count(),
              static_cast<double>((*checker)->automaton().MemoryBytes()) / (1 << 20));

  std::vector<std::string> all_terms;
  for (const auto& e : dict.expression_errors) all_terms.push_back(e.wrong);
  for (const auto& w : dict.sensitive_words) all_terms.push_back(w);
  for (const auto& x : dict.abolished_names) all_terms.push_back(x.old_name);

  // 3. RE2::Set: which terms occur (no positions: a second pass would be needed).
  RE2::Options opt;
  opt.set_max_mem(int64_t{2} << 30);
  opt.set_log_errors(false);
  a = Clock::now();
  RE2::Set set(opt, RE2::UNANCHORED);
  for (const auto& t : all_terms) set.Add(RE2::QuoteMeta(t), nullptr);
  bool compiled = set.Compile();
  b = Clock::now();
  if (compiled) {
    std::vector<int> which;
    RE2::Set::ErrorInfo info;
    auto c = Clock::now();
    bool matched = set.Match(text, &which, &info);
    auto d = Clock::now();
    std::printf("%-44s %10.3f %10.1f %10zu%s\n", "RE2::Set::Match (which terms, no positions)",
                Seconds(a, b), text_mb / Seconds(c, d), which.size(),
                !matched && info.kind == RE2::Set::kOutOfMemory ? "  (DFA out of memory)" : "");
  } else {
    std::printf("%-44s %10s\n", "RE2::Set", "compile failed");
  }

  // 4. One alternation, FindAndConsume (positions, leftmost-first, no overlaps).
  std::string alt = "(";
  for (size_t i = 0; i < all_terms.size(); ++i) {
    if (i) alt += "|";
    alt += RE2::QuoteMeta(all_terms[i]);
  }
  alt += ")";
  a = Clock::now();
  RE2 re(alt, opt);
  b = Clock::now();
  if (re.ok()) {
    re2::StringPiece input(text);
    std::string m;
    size_t count = 0;
    auto c = Clock::now();
    while (RE2::FindAndConsume(&input, re, &m)) ++count;
    auto d = Clock::now();
    std::printf("%-44s %10.3f %10.1f %10zu\n", "RE2 alternation + FindAndConsume (positions)",
                Seconds(a, b), text_mb / Seconds(c, d), count);
  } else {
    std::printf("%-44s %10s\n", "RE2 alternation", re.error().c_str());
  }
  return 0;
}
