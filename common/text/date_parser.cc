#include "common/text/date_parser.h"

#include <string>

namespace govinspect::common {
namespace {

// The text with full-width digits and separators made ASCII, and for every byte of the
// normalised text the offset of the byte it came from.
struct Normalized {
  std::string text;
  std::vector<size_t> origin;
};

Normalized Normalize(absl::string_view in) {
  Normalized n;
  n.text.reserve(in.size());
  n.origin.reserve(in.size() + 1);
  for (size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    // U+FF0D － U+FF0E ． U+FF0F ／ U+FF10..U+FF19 ０..９ are EF BC 8D..99.
    if (c == 0xEF && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xBC) {
      const auto c2 = static_cast<unsigned char>(in[i + 2]);
      if (c2 >= 0x8D && c2 <= 0x99) {
        n.text.push_back(static_cast<char>(c2 - 0x8D + '-'));  // '-' '.' '/' '0'..'9'
        n.origin.push_back(i);
        i += 3;
        continue;
      }
    }
    n.text.push_back(static_cast<char>(c));
    n.origin.push_back(i);
    ++i;
  }
  n.origin.push_back(in.size());
  return n;
}

bool Digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_len digits at `i`; returns the count read (0 if none or too many).
size_t Digits(const std::string& s, size_t i, size_t min_len, size_t max_len, int* value) {
  size_t n = 0;
  int v = 0;
  while (i + n < s.size() && Digit(s[i + n])) {
    if (n == max_len) return 0;  // a longer number: not this field
    v = v * 10 + (s[i + n] - '0');
    ++n;
  }
  if (n < min_len) return 0;
  *value = v;
  return n;
}

bool WordChar(char c) {
  return Digit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool Valid(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  absl::CivilDay day(y, m, d);
  return day.year() == y && day.month() == m && day.day() == d;
}

size_t SkipSpaces(const std::string& s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

bool At(const std::string& s, size_t i, absl::string_view word) {
  return s.compare(i, word.size(), word.data(), word.size()) == 0;
}

}  // namespace

std::vector<FoundDate> FindDates(absl::string_view text, absl::CivilDay reference,
                                 const DateParseOptions& o) {
  std::vector<FoundDate> out;
  const Normalized n = Normalize(text);
  const std::string& s = n.text;
  static constexpr absl::string_view kYear = "年", kMonth = "月", kDay = "日", kHao = "号";
  auto emit = [&](size_t b, size_t e, int y, int m, int d, bool implied) {
    out.push_back({absl::CivilDay(y, m, d), n.origin[b], n.origin[e] - n.origin[b], implied});
  };
  auto implied_year = [&](int m, int d, int* y) {
    int year = static_cast<int>(reference.year());
    if (Valid(year, m, d) && absl::CivilDay(year, m, d) <= reference) {
      *y = year;
      return true;
    }
    if (Valid(year - 1, m, d)) {
      *y = year - 1;
      return true;
    }
    return false;
  };
  size_t i = 0;
  while (i < s.size() && out.size() < o.max_dates) {
    if (!Digit(s[i]) || (i > 0 && Digit(s[i - 1]))) {
      ++i;
      continue;
    }
    int a = 0;
    const size_t la = Digits(s, i, 1, 8, &a);
    if (la == 0) {
      while (i < s.size() && Digit(s[i])) ++i;
      continue;
    }
    size_t j = i + la;
    bool found = false;
    if (la == 4 && a >= o.min_year && a <= o.max_year) {
      // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (the same separator twice).
      if (j < s.size() && (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
        const char sep = s[j];
        int m = 0, d = 0;
        size_t lm = Digits(s, j + 1, 1, 2, &m);
        if (lm > 0 && j + 1 + lm < s.size() && s[j + 1 + lm] == sep) {
          size_t ld = Digits(s, j + 2 + lm, 1, 2, &d);
          if (ld > 0 && Valid(a, m, d)) {
            size_t e = j + 2 + lm + ld;
            emit(i, e, a, m, d, false);
            i = e;
            found = true;
          }
        }
      } else {
        // YYYY年M月D日 (spaces allowed; 日/号 optional).
        size_t k = SkipSpaces(s, j);
        if (At(s, k, kYear)) {
          k = SkipSpaces(s, k + kYear.size());
          int m = 0, d = 0;
          size_t lm = Digits(s, k, 1, 2, &m);
          if (lm > 0) {
            k = SkipSpaces(s, k + lm);
            if (At(s, k, kMonth)) {
              k = SkipSpaces(s, k + kMonth.size());
              size_t ld = Digits(s, k, 1, 2, &d);
              if (ld > 0 && Valid(a, m, d)) {
                size_t e = k + ld;
                size_t k2 = SkipSpaces(s, e);
                if (At(s, k2, kDay)) e = k2 + kDay.size();
                else if (At(s, k2, kHao)) e = k2 + kHao.size();
                emit(i, e, a, m, d, false);
                i = e;
                found = true;
              }
            }
          }
        }
      }
    } else if (la == 8 && (j >= s.size() || !WordChar(s[j])) && (i == 0 || !WordChar(s[i - 1]))) {
      // YYYYMMDD as a whole token.
      int y = a / 10000, m = (a / 100) % 100, d = a % 100;
      if (y >= o.min_year && y <= o.max_year && Valid(y, m, d)) {
        emit(i, j, y, m, d, false);
        i = j;
        found = true;
      }
    } else if (o.month_day && la <= 2) {
      int m = a, d = 0, y = 0;
      // MM-DD / MM/DD (two digits each, not part of a longer date).
      const bool after_sep = i > 0 && (s[i - 1] == '-' || s[i - 1] == '/' || s[i - 1] == '.');
      if (!after_sep && la == 2 && j < s.size() && (s[j] == '-' || s[j] == '/')) {
        size_t ld = Digits(s, j + 1, 2, 2, &d);
        size_t e = j + 1 + ld;
        const bool more = e < s.size() && (s[e] == '-' || s[e] == '/' || s[e] == '.' || Digit(s[e]));
        if (ld == 2 && !more && implied_year(m, d, &y)) {
          emit(i, e, y, m, d, true);
          i = e;
          found = true;
        }
      } else if (!after_sep) {
        // M月D日 / M月D号 (the day marker required).
        size_t k = SkipSpaces(s, j);
        const bool after_year = i >= kYear.size() && At(s, i - kYear.size(), kYear);
        if (!after_year && At(s, k, kMonth)) {
          k = SkipSpaces(s, k + kMonth.size());
          size_t ld = Digits(s, k, 1, 2, &d);
          if (ld > 0) {
            size_t k2 = SkipSpaces(s, k + ld);
            size_t e = 0;
            if (At(s, k2, kDay)) e = k2 + kDay.size();
            else if (At(s, k2, kHao)) e = k2 + kHao.size();
            if (e > 0 && implied_year(m, d, &y)) {
              emit(i, e, y, m, d, true);
              i = e;
              found = true;
            }
          }
        }
      }
    }
    if (!found) {
      while (i < s.size() && Digit(s[i])) ++i;
    }
  }
  return out;
}

std::optional<absl::CivilDay> ParseFirstDate(absl::string_view text, absl::CivilDay reference,
                                             const DateParseOptions& options) {
  DateParseOptions o = options;
  o.max_dates = 1;
  std::vector<FoundDate> d = FindDates(text, reference, o);
  if (d.empty()) return std::nullopt;
  return d.front().day;
}

std::optional<absl::CivilDay> ParseIsoDay(absl::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const size_t pos[3][2] = {{0, 4}, {5, 2}, {8, 2}};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = pos[k][0]; i < pos[k][0] + pos[k][1]; ++i) {
      if (!Digit(t[i])) return std::nullopt;
      v[k] = v[k] * 10 + (t[i] - '0');
    }
  }
  if (!Valid(v[0], v[1], v[2])) return std::nullopt;
  return absl::CivilDay(v[0], v[1], v[2]);
}

}  // namespace govinspect::common
