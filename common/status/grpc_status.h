#ifndef GOVINSPECT_COMMON_STATUS_GRPC_STATUS_H_
#define GOVINSPECT_COMMON_STATUS_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace govinspect::common {

// Converts at the RPC edge. Codes are numerically identical (both follow google.rpc.Code);
// messages are truncated to 1 KiB.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a status received from a peer; unknown codes become kUnknown.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_STATUS_GRPC_STATUS_H_
