#include "common/text/utf8.h"

#include <cstdint>
#include <cstring>

namespace govinspect::common {

size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const size_t n = s.size() - i;
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xF0 && c1 < 0x90) return 0;
    if (c == 0xF4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    // ASCII runs (most of an HTML page's bytes) eight at a time.
    if (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string ReplaceInvalidUtf8(absl::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  return out;
}

std::string SanitizeUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (len == 1 && (c < 0x20 || c == 0x7F)) {
      out.push_back(' ');
    } else {
      out.append(s.data() + i, len);
    }
    i += len;
  }
  return out;
}

size_t Utf8Back(absl::string_view s, size_t pos, int chars) {
  if (pos > s.size()) pos = s.size();
  for (int k = 0; k < chars && pos > 0; ++k) {
    // Step back over at most 3 continuation bytes to a lead byte that starts a sequence ending
    // exactly at pos; otherwise one byte (an ill-formed byte is a character of its own).
    size_t step = 1;
    for (size_t back = 2; back <= 4 && back <= pos; ++back) {
      if ((static_cast<unsigned char>(s[pos - back + 1]) & 0xC0) != 0x80) break;
      if (Utf8SequenceLength(s, pos - back) == back) {
        step = back;
        break;
      }
    }
    pos -= step;
  }
  return pos;
}

size_t Utf8Forward(absl::string_view s, size_t pos, int chars) {
  for (int k = 0; k < chars && pos < s.size(); ++k) {
    size_t len = Utf8SequenceLength(s, pos);
    pos += len == 0 ? 1 : len;
  }
  return pos;
}

}  // namespace govinspect::common
