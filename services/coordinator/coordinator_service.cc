#include "services/coordinator/coordinator_service.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/unary.h"
#include "common/log/log.h"

namespace govinspect::coordinator {
namespace {

using common::FinishNow;
using common::RunOnExecutor;

bool IsTerminal(v1::Round::State s) {
  return s == v1::Round::DONE || s == v1::Round::FAILED || s == v1::Round::CANCELLED;
}

// Looks a resource up by name in the registry.
template <typename T>
absl::StatusOr<T> Lookup(const absl::flat_hash_map<std::string, const T*>& index,
                         const std::string& name, const std::string& collection) {
  if (!absl::StartsWith(name, collection + "/") || name.size() == collection.size() + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("name \"", name, "\": want ", collection, "/{id}"));
  }
  auto it = index.find(name);
  if (it == index.end()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  return *it->second;
}

// One page of a registry collection; `unit` (may be empty) filters items by their unit field
// where the collection has one.
template <typename T>
bool InUnit(const T& item, const std::string& unit) {
  if constexpr (requires { item.unit(); }) {
    return unit.empty() || item.unit() == unit;
  } else {
    return true;
  }
}

template <typename T, typename Response, typename Adder>
absl::StatusOr<Response> Page(const google::protobuf::RepeatedPtrField<T>& all,
                              int32_t page_size, const std::string& token,
                              const std::string& unit, int64_t version, Adder add) {
  auto size = EffectivePageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  std::string filter = absl::StrCat("v", version, "|", unit);
  auto offset = DecodePageToken(token, filter);
  if (!offset.ok()) {
    if (!token.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          offset.status().message(), " (or the registry was re-imported: start again)"));
    }
    return offset.status();
  }
  std::vector<const T*> matching;
  for (const auto& item : all) {
    if (InUnit(item, unit)) matching.push_back(&item);
  }
  Response resp;
  for (int64_t i = *offset; i < static_cast<int64_t>(matching.size()) && i < *offset + *size; ++i) {
    add(resp, *matching[i]);
  }
  resp.set_total_size(static_cast<int32_t>(matching.size()));
  if (*offset + *size < static_cast<int64_t>(matching.size())) {
    resp.set_next_page_token(EncodePageToken(*offset + *size, filter));
  }
  return resp;
}

}  // namespace

// ---------------------------------------------------------------------------- registry

grpc::ServerUnaryReactor* RegistryServiceImpl::ImportRegistry(
    grpc::CallbackServerContext* context, const v1::ImportRegistryRequest* request,
    v1::ImportRegistryResponse* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return FinishNow(context, s);
  if (request->files_size() == 0) {
    return FinishNow(context, absl::InvalidArgumentError("files: the bundle is empty"));
  }
  return RunOnExecutor(context, response, executor_, [this, request] {
    std::vector<RegistryFile> files;
    for (const auto& f : request->files()) files.push_back({f.file_name(), f.content()});
    return manager_->ImportRegistry(files, request->validate_only());
  });
}

#define GOVINSPECT_REGISTRY_GET(Method, Type, Index, Collection)                             \
  grpc::ServerUnaryReactor* RegistryServiceImpl::Method(grpc::CallbackServerContext* context, \
                                                        const v1::Method##Request* request,   \
                                                        common::v1::Type* response) {         \
    return RunOnExecutor(context, response, executor_,                                        \
                         [this, request]() -> absl::StatusOr<common::v1::Type> {              \
                           auto reg = manager_->Registry();                                   \
                           if (!reg.ok()) return reg.status();                                \
                           return Lookup((*reg)->Index, request->name(), Collection);         \
                         });                                                                  \
  }

GOVINSPECT_REGISTRY_GET(GetUnit, Unit, units, "units")
GOVINSPECT_REGISTRY_GET(GetSite, Site, sites, "sites")
GOVINSPECT_REGISTRY_GET(GetAccount, Account, accounts, "accounts")
GOVINSPECT_REGISTRY_GET(GetPortal, Portal, portals, "portals")
#undef GOVINSPECT_REGISTRY_GET

grpc::ServerUnaryReactor* RegistryServiceImpl::ListUnits(grpc::CallbackServerContext* context,
                                                         const v1::ListUnitsRequest* request,
                                                         v1::ListUnitsResponse* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request]() -> absl::StatusOr<v1::ListUnitsResponse> {
    auto reg = manager_->Registry();
    if (!reg.ok()) return reg.status();
    return Page<common::v1::Unit, v1::ListUnitsResponse>(
        (*reg)->registry.units(), request->page_size(), request->page_token(), "",
        (*reg)->version, [](v1::ListUnitsResponse& r, const common::v1::Unit& u) { *r.add_units() = u; });
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSites(grpc::CallbackServerContext* context,
                                                         const v1::ListSitesRequest* request,
                                                         v1::ListSitesResponse* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request]() -> absl::StatusOr<v1::ListSitesResponse> {
    auto reg = manager_->Registry();
    if (!reg.ok()) return reg.status();
    return Page<common::v1::Site, v1::ListSitesResponse>(
        (*reg)->registry.sites(), request->page_size(), request->page_token(), request->unit(),
        (*reg)->version, [](v1::ListSitesResponse& r, const common::v1::Site& s) { *r.add_sites() = s; });
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListAccounts(
    grpc::CallbackServerContext* context, const v1::ListAccountsRequest* request,
    v1::ListAccountsResponse* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request]() -> absl::StatusOr<v1::ListAccountsResponse> {
    auto reg = manager_->Registry();
    if (!reg.ok()) return reg.status();
    return Page<common::v1::Account, v1::ListAccountsResponse>(
        (*reg)->registry.accounts(), request->page_size(), request->page_token(), request->unit(),
        (*reg)->version,
        [](v1::ListAccountsResponse& r, const common::v1::Account& a) { *r.add_accounts() = a; });
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPortals(grpc::CallbackServerContext* context,
                                                           const v1::ListPortalsRequest* request,
                                                           v1::ListPortalsResponse* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request]() -> absl::StatusOr<v1::ListPortalsResponse> {
    auto reg = manager_->Registry();
    if (!reg.ok()) return reg.status();
    return Page<common::v1::Portal, v1::ListPortalsResponse>(
        (*reg)->registry.portals(), request->page_size(), request->page_token(), "",
        (*reg)->version,
        [](v1::ListPortalsResponse& r, const common::v1::Portal& p) { *r.add_portals() = p; });
  });
}

// ---------------------------------------------------------------------------- rounds

grpc::ServerUnaryReactor* RoundServiceImpl::CreateRound(grpc::CallbackServerContext* context,
                                                        const v1::CreateRoundRequest* request,
                                                        v1::Round* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return FinishNow(context, s);
  if (!request->has_round()) return FinishNow(context, absl::InvalidArgumentError("round: required"));
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return manager_->CreateRound(*request); });
}

grpc::ServerUnaryReactor* RoundServiceImpl::GetRound(grpc::CallbackServerContext* context,
                                                     const v1::GetRoundRequest* request,
                                                     v1::Round* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return manager_->GetRound(request->name()); });
}

grpc::ServerUnaryReactor* RoundServiceImpl::ListRounds(grpc::CallbackServerContext* context,
                                                       const v1::ListRoundsRequest* request,
                                                       v1::ListRoundsResponse* response) {
  return RunOnExecutor(context, response, executor_, [this, request] {
    return manager_->ListRounds(request->page_size(), request->page_token());
  });
}

grpc::ServerUnaryReactor* RoundServiceImpl::CancelRound(grpc::CallbackServerContext* context,
                                                        const v1::CancelRoundRequest* request,
                                                        v1::Round* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return FinishNow(context, s);
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return manager_->CancelRound(request->name()); });
}

grpc::ServerUnaryReactor* RoundServiceImpl::ListObservations(
    grpc::CallbackServerContext* context, const v1::ListObservationsRequest* request,
    v1::ListObservationsResponse* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return manager_->ListObservations(*request); });
}

// A WatchRound stream. Two references: gRPC's (dropped in OnDone) and the hub's (dropped when
// the hub lets go of a finished watcher). Writes and Finish are never called under mu_.
class RoundWatchReactor : public grpc::ServerWriteReactor<v1::Round> {
 public:
  explicit RoundWatchReactor(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  bool finished() {
    absl::MutexLock lock(&mu_);
    return finish_called_;
  }

  void Offer(const absl::StatusOr<v1::Round>& round) {
    std::optional<grpc::Status> finish;
    bool write = false;
    {
      absl::MutexLock lock(&mu_);
      if (finish_called_) return;
      if (!round.ok()) {
        finish_called_ = true;
        finish = common::ToGrpcStatus(round.status());
      } else {
        std::string bytes = round->SerializeAsString();
        if (bytes == last_) return;
        last_ = bytes;
        if (writing_) {
          pending_ = *round;
        } else {
          writing_ = true;
          in_flight_ = *round;
          write = true;
        }
      }
    }
    if (finish) Finish(*finish);
    if (write) StartWrite(&in_flight_);
  }

  void OnWriteDone(bool ok) override {
    std::optional<grpc::Status> finish;
    bool write = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        if (!finish_called_) finish = grpc::Status(grpc::StatusCode::CANCELLED, "stream closed");
        finish_called_ = true;
      } else if (pending_) {
        in_flight_ = *std::move(pending_);
        pending_.reset();
        writing_ = true;
        write = true;
      } else if (IsTerminal(in_flight_.state()) && !finish_called_) {
        finish_called_ = true;
        finish = grpc::Status::OK;
      }
    }
    if (finish) Finish(*finish);
    if (write) StartWrite(&in_flight_);
  }

  void OnCancel() override {
    bool finish = false;
    {
      absl::MutexLock lock(&mu_);
      if (!finish_called_ && !writing_) {
        finish_called_ = true;
        finish = true;
      }
    }
    if (finish) Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
  }

  void OnDone() override { Unref(); }

  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

 private:
  const std::string name_;
  std::atomic<int> refs_{2};
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
  std::string last_ ABSL_GUARDED_BY(mu_);
  std::optional<v1::Round> pending_ ABSL_GUARDED_BY(mu_);
  v1::Round in_flight_;
};

grpc::ServerWriteReactor<v1::Round>* RoundServiceImpl::WatchRound(
    grpc::CallbackServerContext* /*context*/, const v1::WatchRoundRequest* request) {
  auto* reactor = new RoundWatchReactor(request->name());
  hub_->Add(reactor);
  return reactor;
}

WatchHub::WatchHub(RoundManager* manager, absl::Duration period)
    : manager_(manager), period_(period), thread_([this] { Loop(); }) {}

WatchHub::~WatchHub() { Stop(); }

void WatchHub::Add(RoundWatchReactor* watcher) {
  absl::MutexLock lock(&mu_);
  watchers_.push_back(watcher);
}

void WatchHub::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  for (auto* w : watchers_) {
    w->Offer(absl::UnavailableError("the coordinator is shutting down"));
    w->Unref();
  }
  watchers_.clear();
}

void WatchHub::Loop() {
  bool first = true;
  while (first || !stop_.WaitForNotificationWithTimeout(period_)) {
    first = false;
    std::vector<RoundWatchReactor*> current;
    {
      absl::MutexLock lock(&mu_);
      std::vector<RoundWatchReactor*> keep;
      for (auto* w : watchers_) {
        if (w->finished()) {
          w->Unref();
        } else {
          keep.push_back(w);
        }
      }
      watchers_ = keep;
      current = keep;
    }
    // Watchers in `current` stay referenced: only this thread drops the hub's references.
    std::map<std::string, absl::StatusOr<v1::Round>> cache;
    for (auto* w : current) {
      auto it = cache.find(w->name());
      if (it == cache.end()) it = cache.emplace(w->name(), manager_->GetRound(w->name())).first;
      w->Offer(it->second);
    }
    // Newly added watchers get their first value without waiting a whole period.
    absl::MutexLock lock(&mu_);
    if (watchers_.size() > current.size()) first = true;
  }
}

}  // namespace govinspect::coordinator
