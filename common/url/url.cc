#include "common/url/url.h"

#include <curl/curl.h>

#include <memory>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"

namespace govinspect::common {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// The bytes CleanHref changes (percent-encodes, or turns into '/').
bool Cleaned(unsigned char c) {
  return c == ' ' || c >= 0x80 || c < 0x20 || c == '"' || c == '<' || c == '>' || c == '\\' ||
         c == '^' || c == '`' || c == '{' || c == '|' || c == '}';
}

// What a browser does to an href before parsing: strip leading/trailing whitespace, drop tabs
// and newlines, percent-encode spaces and non-ASCII bytes.
std::string CleanHref(absl::string_view href) {
  href = absl::StripAsciiWhitespace(href);
  std::string out;
  out.reserve(href.size());
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : href) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (Cleaned(c)) {
      if (c == '\\') {
        out += '/';  // browsers treat backslashes in http URLs as slashes
        continue;
      }
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* p = nullptr;
  if (curl_url_get(u, part, &p, flags) != CURLUE_OK || p == nullptr) return "";
  std::string s = p;
  curl_free(p);
  return s;
}

absl::StatusOr<std::string> Finish(CURLU* u, absl::string_view what) {
  std::string scheme = absl::AsciiStrToLower(GetPart(u, CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": not an http(s) URL"));
  }
  std::string host = GetPart(u, CURLUPART_HOST);
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": no host"));
  // CURLU percent-decodes the host and formats it raw: a host that decodes to bytes that are
  // not UTF-8, or that still holds a '%' or a control character, is no host name (and would put
  // ill-formed UTF-8 into findings).
  if (!IsValidUtf8(host) || absl::c_any_of(host, [](char c) {
        return c == '%' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": not a valid host name"));
  }
  // An IPv6 zone ("[fe80::1%25eth0]") names an interface of the author's machine.
  if (!GetPart(u, CURLUPART_ZONEID).empty()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": IPv6 zone in the host"));
  }
  std::string lower = absl::AsciiStrToLower(host);
  if (lower != host) curl_url_set(u, CURLUPART_HOST, lower.c_str(), 0);
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  curl_url_set(u, CURLUPART_USER, nullptr, 0);
  curl_url_set(u, CURLUPART_PASSWORD, nullptr, 0);
  std::string out = GetPart(u, CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  if (out.empty()) return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": cannot format"));
  // A percent-encoded host is decoded but not normalised in the same pass ("%32" → "2", which
  // reads as the IPv4 address 0.0.0.2 the next time): parse the result once more so that a
  // normal form normalises to itself.
  if (absl::StrContains(what, '%')) {
    UrlHandle again(curl_url());
    if (curl_url_set(again.get(), CURLUPART_URL, out.c_str(), 0) != CURLUE_OK) {
      return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": not a valid host name"));
    }
    std::string second = GetPart(again.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
    if (second.empty()) return absl::InvalidArgumentError(absl::StrCat("\"", what, "\": cannot format"));
    out = std::move(second);
  }
  // CURLU keeps an empty query's "?" as given; a bare "?" at the end is dropped by browsers'
  // normalisation only for fragments, so keep the URL as curl formats it.
  return out;
}

}  // namespace

bool IsNonLink(absl::string_view href) {
  href = absl::StripAsciiWhitespace(href);
  if (href.empty() || href[0] == '#') return true;
  for (const char* scheme : {"javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:",
                             "sms:", "file:", "ftp:", "weixin:", "callto:"}) {
    if (absl::StartsWithIgnoreCase(href, scheme)) return true;
  }
  return false;
}

absl::StatusOr<std::string> ResolveUrl(absl::string_view base, absl::string_view href) {
  UrlHandle u(curl_url());
  if (curl_url_set(u.get(), CURLUPART_URL, std::string(base).c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("base \"", base, "\": not a URL"));
  }
  std::string clean = CleanHref(href);
  if (curl_url_set(u.get(), CURLUPART_URL, clean.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("\"", href, "\": not a URL"));
  }
  return Finish(u.get(), href);
}

absl::StatusOr<std::string> NormalizeUrl(absl::string_view url) {
  UrlHandle u(curl_url());
  std::string clean = CleanHref(url);
  if (curl_url_set(u.get(), CURLUPART_URL, clean.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("\"", url, "\": not a URL"));
  }
  return Finish(u.get(), url);
}

absl::StatusOr<UrlParts> ParseUrl(absl::string_view url) {
  auto norm = NormalizeUrl(url);
  if (!norm.ok()) return norm.status();
  UrlHandle u(curl_url());
  curl_url_set(u.get(), CURLUPART_URL, norm->c_str(), 0);
  UrlParts p;
  p.scheme = GetPart(u.get(), CURLUPART_SCHEME);
  p.host = GetPart(u.get(), CURLUPART_HOST);
  std::string port = GetPart(u.get(), CURLUPART_PORT);
  if (!port.empty() && !absl::SimpleAtoi(port, &p.port)) p.port = 0;
  p.path = GetPart(u.get(), CURLUPART_PATH);
  if (p.path.empty()) p.path = "/";
  p.query = GetPart(u.get(), CURLUPART_QUERY);
  return p;
}

std::string UrlOrigin(absl::string_view url) {
  size_t s = url.find("://");
  if (s == absl::string_view::npos) return "";
  size_t e = url.find_first_of("/?#", s + 3);
  return std::string(url.substr(0, e));
}

std::string UrlHost(absl::string_view url) {
  std::string origin = UrlOrigin(url);
  size_t s = origin.find("://");
  if (s == std::string::npos) return "";
  std::string host = origin.substr(s + 3);
  if (size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (!host.empty() && host[0] == '[') return absl::AsciiStrToLower(host.substr(0, host.find(']') + 1));
  if (size_t c = host.find(':'); c != std::string::npos) host.resize(c);
  return absl::AsciiStrToLower(host);
}

std::string UrlPathAndQuery(absl::string_view url) {
  std::string origin = UrlOrigin(url);
  std::string rest(url.substr(origin.size()));
  if (rest.empty() || rest[0] != '/') rest.insert(0, "/");
  if (size_t h = rest.find('#'); h != std::string::npos) rest.resize(h);
  return rest;
}

UrlResolver::UrlResolver(std::string base_url)
    : base_(std::move(base_url)), origin_(UrlOrigin(base_)) {}

absl::StatusOr<std::string> UrlResolver::Resolve(absl::string_view href) const {
  // Fast path: "/path/file.html?x=1" made only of safe characters, no dot segments, no
  // fragment, no double slash at the start.
  if (href.size() >= 1 && href[0] == '/' && (href.size() == 1 || href[1] != '/') &&
      !origin_.empty()) {
    bool simple = true;
    for (unsigned char c : href) {
      // Anything CleanHref would change takes the full path, so both give one normal form.
      if (Cleaned(c) || c == 0x7f || c == '#' || c == '%') {
        simple = false;
        break;
      }
    }
    const size_t q = href.find('?');
    const absl::string_view path = href.substr(0, q);  // a dot segment may end the path: "/a/..?x"
    if (simple && !absl::StrContains(href, "/./") && !absl::StrContains(href, "/../") &&
        !absl::EndsWith(path, "/.") && !absl::EndsWith(path, "/..")) {
      if (q == absl::string_view::npos || q + 1 < href.size()) {
        return absl::StrCat(origin_, href);
      }
    }
  }
  return ResolveUrl(base_, href);
}

}  // namespace govinspect::common
