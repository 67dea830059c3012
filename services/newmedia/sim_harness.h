#ifndef GOVINSPECT_SERVICES_NEWMEDIA_SIM_HARNESS_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_SIM_HARNESS_H_

// Test and benchmark harness around the simulated province (tools/simprovince): generate a
// province into a directory, serve it as a subprocess on 127.0.0.1:0, turn its registry bundle
// into the account tasks a round would enqueue, check them, and score the observations with
// `simprovince score-detection`. Not linked into the service.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/common/v1/task.pb.h"
#include "nlohmann/json.hpp"

namespace govinspect::newmedia::sim {

// Runs `binary args...`, waits; returns the exit code and stdout.
absl::StatusOr<std::pair<int, std::string>> Run(const std::string& binary,
                                                const std::vector<std::string>& args);

// A `simprovince serve` subprocess; SIGTERM on destruction.
class SimServer {
 public:
  static absl::StatusOr<std::unique_ptr<SimServer>> Start(const std::string& binary,
                                                          const std::string& dir,
                                                          const std::vector<std::string>& extra);
  ~SimServer();
  const std::string& address() const { return address_; }

 private:
  pid_t pid_ = -1;
  std::string address_;
};

// The registry of the bundle in `dir` (units and accounts only).
absl::StatusOr<common::v1::Registry> RegistryFromBundle(const std::string& dir);

// The account tasks of the bundle in `dir` (units.csv, accounts.csv), as the coordinator
// builds them (unit and the unit's filed accounts in each payload).
absl::StatusOr<std::vector<common::v1::TaskPayload>> AccountTasks(const std::string& dir,
                                                                  const std::string& as_of);

// The export document (docs/observations-export.md) of `observations`.
nlohmann::json ExportJson(const std::string& round, const std::string& as_of,
                          const std::vector<common::v1::Observation>& observations);

// truth.json restricted to what newmedia observes: account targets, and unit targets with only
// their account_unfiled / account_duplicate_platform findings.
nlohmann::json AccountTruth(const nlohmann::json& truth);

}  // namespace govinspect::newmedia::sim

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_SIM_HARNESS_H_
