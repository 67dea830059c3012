#ifndef GOVINSPECT_COMMON_URL_URL_H_
#define GOVINSPECT_COMMON_URL_URL_H_

// URL resolution and normalisation with libcurl's URL API (CURLU).
//
// Normal form (the one docs/finding-kinds.md matches on): scheme and host lowercase, default
// port dropped, dot segments removed, fragment dropped, empty path "/", query kept verbatim.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

struct UrlParts {
  std::string scheme;  // "http" / "https"
  std::string host;    // lowercase
  int port = 0;        // explicit port, 0 if default
  std::string path;    // starts with '/'
  std::string query;   // without '?', verbatim
};

// True for hrefs that are not links: empty, "#…", javascript:, mailto:, tel:, data:, about:,
// vbscript:, sms:, file: (a local path on the author's machine, never fetchable).
bool IsNonLink(absl::string_view href);

// Resolves `href` against the absolute `base` and normalises it. INVALID_ARGUMENT for a URL
// that does not parse or is not http(s).
absl::StatusOr<std::string> ResolveUrl(absl::string_view base, absl::string_view href);

// Normalises an absolute http(s) URL.
absl::StatusOr<std::string> NormalizeUrl(absl::string_view url);

absl::StatusOr<UrlParts> ParseUrl(absl::string_view url);

// "http://host[:port]" of a normalised URL.
std::string UrlOrigin(absl::string_view normalized_url);
// The lowercase host of a normalised URL ("" if none).
std::string UrlHost(absl::string_view normalized_url);
// The path and query ("/a/b?x=1") of a normalised URL.
std::string UrlPathAndQuery(absl::string_view normalized_url);

// Resolves many hrefs against one page quickly: well-formed absolute paths ("/a/b.html") are
// joined to the origin without a CURLU round trip; everything else goes through ResolveUrl.
class UrlResolver {
 public:
  explicit UrlResolver(std::string base_url);
  absl::StatusOr<std::string> Resolve(absl::string_view href) const;
  const std::string& base() const { return base_; }

 private:
  std::string base_;
  std::string origin_;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_URL_URL_H_
