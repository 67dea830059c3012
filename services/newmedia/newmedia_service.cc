#include "services/newmedia/newmedia_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/unary.h"

namespace govinspect::newmedia {

absl::StatusOr<common::v1::TaskPayload> PayloadFromRegistry(const common::v1::Registry& registry,
                                                            const std::string& account,
                                                            absl::CivilDay as_of) {
  const common::v1::Account* found = nullptr;
  for (const auto& a : registry.accounts()) {
    if (a.name() == account) found = &a;
  }
  if (found == nullptr) return absl::NotFoundError(absl::StrCat(account, " is not in the registry"));
  common::v1::TaskPayload p;
  p.set_as_of(absl::FormatCivilTime(as_of));
  *p.mutable_account() = *found;
  for (const auto& u : registry.units()) {
    if (u.name() == found->unit()) *p.add_units() = u;
  }
  for (const auto& a : registry.accounts()) {
    if (a.unit() == found->unit()) *p.add_unit_accounts() = a;
  }
  return p;
}

absl::StatusOr<v1::CheckAccountResponse> CheckAccountFromRegistry(
    const CheckAccountBackend& backend, const std::string& account, absl::CivilDay as_of) {
  absl::StatusOr<common::v1::Registry> registry = backend.registry();
  if (!registry.ok()) return registry.status();
  absl::StatusOr<common::v1::TaskPayload> payload = PayloadFromRegistry(*registry, account, as_of);
  if (!payload.ok()) return payload.status();
  AccountCheckResult r = backend.check(*payload);
  if (IsTransient(r.status)) {
    // The platform did not answer: worth retrying, so an error rather than a verdict.
    return absl::UnavailableError(absl::StrCat(account, ": the platform cannot be read: ",
                                               r.status.message()));
  }
  v1::CheckAccountResponse resp;
  *resp.mutable_observation() = std::move(r.account);
  if (r.unit.has_value()) *resp.mutable_unit_observation() = std::move(*r.unit);
  return resp;
}

grpc::ServerUnaryReactor* NewMediaServiceImpl::CheckAccount(grpc::CallbackServerContext* context,
                                                            const v1::CheckAccountRequest* request,
                                                            v1::CheckAccountResponse* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return common::FinishNow(context, s);
  const std::string& account = request->account();
  if (!absl::StartsWith(account, "accounts/") || account.size() == 9 ||
      account.find('/', 9) != std::string::npos) {
    return common::FinishNow(context, absl::InvalidArgumentError(absl::StrCat(
                                          "account \"", account, "\": want accounts/{account}")));
  }
  absl::CivilDay as_of;
  if (request->as_of().empty()) {
    as_of = backend_.today();
  } else {
    absl::StatusOr<absl::CivilDay> day = ParseDay(request->as_of());
    if (!day.ok()) {
      return common::FinishNow(
          context, absl::InvalidArgumentError(absl::StrCat("as_of: ", day.status().message())));
    }
    as_of = *day;
  }
  return common::RunOnExecutor(context, response, executor_, [this, account, as_of]() {
    return CheckAccountFromRegistry(backend_, account, as_of);
  });
}

}  // namespace govinspect::newmedia
