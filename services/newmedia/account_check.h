#ifndef GOVINSPECT_SERVICES_NEWMEDIA_ACCOUNT_CHECK_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_ACCOUNT_CHECK_H_

// The check of one filed new-media account as of a date (docs/newmedia.md): transport-free, it
// reads the platform through PlatformAdapters and the posts through the content checker.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/text/content_checker.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/common/v1/task.pb.h"
#include "services/newmedia/platform_adapter.h"

namespace govinspect::newmedia {

struct AccountCheckOptions {
  // account_not_updated: no post in the `update_days` days before as_of.
  int update_days = 14;
  // account_dormant (僵尸/睡眠): no post for more than `dormant_months` months.
  int dormant_months = 3;
  // account_filed_late: filed more than `filing_days` days after opening.
  int filing_days = 3;
  // Posts read per account at most (newest first); older ones are not content-checked.
  int max_posts = 2000;
  int posts_page_size = 100;
  int search_page_size = 100;
  // Pages read per listing at most (a guard against endless paging).
  int max_pages = 200;
  // Search the platforms for the unit's accounts (unfiled, duplicates) in the task of the unit's
  // first filed account.
  bool search_unit_accounts = true;
};

absl::Status ValidateOptions(const AccountCheckOptions& options);

// The adapters by platform id ("wechat", …); a platform without one is not readable.
using AdapterMap = std::map<std::string, PlatformAdapter*>;

struct AccountCheckResult {
  // Target accounts/{account}: ASSESSED with findings, or NOT_ASSESSED with the reason.
  common::v1::Observation account;
  // Target units/{unit}, when this check searched the unit's accounts.
  std::optional<common::v1::Observation> unit;
  // Why the account (or the unit search) could not be read. OK when everything was read;
  // IsTransient(status) = worth another delivery.
  absl::Status status;
  // Content-check CPU time (for the benchmark's share), seconds.
  double content_seconds = 0;
};

// Runs every check of the payload's account. Never fails: what cannot be read is in `status`
// and the observation is NOT_ASSESSED with the reason.
AccountCheckResult CheckAccount(const common::v1::TaskPayload& payload, const AdapterMap& adapters,
                                const common::ContentChecker& checker,
                                const AccountCheckOptions& options);

// True if `account` is the first (smallest name) of the unit's filed accounts in the payload —
// the one whose task searches the platforms for the unit.
bool SearchesUnit(const common::v1::TaskPayload& payload);

// Units with no filed account at all get no account task, so nobody would search the platforms
// for them. The task of the registry's first account (smallest name) does it instead: for each
// such unit, CheckUnitAccounts reports every account found as unfiled (and duplicates).
struct OrphanUnitPlan {
  std::string first_account;             // accounts/{account}
  std::vector<common::v1::Unit> units;   // units without filed accounts
};
OrphanUnitPlan PlanOrphanUnits(const common::v1::Registry& registry);

// The platform search of one unit that has no filed account: its observation (units/{unit}).
absl::StatusOr<common::v1::Observation> CheckUnitAccounts(const std::string& round,
                                                          const common::v1::Unit& unit,
                                                          const AdapterMap& adapters,
                                                          const AccountCheckOptions& options);

// The indicator of an account/unit finding kind (docs/finding-kinds.md).
const char* AccountIndicator(const std::string& kind);

// YYYY-MM-DD → CivilDay (strict).
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& s);

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_ACCOUNT_CHECK_H_
