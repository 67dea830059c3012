#ifndef GOVINSPECT_COMMON_TEXT_UTF8_H_
#define GOVINSPECT_COMMON_TEXT_UTF8_H_

// Small UTF-8 helpers for the content checker (no allocation except Sanitize).

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace govinspect::common {

// Length of the well-formed UTF-8 sequence starting at s[i] (1–4), or 0 if it is not one
// (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated).
size_t Utf8SequenceLength(absl::string_view s, size_t i);
bool IsValidUtf8(absl::string_view s);
// `s` with every ill-formed byte replaced by U+FFFD and ASCII control characters (tabs and line
// breaks included) by spaces: safe for protobuf string fields and one-line logs.
std::string SanitizeUtf8(absl::string_view s);
// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD
// (control characters kept, unlike SanitizeUtf8).
std::string ReplaceInvalidUtf8(absl::string_view s);
// The byte offset `chars` characters before / after `pos` (ill-formed bytes count as one
// character each), clamped to the text.
size_t Utf8Back(absl::string_view s, size_t pos, int chars);
size_t Utf8Forward(absl::string_view s, size_t pos, int chars);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_TEXT_UTF8_H_
