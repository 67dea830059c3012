#ifndef GOVINSPECT_SERVICES_DATAOPEN_DATAOPEN_SERVICE_H_
#define GOVINSPECT_SERVICES_DATAOPEN_DATAOPEN_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/dataopen/v1/dataopen_service.grpc.pb.h"

namespace govinspect::dataopen {

// What CheckPortal needs from below the RPC edge (the server wires the registry in Redis and the
// portal check; tests fake them).
struct CheckPortalBackend {
  // The current registry (NOT_FOUND / FAILED_PRECONDITION when none, UNAVAILABLE on Redis errors).
  std::function<absl::StatusOr<common::v1::Registry>()> registry;
  // Runs the check: observations (portal first), or UNAVAILABLE when the portal cannot be read.
  std::function<absl::StatusOr<v1::CheckPortalResponse>(
      const common::v1::Portal& portal, const std::vector<common::v1::Unit>& units,
      absl::CivilDay as_of)>
      check;
  // Today's date for a request without as_of.
  std::function<absl::CivilDay()> today;
};

// DataOpenService: validate → run on the executor → map the status. Thin.
class DataOpenServiceImpl final : public v1::DataOpenService::CallbackService {
 public:
  DataOpenServiceImpl(common::BoundedExecutor* executor, const common::RpcAuthorizer* auth,
                      CheckPortalBackend backend)
      : executor_(executor), auth_(auth), backend_(std::move(backend)) {}

  grpc::ServerUnaryReactor* CheckPortal(grpc::CallbackServerContext* context,
                                        const v1::CheckPortalRequest* request,
                                        v1::CheckPortalResponse* response) override;

 private:
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
  CheckPortalBackend backend_;
};

// The check behind the RPC: finds the portal (and, unless given, its units) in `registry`.
absl::StatusOr<v1::CheckPortalResponse> CheckPortalFromRegistry(
    const CheckPortalBackend& backend, const v1::CheckPortalRequest& request,
    absl::CivilDay as_of);

}  // namespace govinspect::dataopen

#endif  // GOVINSPECT_SERVICES_DATAOPEN_DATAOPEN_SERVICE_H_
