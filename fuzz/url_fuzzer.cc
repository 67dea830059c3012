// Fuzz target: URL handling (common/url/url.h). Input: a base URL, a newline, an href (as found
// in a page). Checks what the crawler relies on: a normalised URL is http(s), well-formed UTF-8,
// has no fragment and normalises to itself; ParseUrl agrees with UrlHost/UrlOrigin; the fast
// resolver (UrlResolver) gives the same URL as the full one (ResolveUrl) for every href.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "common/url/url.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace govinspect::common;  // NOLINT

void CheckNormal(const std::string& url) {
  FUZZ_CHECK(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://"));
  FUZZ_CHECK(url.find('#') == std::string::npos);
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(url));  // findings carry URLs in protobuf strings
  const auto again = NormalizeUrl(url);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == url);
  const auto parts = ParseUrl(url);
  FUZZ_CHECK(parts.ok());
  FUZZ_CHECK(parts->scheme == "http" || parts->scheme == "https");
  FUZZ_CHECK(!parts->host.empty());
  FUZZ_CHECK(parts->host == UrlHost(url));
  FUZZ_CHECK(absl::StartsWith(parts->path, "/"));
  FUZZ_CHECK(absl::StartsWith(url, UrlOrigin(url)));
  FUZZ_CHECK(absl::StartsWith(UrlPathAndQuery(url), "/"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  govinspect::fuzz::FuzzInput in(data, size);
  const std::string base(in.Until('\n'));
  const std::string href = in.RestString();

  (void)IsNonLink(href);
  (void)UrlHost(base);
  (void)UrlOrigin(base);
  (void)UrlPathAndQuery(base);
  (void)ParseUrl(href);

  const auto norm = NormalizeUrl(base);
  if (!norm.ok()) return 0;
  CheckNormal(*norm);

  const auto full = ResolveUrl(*norm, href);
  if (full.ok()) CheckNormal(*full);
  const UrlResolver resolver(*norm);
  const auto fast = resolver.Resolve(href);
  FUZZ_CHECK(fast.ok() == full.ok());
  if (fast.ok()) FUZZ_CHECK(*fast == *full);
  return 0;
}
