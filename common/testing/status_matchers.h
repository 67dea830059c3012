#ifndef GOVINSPECT_COMMON_TESTING_STATUS_MATCHERS_H_
#define GOVINSPECT_COMMON_TESTING_STATUS_MATCHERS_H_

// IsOk() and StatusIs(code[, message_matcher]) for absl::Status and absl::StatusOr<T>,
// named as upstream absl_testing's, which Debian 12's Abseil does not have.

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace govinspect::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) { return s.status(); }

MATCHER(IsOk, "is OK") {
  const absl::Status& s = ::govinspect::testing::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = ::govinspect::testing::GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + absl::StatusCodeToString(code) + " and a matching message") {
  const absl::Status& s = ::govinspect::testing::GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(s.message()),
                                       result_listener);
}

}  // namespace govinspect::testing

#endif  // GOVINSPECT_COMMON_TESTING_STATUS_MATCHERS_H_
