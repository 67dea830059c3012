#include "common/status/grpc_status.h"

#include <string>

#include "common/status/status_macros.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;

TEST(GrpcStatusTest, RoundTripsEveryCode) {
  for (int c = 1; c <= 16; ++c) {
    absl::Status s(static_cast<absl::StatusCode>(c), "msg");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), c);
    EXPECT_EQ(FromGrpcStatus(g), s);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, TruncatesLongMessagesOnCharacterBoundary) {
  std::string msg;
  for (int i = 0; i < 1000; ++i) msg += "错";
  grpc::Status g = ToGrpcStatus(absl::InvalidArgumentError(msg));
  EXPECT_LE(g.error_message().size(), 1024u + 3);
  // Valid UTF-8: every 3-byte character whole, then the ellipsis.
  std::string body = g.error_message().substr(0, g.error_message().size() - 3);
  EXPECT_EQ(body.size() % 3, 0u);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  GOVINSPECT_ASSIGN_OR_RETURN(int h, Half(x));
  GOVINSPECT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

absl::Status Check(int x) {
  GOVINSPECT_RETURN_IF_ERROR(Half(x).status());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, PropagateErrors) {
  EXPECT_THAT(Quarter(8), IsOk());
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Check(3), StatusIs(absl::StatusCode::kInvalidArgument, "odd"));
  EXPECT_THAT(Check(4), IsOk());
}

}  // namespace
}  // namespace govinspect::common
