#ifndef GOVINSPECT_FUZZ_FUZZ_SUPPORT_H_
#define GOVINSPECT_FUZZ_FUZZ_SUPPORT_H_

// Shared by the fuzz targets of fuzz/ (docs/fuzzing.md): a check that aborts (so that libFuzzer
// and the replay tests report a broken invariant like a crash), and a reader that takes a few
// leading selector bytes off an input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"

// Aborts with the condition and place when an invariant does not hold.
#define FUZZ_CHECK(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

namespace govinspect::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next byte (0 when the input is used up).
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  // A value in [0, n) from the next byte.
  size_t Pick(size_t n) { return n == 0 ? 0 : Byte() % n; }
  // Up to the first `sep` (consumed); everything when there is none.
  absl::string_view Until(char sep) {
    const size_t p = rest_.find(sep);
    absl::string_view out = rest_.substr(0, p);
    rest_.remove_prefix(p == absl::string_view::npos ? rest_.size() : p + 1);
    return out;
  }
  absl::string_view Rest() const { return rest_; }
  std::string RestString() const { return std::string(rest_); }

 private:
  absl::string_view rest_;
};

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF): what a
// protobuf string field accepts.
inline bool IsStrictUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace govinspect::fuzz

#endif  // GOVINSPECT_FUZZ_FUZZ_SUPPORT_H_
