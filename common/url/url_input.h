#ifndef GOVINSPECT_COMMON_URL_URL_INPUT_H_
#define GOVINSPECT_COMMON_URL_URL_INPUT_H_

// URLs typed or pasted by people (the registry's home_url and api_url): what is safe to repair
// is repaired, what is not is refused with the reason.
//
// Repaired: Unicode spaces around the URL (NBSP, U+3000 ideographic space, …) and zero-width
// characters anywhere (U+200B/C/D, U+2060, U+FEFF); full-width forms by NFKC (ICU: ｈｔｔｐ：／／
// → http://, ｗ → w); ideographic full stops in the host (。 ｡ → .); an internationalised host
// name to its ASCII form by IDNA2008 with the UTS #46 mapping (libidn2: 中山.政务 →
// xn--…xn--…); then the normal form of NormalizeUrl (lowercase scheme and host, default port
// dropped, fragment dropped, empty path "/").
//
// Refused (INVALID_ARGUMENT, the message in English for the import's `file:line: field F: why`):
// not UTF-8, a scheme other than http/https, credentials (user:password@ — they would be copied
// into reports), a space or control character inside, no host, a host IDNA refuses.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

absl::StatusOr<std::string> NormalizeUrlInput(absl::string_view url);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_URL_URL_INPUT_H_
