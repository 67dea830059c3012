#ifndef GOVINSPECT_SERVICES_COORDINATOR_COORDINATOR_SERVICE_H_
#define GOVINSPECT_SERVICES_COORDINATOR_COORDINATOR_SERVICE_H_

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "govinspect/coordinator/v1/registry_service.grpc.pb.h"
#include "govinspect/coordinator/v1/round_service.grpc.pb.h"
#include "services/coordinator/round_manager.h"

namespace govinspect::coordinator {

class RoundWatchReactor;

// Polls the rounds being watched and offers each watcher the current value.
class WatchHub {
 public:
  WatchHub(RoundManager* manager, absl::Duration period);
  ~WatchHub();
  void Add(RoundWatchReactor* watcher);  // takes the hub's reference
  void Stop();

 private:
  void Loop();
  RoundManager* manager_;
  absl::Duration period_;
  absl::Mutex mu_;
  std::vector<RoundWatchReactor*> watchers_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread thread_;
};

class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  RegistryServiceImpl(RoundManager* manager, common::BoundedExecutor* executor,
                      const common::RpcAuthorizer* auth)
      : manager_(manager), executor_(executor), auth_(auth) {}

  grpc::ServerUnaryReactor* ImportRegistry(grpc::CallbackServerContext* context,
                                           const v1::ImportRegistryRequest* request,
                                           v1::ImportRegistryResponse* response) override;
  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const v1::GetUnitRequest* request,
                                    common::v1::Unit* response) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const v1::ListUnitsRequest* request,
                                      v1::ListUnitsResponse* response) override;
  grpc::ServerUnaryReactor* GetSite(grpc::CallbackServerContext* context,
                                    const v1::GetSiteRequest* request,
                                    common::v1::Site* response) override;
  grpc::ServerUnaryReactor* ListSites(grpc::CallbackServerContext* context,
                                      const v1::ListSitesRequest* request,
                                      v1::ListSitesResponse* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       common::v1::Account* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* context,
                                         const v1::ListAccountsRequest* request,
                                         v1::ListAccountsResponse* response) override;
  grpc::ServerUnaryReactor* GetPortal(grpc::CallbackServerContext* context,
                                      const v1::GetPortalRequest* request,
                                      common::v1::Portal* response) override;
  grpc::ServerUnaryReactor* ListPortals(grpc::CallbackServerContext* context,
                                        const v1::ListPortalsRequest* request,
                                        v1::ListPortalsResponse* response) override;

 private:
  RoundManager* manager_;
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
};

class RoundServiceImpl final : public v1::RoundService::CallbackService {
 public:
  RoundServiceImpl(RoundManager* manager, common::BoundedExecutor* executor,
                   const common::RpcAuthorizer* auth, WatchHub* hub)
      : manager_(manager), executor_(executor), auth_(auth), hub_(hub) {}

  grpc::ServerUnaryReactor* CreateRound(grpc::CallbackServerContext* context,
                                        const v1::CreateRoundRequest* request,
                                        v1::Round* response) override;
  grpc::ServerUnaryReactor* GetRound(grpc::CallbackServerContext* context,
                                     const v1::GetRoundRequest* request,
                                     v1::Round* response) override;
  grpc::ServerUnaryReactor* ListRounds(grpc::CallbackServerContext* context,
                                       const v1::ListRoundsRequest* request,
                                       v1::ListRoundsResponse* response) override;
  grpc::ServerUnaryReactor* CancelRound(grpc::CallbackServerContext* context,
                                        const v1::CancelRoundRequest* request,
                                        v1::Round* response) override;
  grpc::ServerWriteReactor<v1::Round>* WatchRound(grpc::CallbackServerContext* context,
                                                  const v1::WatchRoundRequest* request) override;
  grpc::ServerUnaryReactor* ListObservations(grpc::CallbackServerContext* context,
                                             const v1::ListObservationsRequest* request,
                                             v1::ListObservationsResponse* response) override;

 private:
  RoundManager* manager_;
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
  WatchHub* hub_;
};

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_COORDINATOR_SERVICE_H_
