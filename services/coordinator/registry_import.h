#ifndef GOVINSPECT_SERVICES_COORDINATOR_REGISTRY_IMPORT_H_
#define GOVINSPECT_SERVICES_COORDINATOR_REGISTRY_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::coordinator {

struct RegistryFile {
  std::string name;     // units.csv, sites.csv, accounts.csv, portals.csv, site_overrides.csv
  std::string content;  // raw bytes
};

// Parses and validates a registry bundle (docs/registry.md). All or nothing: on any problem,
// INVALID_ARGUMENT whose message lists every error found (up to 100), one per line, as
// "file:line: field NAME: reason".
absl::StatusOr<common::v1::Registry> ParseRegistryBundle(const std::vector<RegistryFile>& files);

// The rows of site_overrides.csv a registry holds: every selector set in a Site.overrides.pages
// entry plus every Site.overrides.column_categories entry.
int CountSiteOverrides(const common::v1::Registry& registry);

// The categories a column_category override may name (docs/registry.md).
bool IsColumnCategory(const std::string& category);

// True for ids of the form [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?.
bool IsValidId(const std::string& id);

// True for a real calendar date written YYYY-MM-DD.
bool IsValidDate(const std::string& date);

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_REGISTRY_IMPORT_H_
