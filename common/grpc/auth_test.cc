// API tokens: what a server accepts at start-up and what may be sent.
#include "common/grpc/auth.h"

#include <gtest/gtest.h>

namespace govinspect::common {
namespace {

TEST(ApiTokenTest, TrailingNewlineIsDroppedOtherWhitespaceAndControlsAreRefused) {
  EXPECT_EQ(*NormalizeApiToken("s3cret", "--api_token"), "s3cret");
  EXPECT_EQ(*NormalizeApiToken("s3cret\n", "--api_token"), "s3cret");    // a file, echo
  EXPECT_EQ(*NormalizeApiToken("s3cret\r\n", "--api_token"), "s3cret");  // an editor on Windows
  EXPECT_EQ(*NormalizeApiToken("", "--api_token"), "");
  struct Bad {
    std::string token, why;
  };
  for (const Bad& b : std::vector<Bad>{{"s3cret\n\n", "a line break"},
                                       {" s3cret", "a space"},
                                       {"s3c ret", "a space"},
                                       {"s3cret\t", "a control character"},
                                       {std::string("s3\0cret", 7), "a control character"},
                                       {"s3cret\x7f", "a control character"},
                                       {"令牌s3cret", "a non-ASCII byte"}}) {
    absl::StatusOr<std::string> t = NormalizeApiToken(b.token, "--api_token");
    ASSERT_FALSE(t.ok()) << b.token;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(t.status().message());
    EXPECT_NE(message.find(b.why), std::string::npos) << message;
    EXPECT_NE(message.find("--api_token"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3"), std::string::npos) << "the token is printed: " << message;
  }
  EXPECT_TRUE(IsVisibleAsciiToken("abc-DEF_123.~+/="));
  EXPECT_TRUE(IsVisibleAsciiToken(""));
  EXPECT_FALSE(IsVisibleAsciiToken("a\r\nb"));
  EXPECT_FALSE(IsVisibleAsciiToken("é"));
}

}  // namespace
}  // namespace govinspect::common
