#ifndef GOVINSPECT_COMMON_GRPC_AUTH_H_
#define GOVINSPECT_COMMON_GRPC_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

// Guards mutating RPCs: the caller must send `authorization: Bearer <token>` (compared in
// constant time) or be a peer authenticated by a TLS client certificate. With an empty token and
// no TLS client auth, everything is allowed (local development) — servers log that at startup.
class RpcAuthorizer {
 public:
  explicit RpcAuthorizer(std::string token) : token_(std::move(token)) {}

  // OK, or UNAUTHENTICATED naming what is missing (never echoing what was sent).
  absl::Status Check(const grpc::ServerContextBase& context) const;

  bool enabled() const { return !token_.empty(); }

 private:
  std::string token_;
};

// Constant-time equality (time depends only on the lengths).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// True if every byte of `token` is visible ASCII (0x21–0x7e), what an HTTP/2 header value and a
// bearer token may hold. The empty token is valid (no token).
bool IsVisibleAsciiToken(absl::string_view token);

// A server's API token as read from a flag, a file or the environment: one trailing newline
// ("\n" or "\r\n", as `echo` and editors leave it) is dropped; any other whitespace, control or
// non-ASCII byte is INVALID_ARGUMENT naming `source` and the position, never the token.
absl::StatusOr<std::string> NormalizeApiToken(absl::string_view token, absl::string_view source);

// Adds the bearer token to an outgoing call (CLI and service-to-service clients).
void AddBearerToken(grpc::ClientContext* context, const std::string& token);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_GRPC_AUTH_H_
