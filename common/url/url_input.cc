#include "common/url/url_input.h"

#include <idn2.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/url/url.h"

namespace govinspect::common {
namespace {

// Decodes one UTF-8 code point at s[*i] (advancing *i); -1 if the bytes are not UTF-8.
int32_t NextCodePoint(absl::string_view s, size_t* i) {
  const unsigned char c = s[*i];
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || *i + len > s.size()) return -1;
  int32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    const unsigned char d = s[*i + k];
    if ((d >> 6) != 0x2) return -1;
    cp = (cp << 6) | (d & 0x3f);
  }
  const int32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  *i += len;
  return cp;
}

bool IsZeroWidth(int32_t cp) {
  return cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0x2060 || cp == 0xfeff;
}

bool IsUnicodeSpace(int32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
         cp == 0x205f || cp == 0x3000;
}

void AppendUtf8(int32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// NFKC of UTF-8 text with ICU.
absl::StatusOr<std::string> Nfkc(const std::string& utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* nfkc = unorm2_getNFKCInstance(&err);
  if (U_FAILURE(err)) return absl::InternalError(absl::StrCat("NFKC: ", u_errorName(err)));
  int32_t n = 0;
  err = U_ZERO_ERROR;
  u_strFromUTF8(nullptr, 0, &n, utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  std::vector<UChar> in(n + 1);
  err = U_ZERO_ERROR;
  u_strFromUTF8(in.data(), n + 1, &n, utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  if (U_FAILURE(err)) return absl::InvalidArgumentError("not valid UTF-8");
  std::vector<UChar> out(static_cast<size_t>(n) * 18 + 16);  // NFKC expands at most 18 times
  err = U_ZERO_ERROR;
  int32_t m = unorm2_normalize(nfkc, in.data(), n, out.data(), static_cast<int32_t>(out.size()), &err);
  if (U_FAILURE(err)) return absl::InternalError(absl::StrCat("NFKC: ", u_errorName(err)));
  std::string result(static_cast<size_t>(m) * 3 + 4, '\0');
  int32_t bytes = 0;
  err = U_ZERO_ERROR;
  u_strToUTF8(result.data(), static_cast<int32_t>(result.size()), &bytes, out.data(), m, &err);
  if (U_FAILURE(err)) return absl::InternalError(absl::StrCat("NFKC: ", u_errorName(err)));
  result.resize(bytes);
  return result;
}

}  // namespace

absl::StatusOr<std::string> NormalizeUrlInput(absl::string_view url) {
  // Zero-width characters dropped; Unicode spaces trimmed at both ends, refused inside.
  std::vector<int32_t> cps;
  for (size_t i = 0; i < url.size();) {
    int32_t cp = NextCodePoint(url, &i);
    if (cp < 0) return absl::InvalidArgumentError("not valid UTF-8");
    if (!IsZeroWidth(cp)) cps.push_back(cp);
  }
  size_t b = 0, e = cps.size();
  while (b < e && IsUnicodeSpace(cps[b])) ++b;
  while (e > b && IsUnicodeSpace(cps[e - 1])) --e;
  std::string text;
  for (size_t k = b; k < e; ++k) {
    if (IsUnicodeSpace(cps[k])) return absl::InvalidArgumentError("has a space inside");
    if (cps[k] < 0x20 || (cps[k] >= 0x7f && cps[k] < 0xa0)) {
      return absl::InvalidArgumentError("has a control character");
    }
    AppendUtf8(cps[k], &text);
  }
  if (text.empty()) return absl::InvalidArgumentError("empty");
  absl::StatusOr<std::string> folded = Nfkc(text);
  if (!folded.ok()) return folded.status();
  text = *std::move(folded);

  // Scheme, authority, rest.
  const size_t colon = text.find("://");
  if (colon == std::string::npos) return absl::InvalidArgumentError("is not an http(s) URL");
  const std::string scheme = absl::AsciiStrToLower(text.substr(0, colon));
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat("is not an http(s) URL (scheme \"", scheme, "\")"));
  }
  const size_t auth_start = colon + 3;
  size_t auth_end = text.find_first_of("/?#", auth_start);
  if (auth_end == std::string::npos) auth_end = text.size();
  std::string authority = text.substr(auth_start, auth_end - auth_start);
  if (authority.find('@') != std::string::npos) {
    return absl::InvalidArgumentError(
        "has credentials (user:password@): they would be copied into reports; remove them");
  }
  std::string host = authority, port;
  if (!absl::StartsWith(authority, "[")) {  // an IPv6 literal keeps its colons
    if (size_t p = authority.rfind(':'); p != std::string::npos) {
      host = authority.substr(0, p);
      port = authority.substr(p);
    }
  }
  host = absl::StrReplaceAll(host, {{"。", "."}, {"｡", "."}});
  while (absl::EndsWith(host, ".")) host.pop_back();  // the root label
  if (host.empty()) return absl::InvalidArgumentError("has no host");
  bool ascii = true;
  for (unsigned char c : host) ascii = ascii && c < 0x80;
  if (!ascii) {
    char* out = nullptr;
    int rc = idn2_to_ascii_8z(host.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("host \"", host, "\" is not a valid internationalised domain name (",
                       idn2_strerror(rc), ")"));
    }
    host = out;
    idn2_free(out);
  }
  absl::StatusOr<std::string> normal =
      NormalizeUrl(absl::StrCat(scheme, "://", host, port, text.substr(auth_end)));
  if (!normal.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("does not parse (", normal.status().message(), ")"));
  }
  if (UrlHost(*normal).empty()) return absl::InvalidArgumentError("has no host");
  return normal;
}

}  // namespace govinspect::common
