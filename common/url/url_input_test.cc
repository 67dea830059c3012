#include "common/url/url_input.h"

#include <gtest/gtest.h>

#include <string>

namespace govinspect::common {
namespace {

// What an operator's spreadsheet puts into a registry: repaired where that is safe.
TEST(UrlInputTest, RepairsSpacesZeroWidthFullWidthAndChineseDomains) {
  const struct {
    std::string in, want;
  } cases[] = {
      {"http://www.zs.gov.cn/", "http://www.zs.gov.cn/"},
      {"http://www.zs.gov.cn/\xc2\xa0", "http://www.zs.gov.cn/"},                 // trailing NBSP
      {"\xe3\x80\x80http://www.zs.gov.cn/ ", "http://www.zs.gov.cn/"},            // U+3000, space
      {"http://www.zs.gov.cn/\xe2\x80\x8b", "http://www.zs.gov.cn/"},             // ZWSP at the end
      {"http://www.z\xe2\x80\x8bs.gov.cn/", "http://www.zs.gov.cn/"},             // ZWSP inside
      {"\xef\xbb\xbfhttp://www.zs.gov.cn/", "http://www.zs.gov.cn/"},             // BOM
      {"http://www.zs.gov.cn／", "http://www.zs.gov.cn/"},                        // full-width ／
      {"http://ｗｗｗ.zs.gov.cn/", "http://www.zs.gov.cn/"},                       // full-width ｗ
      {"http://www。zs。gov。cn/", "http://www.zs.gov.cn/"},                       // ideographic 。
      {"ｈｔｔｐ：／／ｗｗｗ．ｚｓ．ｇｏｖ．ｃｎ／", "http://www.zs.gov.cn/"},
      {"HTTP://WWW.ZS.GOV.CN/", "http://www.zs.gov.cn/"},
      {"http://www.zs.gov.cn", "http://www.zs.gov.cn/"},
      {"http://www.zs.gov.cn.:80/a#top", "http://www.zs.gov.cn/a"},
      {"https://中山.政务/", "https://xn--fiqr16a.xn--zfr164b/"},
      {"http://www.中山.政务/xxgk/", "http://www.xn--fiqr16a.xn--zfr164b/xxgk/"},
      {"http://[::1]:8080/", "http://[::1]:8080/"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::string> got = NormalizeUrlInput(c.in);
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.in;
  }
}

// ... and refused, with the reason, where a repair would be a guess or a leak.
TEST(UrlInputTest, RefusesCredentialsOtherSchemesAndWhatDoesNotParse) {
  const struct {
    std::string in, why;
  } cases[] = {
      {"http://admin:pw@www.zs.gov.cn/", "credentials"},
      {"http://admin@www.zs.gov.cn/", "credentials"},
      {"ftp://www.zs.gov.cn/", "is not an http(s) URL (scheme \"ftp\")"},
      {"file:///etc/passwd", "(scheme \"file\")"},
      {"javascript:alert(1)", "is not an http(s) URL"},
      {"www.zs.gov.cn", "is not an http(s) URL"},
      {"http://www.zs .gov.cn/", "space inside"},
      {"http://www.zs.gov.cn/\x01", "control character"},
      {"http:///path", "no host"},
      {"http://\xc3\x28/", "not valid UTF-8"},
      {"", "empty"},
      {"\xc2\xa0", "empty"},
      {"http://☃.gov.cn/", "is not a valid internationalised domain name"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::string> got = NormalizeUrlInput(c.in);
    ASSERT_FALSE(got.ok()) << c.in << " gave " << *got;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.in;
    EXPECT_NE(std::string(got.status().message()).find(c.why), std::string::npos)
        << c.in << ": " << got.status();
    EXPECT_EQ(std::string(got.status().message()).find("pw"), std::string::npos);
  }
}

}  // namespace
}  // namespace govinspect::common
