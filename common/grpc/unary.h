#ifndef GOVINSPECT_COMMON_GRPC_UNARY_H_
#define GOVINSPECT_COMMON_GRPC_UNARY_H_

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/status/statusor.h"
#include "common/concurrency/bounded_executor.h"
#include "common/status/grpc_status.h"

namespace govinspect::common {

// Runs `fn` (returning absl::StatusOr<Response>) on the executor and finishes the unary call
// with its result; RESOURCE_EXHAUSTED if the executor's queue is full. The reaction itself never
// blocks, and Finish is called exactly once.
template <typename Response, typename Fn>
grpc::ServerUnaryReactor* RunOnExecutor(grpc::CallbackServerContext* context, Response* response,
                                        BoundedExecutor* executor, Fn fn) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  bool queued = executor->TrySubmit([reactor, response, fn = std::move(fn)]() mutable {
    absl::StatusOr<Response> result = fn();
    if (result.ok()) {
      *response = *std::move(result);
      reactor->Finish(grpc::Status::OK);
    } else {
      reactor->Finish(ToGrpcStatus(result.status()));
    }
  });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many requests queued; retry later"));
  }
  return reactor;
}

// Finishes a unary call at once with an error.
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_GRPC_UNARY_H_
