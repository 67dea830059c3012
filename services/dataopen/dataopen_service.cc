#include "services/dataopen/dataopen_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/unary.h"
#include "services/dataopen/opendata_check.h"

namespace govinspect::dataopen {

absl::StatusOr<v1::CheckPortalResponse> CheckPortalFromRegistry(
    const CheckPortalBackend& backend, const v1::CheckPortalRequest& request,
    absl::CivilDay as_of) {
  absl::StatusOr<common::v1::Registry> registry = backend.registry();
  if (!registry.ok()) return registry.status();
  const common::v1::Portal* portal = nullptr;
  for (const auto& p : registry->portals()) {
    if (p.name() == request.portal()) portal = &p;
  }
  if (portal == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.portal(), " is not in the registry"));
  }
  std::vector<common::v1::Unit> units;
  if (request.units_size() > 0) {
    units.assign(request.units().begin(), request.units().end());
  } else {
    for (const auto& u : registry->units()) {
      if (!u.open_data_org().empty()) units.push_back(u);
    }
  }
  return backend.check(*portal, units, as_of);
}

grpc::ServerUnaryReactor* DataOpenServiceImpl::CheckPortal(grpc::CallbackServerContext* context,
                                                           const v1::CheckPortalRequest* request,
                                                           v1::CheckPortalResponse* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return common::FinishNow(context, s);
  const std::string& portal = request->portal();
  if (!absl::StartsWith(portal, "portals/") || portal.size() == 8 ||
      portal.find('/', 8) != std::string::npos) {
    return common::FinishNow(context, absl::InvalidArgumentError(absl::StrCat(
                                          "portal \"", portal, "\": want portals/{portal}")));
  }
  absl::CivilDay as_of;
  if (request->as_of().empty()) {
    as_of = backend_.today();
  } else {
    absl::StatusOr<absl::CivilDay> day = ParseDay(request->as_of());
    if (!day.ok()) {
      return common::FinishNow(context, absl::InvalidArgumentError(absl::StrCat(
                                            "as_of: ", day.status().message())));
    }
    as_of = *day;
  }
  for (const auto& u : request->units()) {
    if (!absl::StartsWith(u.name(), "units/")) {
      return common::FinishNow(context, absl::InvalidArgumentError(absl::StrCat(
                                            "units: \"", u.name(), "\": want units/{unit}")));
    }
  }
  v1::CheckPortalRequest copy = *request;
  return common::RunOnExecutor(context, response, executor_,
                               [this, copy = std::move(copy), as_of]() {
                                 return CheckPortalFromRegistry(backend_, copy, as_of);
                               });
}

}  // namespace govinspect::dataopen
