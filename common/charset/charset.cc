#include "common/charset/charset.h"

#include <errno.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

#include <cstring>
#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"

namespace govinspect::common {
namespace {

// Finds "charset=" in `s` (case-insensitive) and returns the following token.
std::string CharsetParam(absl::string_view s) {
  std::string lower = absl::AsciiStrToLower(s);
  size_t p = lower.find("charset");
  while (p != std::string::npos) {
    size_t i = p + 7;
    while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t')) ++i;
    if (i < lower.size() && lower[i] == '=') {
      ++i;
      while (i < lower.size() && (lower[i] == ' ' || lower[i] == '"' || lower[i] == '\'')) ++i;
      size_t e = i;
      while (e < lower.size() && (absl::ascii_isalnum(static_cast<unsigned char>(lower[e])) ||
                                  lower[e] == '-' || lower[e] == '_' || lower[e] == ':' ||
                                  lower[e] == '.')) {
        ++e;
      }
      if (e > i) return lower.substr(i, e - i);
    }
    p = lower.find("charset", p + 7);
  }
  return "";
}

class Iconv {
 public:
  explicit Iconv(const std::string& from) : cd_(iconv_open("UTF-8", from.c_str())) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t cd() const { return cd_; }

 private:
  iconv_t cd_;
};

Iconv* CachedIconv(const std::string& charset) {
  thread_local std::map<std::string, std::unique_ptr<Iconv>> cache;
  auto it = cache.find(charset);
  if (it == cache.end()) {
    if (cache.size() > 32) cache.clear();
    it = cache.emplace(charset, std::make_unique<Iconv>(charset)).first;
  }
  return it->second->ok() ? it->second.get() : nullptr;
}

// `text` with every byte that is not part of a well-formed UTF-8 sequence (a character cut off
// at the end of a truncated page, a stray byte, a code point iconv lets through above U+10FFFF)
// replaced by U+FFFD.
std::string WellFormedUtf8(absl::string_view text) { return ReplaceInvalidUtf8(text); }

}  // namespace

std::string CharsetFromContentType(absl::string_view content_type) {
  return CharsetParam(content_type);
}

std::string CharsetFromMeta(absl::string_view html) {
  absl::string_view head = html.substr(0, std::min<size_t>(html.size(), 4096));
  std::string lower = absl::AsciiStrToLower(head);
  size_t p = 0;
  while ((p = lower.find("<meta", p)) != std::string::npos) {
    size_t e = lower.find('>', p);
    if (e == std::string::npos) break;
    std::string cs = CharsetParam(absl::string_view(lower).substr(p, e - p));
    if (!cs.empty()) return cs;
    p = e;
  }
  return "";
}

std::string CharsetFromBom(absl::string_view b) {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xEF &&
      static_cast<unsigned char>(b[1]) == 0xBB && static_cast<unsigned char>(b[2]) == 0xBF) {
    return "UTF-8";
  }
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFF &&
      static_cast<unsigned char>(b[1]) == 0xFE) {
    return "UTF-16LE";
  }
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFE &&
      static_cast<unsigned char>(b[1]) == 0xFF) {
    return "UTF-16BE";
  }
  return "";
}

std::string DetectCharset(absl::string_view bytes) {
  uchardet_t ud = uchardet_new();
  if (ud == nullptr) return "";
  uchardet_handle_data(ud, bytes.data(), std::min<size_t>(bytes.size(), 64 * 1024));
  uchardet_data_end(ud);
  const char* cs = uchardet_get_charset(ud);
  std::string out = cs != nullptr ? cs : "";
  uchardet_delete(ud);
  return CanonicalCharset(out);
}

std::string CanonicalCharset(absl::string_view label) {
  std::string l = absl::AsciiStrToLower(absl::StripAsciiWhitespace(label));
  if (l.empty()) return "";
  if (l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8") return "UTF-8";
  if (l == "gb2312" || l == "gbk" || l == "x-gbk" || l == "gb18030" || l == "cp936" ||
      l == "ms936" || l == "windows-936" || l == "euc-cn" || l == "gb_2312-80" || l == "chinese" ||
      l == "csgb2312" || l == "iso-ir-58" || l == "hz-gb-2312") {
    return "GB18030";
  }
  if (l == "big5" || l == "big5-hkscs" || l == "cn-big5" || l == "x-x-big5") return "BIG5-HKSCS";
  if (l == "iso-8859-1" || l == "latin1" || l == "us-ascii" || l == "ascii" || l == "windows-1252" ||
      l == "cp1252" || l == "iso-8859-15") {
    return "WINDOWS-1252";
  }
  if (l == "utf-16le" || l == "utf-16") return "UTF-16LE";
  if (l == "utf-16be") return "UTF-16BE";
  if (l == "shift_jis" || l == "sjis" || l == "shift-jis") return "SHIFT_JIS";
  if (l == "euc-jp") return "EUC-JP";
  if (l == "euc-kr") return "EUC-KR";
  // Anything else iconv may know under its own name.
  return absl::AsciiStrToUpper(l);
}

bool HasNonAscii(absl::string_view b) {
  for (unsigned char c : b) {
    if (c >= 0x80) return true;
  }
  return false;
}

bool IsUtf8Document(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // ASCII runs (most of a page's bytes: markup, style sheets, scripts) eight at a time.
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) {
      // A document cut in the middle of a character (a truncated page) is still UTF-8.
      for (const unsigned char* q = p + 1; q < end; ++q) {
        if ((*q & 0xC0) != 0x80) return false;
      }
      return true;
    }
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

absl::StatusOr<std::string> ConvertToUtf8(absl::string_view bytes, absl::string_view charset) {
  std::string cs = CanonicalCharset(charset);
  // UTF-8 is checked here, not by iconv (glibc's UTF-8 decoder passes some ill-formed sequences).
  if (cs == "UTF-8") return WellFormedUtf8(bytes);
  Iconv* iv = CachedIconv(cs);
  if (iv == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown charset \"", charset, "\""));
  }
  iconv(iv->cd(), nullptr, nullptr, nullptr, nullptr);
  std::string out;
  out.resize(bytes.size() * 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* op = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    size_t r = iconv(iv->cd(), &in, &in_left, &op, &out_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      size_t used = static_cast<size_t>(op - out.data());
      out.resize(out.size() * 2);
      op = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    // EILSEQ / EINVAL: one bad byte → U+FFFD, skip it.
    if (out_left < 3) {
      size_t used = static_cast<size_t>(op - out.data());
      out.resize(out.size() * 2);
      op = out.data() + used;
      out_left = out.size() - used;
    }
    *op++ = static_cast<char>(0xEF);
    *op++ = static_cast<char>(0xBF);
    *op++ = static_cast<char>(0xBD);
    out_left -= 3;
    ++in;
    --in_left;
    iconv(iv->cd(), nullptr, nullptr, nullptr, nullptr);
  }
  out.resize(static_cast<size_t>(op - out.data()));
  if (!IsValidUtf8(out)) out = WellFormedUtf8(out);  // never trust a converter with the contract
  return out;
}

DecodedText DecodeToUtf8(absl::string_view bytes, absl::string_view content_type) {
  DecodedText d;
  auto convert = [&](const std::string& cs, std::string source) {
    auto u = ConvertToUtf8(bytes, cs);
    if (!u.ok()) return false;
    d.utf8 = *std::move(u);
    d.charset = CanonicalCharset(cs);
    d.source = std::move(source);
    return true;
  };
  if (std::string bom = CharsetFromBom(bytes); !bom.empty()) {
    size_t skip = bom == "UTF-8" ? 3 : 2;
    absl::string_view rest = bytes.substr(skip);
    auto u = ConvertToUtf8(rest, bom);
    d.utf8 = u.ok() ? *std::move(u) : std::string(rest);
    d.charset = bom;
    d.source = "bom";
    return d;
  }
  const bool valid_utf8 = IsUtf8Document(bytes);
  const bool non_ascii = HasNonAscii(bytes);
  std::string header = CanonicalCharset(CharsetFromContentType(content_type));
  std::string meta = CanonicalCharset(CharsetFromMeta(bytes));
  auto declared_ok = [&](const std::string& cs) {
    if (cs.empty()) return false;
    if (cs == "UTF-8") return valid_utf8;
    // A non-UTF-8 declaration on bytes that are valid, non-ASCII UTF-8: the declaration lies.
    if (valid_utf8 && non_ascii) return false;
    return true;
  };
  if (declared_ok(header) && convert(header, "header")) return d;
  if (declared_ok(meta) && convert(meta, header.empty() ? "meta" : "meta+checked")) return d;
  const bool overridden = !header.empty() || !meta.empty();
  if (valid_utf8) {
    d.utf8 = WellFormedUtf8(bytes);
    d.charset = "UTF-8";
    d.source = overridden ? "detected+checked" : (non_ascii ? "detected" : "default");
    return d;
  }
  const std::string src = overridden ? "detected+checked" : "detected";
  std::string guess = DetectCharset(bytes);
  const bool cjk_guess = guess == "GB18030" || guess == "BIG5-HKSCS" || guess == "EUC-TW";
  if (cjk_guess && convert(guess, src)) return d;
  // Short texts defeat statistical detection; bytes that decode cleanly as GB18030 are the
  // likeliest reading on Chinese government sites.
  if (auto gb = ConvertToUtf8(bytes, "GB18030");
      gb.ok() && gb->find("\xEF\xBF\xBD") == std::string::npos) {
    d.utf8 = *std::move(gb);
    d.charset = "GB18030";
    d.source = src;
    return d;
  }
  if (!guess.empty() && guess != "UTF-8" && guess != "ASCII" && convert(guess, src)) return d;
  // Chinese government sites: GB18030 is the likeliest legacy encoding.
  convert("GB18030", overridden ? "default+checked" : "default");
  return d;
}

}  // namespace govinspect::common
