#ifndef GOVINSPECT_COMMON_CHARSET_CHARSET_H_
#define GOVINSPECT_COMMON_CHARSET_CHARSET_H_

// Charset detection and conversion to UTF-8 for fetched pages.
//
// Order: byte-order mark; the HTTP header's charset; <meta charset> / <meta http-equiv>; then
// uchardet. A declaration is checked against the bytes: a page declared UTF-8 that is not
// valid UTF-8 is detected instead, and a page declared GBK/GB2312 whose bytes are valid,
// non-ASCII UTF-8 is taken as UTF-8 (servers that lie). GBK and GB2312 are decoded as GB18030
// (a superset). Invalid sequences become U+FFFD; conversion never fails.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

struct DecodedText {
  std::string utf8;
  // Canonical name of the charset decoded from ("UTF-8", "GB18030", "BIG5", …).
  std::string charset;
  // Where it came from: "bom", "header", "meta", "detected", "default", plus "+checked" when
  // the declaration was overridden by the bytes.
  std::string source;
};

// The charset parameter of a Content-Type value ("" if none), lowercase, unquoted.
std::string CharsetFromContentType(absl::string_view content_type);
// The charset declared by a <meta> tag in the first 4 KiB of an HTML document ("" if none).
std::string CharsetFromMeta(absl::string_view html);
// "UTF-8", "UTF-16LE", "UTF-16BE" for a byte-order mark, "" otherwise.
std::string CharsetFromBom(absl::string_view bytes);
// uchardet's guess ("" when it has none).
std::string DetectCharset(absl::string_view bytes);
// Canonical iconv name for a label: gb2312/gbk/x-gbk/gb18030 → GB18030, utf8 → UTF-8, … ("" for
// an unknown label).
std::string CanonicalCharset(absl::string_view label);

// Valid UTF-8, allowing a character cut off at the very end (a truncated page).
bool IsUtf8Document(absl::string_view bytes);
bool HasNonAscii(absl::string_view bytes);

// Converts `bytes` from `charset` (canonical or any iconv name) to UTF-8; invalid sequences
// become U+FFFD. INVALID_ARGUMENT if iconv does not know the charset.
absl::StatusOr<std::string> ConvertToUtf8(absl::string_view bytes, absl::string_view charset);

// Decodes a fetched document (`content_type` is the HTTP header, may be empty).
DecodedText DecodeToUtf8(absl::string_view bytes, absl::string_view content_type);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_CHARSET_CHARSET_H_
