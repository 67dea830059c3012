#ifndef GOVINSPECT_SERVICES_NEWMEDIA_NEWMEDIA_SERVICE_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_NEWMEDIA_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/common/v1/task.pb.h"
#include "govinspect/newmedia/v1/newmedia_service.grpc.pb.h"
#include "services/newmedia/account_check.h"

namespace govinspect::newmedia {

// What CheckAccount needs from below the RPC edge (the server wires Redis and the adapters;
// tests fake them).
struct CheckAccountBackend {
  // The current registry (FAILED_PRECONDITION when none, UNAVAILABLE on Redis errors).
  std::function<absl::StatusOr<common::v1::Registry>()> registry;
  // The account check of a payload.
  std::function<AccountCheckResult(const common::v1::TaskPayload& payload)> check;
  // Today in China Standard Time, for a request without as_of.
  std::function<absl::CivilDay()> today;
};

// The payload a round would give the account's task, built from the registry.
absl::StatusOr<common::v1::TaskPayload> PayloadFromRegistry(const common::v1::Registry& registry,
                                                            const std::string& account,
                                                            absl::CivilDay as_of);

// The check behind the RPC (validation done): registry → payload → check → response.
absl::StatusOr<v1::CheckAccountResponse> CheckAccountFromRegistry(
    const CheckAccountBackend& backend, const std::string& account, absl::CivilDay as_of);

// NewMediaService: authenticate → validate → run on the executor → map the status. Thin.
class NewMediaServiceImpl final : public v1::NewMediaService::CallbackService {
 public:
  NewMediaServiceImpl(common::BoundedExecutor* executor, const common::RpcAuthorizer* auth,
                      CheckAccountBackend backend)
      : executor_(executor), auth_(auth), backend_(std::move(backend)) {}

  grpc::ServerUnaryReactor* CheckAccount(grpc::CallbackServerContext* context,
                                         const v1::CheckAccountRequest* request,
                                         v1::CheckAccountResponse* response) override;

 private:
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
  CheckAccountBackend backend_;
};

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_NEWMEDIA_SERVICE_H_
