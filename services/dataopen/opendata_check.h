#ifndef GOVINSPECT_SERVICES_DATAOPEN_OPENDATA_CHECK_H_
#define GOVINSPECT_SERVICES_DATAOPEN_OPENDATA_CHECK_H_

// The open-data checks of one portal (transport-free; HTTP through an HttpTransport):
//
//   per unit with an open_data_org, as of the round's as_of —
//     opendata_not_connected   its organization is not on the portal
//     opendata_below_quota     fewer datasets than open_data_quota
//     opendata_stale_dataset   metadata_modified older than stale_periods × the declared update
//                              period (or default_update_period_days when none is declared)
//     opendata_zero_records    the datastore totals of the dataset's resources sum to 0
//     opendata_resource_broken a resource's download answers an error (HEAD, then ranged GET)
//
// A portal that cannot be read (organization_list fails) makes the portal and every unit NOT
// ASSESSED with the reason; a unit whose calls fail is NOT ASSESSED on its own. Nothing that
// could not be checked is ever passed.

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/common/v1/task.pb.h"
#include "services/dataopen/ckan_client.h"

namespace govinspect::dataopen {

struct OpenDataCheckOptions {
  CkanClientOptions client;
  // A dataset is stale when not modified for more than stale_periods × its update period.
  int stale_periods = 2;
  // The update period of a dataset that declares none (or an irregular one).
  int default_update_period_days = 365;
  // Units checked at once on one portal (each with its own sequential calls).
  int parallelism = 4;
  bool count_records = true;
  bool check_resources = true;
};

absl::Status ValidateOptions(const OpenDataCheckOptions& options);

// govinspect_dataopen_units_checked_total{outcome}: clean, findings, not_assessed.
class UnitMetrics {
 public:
  explicit UnitMetrics(prometheus::Registry& registry);
  void Count(const common::v1::Observation& unit_observation);

 private:
  prometheus::Counter* clean_;
  prometheus::Counter* findings_;
  prometheus::Counter* not_assessed_;
};

struct PortalCheckResult {
  // The portal's observation (target portals/{id}) first, then one per unit (units/{id}).
  std::vector<common::v1::Observation> observations;
  // OK, or why the portal itself could not be read.
  absl::Status portal_status;
  // Something failed in a way a later attempt may fix (timeouts, 5xx, resets).
  bool transient_failure = false;
  // A short description of the first failure, for logs.
  std::string first_failure;
};

// Checks `units` (those with an empty open_data_org are skipped) on `portal` as of `as_of`.
PortalCheckResult CheckPortal(const common::v1::Portal& portal,
                              const std::vector<common::v1::Unit>& units, absl::CivilDay as_of,
                              HttpTransport* transport, const OpenDataCheckOptions& options,
                              CkanMetrics* metrics);

// What one `portal` queue task stores: the portal's observation then one per unit. When part of
// the check failed transiently and the queue will deliver the task again (deliveries <
// max_deliveries), returns UNAVAILABLE instead so the whole task is retried; on the last delivery
// (or for permanent failures) the failed targets are stored NOT_ASSESSED with the reason. A
// payload that cannot be checked (no portal, bad as_of) is stored NOT_ASSESSED at once.
// `unit_metrics` (nullable) counts the units of what is returned.
absl::StatusOr<std::vector<common::v1::Observation>> RunPortalTask(
    const common::v1::TaskPayload& payload, int64_t deliveries, int max_deliveries,
    HttpTransport* transport, const OpenDataCheckOptions& options, CkanMetrics* metrics,
    UnitMetrics* unit_metrics);

// Parses YYYY-MM-DD.
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text);

}  // namespace govinspect::dataopen

#endif  // GOVINSPECT_SERVICES_DATAOPEN_OPENDATA_CHECK_H_
