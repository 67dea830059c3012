#include "common/status/grpc_status.h"

#include <string>

namespace govinspect::common {
namespace {
constexpr size_t kMaxMessageBytes = 1024;
}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  if (message.size() > kMaxMessageBytes) {
    message.resize(kMaxMessageBytes);
    // Do not leave half a UTF-8 sequence at the end.
    while (!message.empty() && (static_cast<unsigned char>(message.back()) & 0xC0) == 0x80) {
      message.pop_back();
    }
    if (!message.empty() && (static_cast<unsigned char>(message.back()) & 0x80)) message.pop_back();
    message += "…";
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  absl::StatusCode code;
  switch (status.error_code()) {
    case grpc::StatusCode::OK: return absl::OkStatus();
    case grpc::StatusCode::CANCELLED: code = absl::StatusCode::kCancelled; break;
    case grpc::StatusCode::UNKNOWN: code = absl::StatusCode::kUnknown; break;
    case grpc::StatusCode::INVALID_ARGUMENT: code = absl::StatusCode::kInvalidArgument; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: code = absl::StatusCode::kDeadlineExceeded; break;
    case grpc::StatusCode::NOT_FOUND: code = absl::StatusCode::kNotFound; break;
    case grpc::StatusCode::ALREADY_EXISTS: code = absl::StatusCode::kAlreadyExists; break;
    case grpc::StatusCode::PERMISSION_DENIED: code = absl::StatusCode::kPermissionDenied; break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: code = absl::StatusCode::kResourceExhausted; break;
    case grpc::StatusCode::FAILED_PRECONDITION: code = absl::StatusCode::kFailedPrecondition; break;
    case grpc::StatusCode::ABORTED: code = absl::StatusCode::kAborted; break;
    case grpc::StatusCode::OUT_OF_RANGE: code = absl::StatusCode::kOutOfRange; break;
    case grpc::StatusCode::UNIMPLEMENTED: code = absl::StatusCode::kUnimplemented; break;
    case grpc::StatusCode::INTERNAL: code = absl::StatusCode::kInternal; break;
    case grpc::StatusCode::UNAVAILABLE: code = absl::StatusCode::kUnavailable; break;
    case grpc::StatusCode::DATA_LOSS: code = absl::StatusCode::kDataLoss; break;
    case grpc::StatusCode::UNAUTHENTICATED: code = absl::StatusCode::kUnauthenticated; break;
    default: code = absl::StatusCode::kUnknown; break;
  }
  return absl::Status(code, status.error_message());
}

}  // namespace govinspect::common
