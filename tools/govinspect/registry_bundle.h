#ifndef GOVINSPECT_TOOLS_GOVINSPECT_REGISTRY_BUNDLE_H_
#define GOVINSPECT_TOOLS_GOVINSPECT_REGISTRY_BUNDLE_H_

// Reads a registry bundle (docs/registry.md) from a directory into an ImportRegistryRequest.

#include <string>

#include "absl/status/statusor.h"
#include "govinspect/coordinator/v1/registry_service.pb.h"

namespace govinspect::cli {

// The bundle's file names, in the order they are sent.
inline constexpr const char* kBundleFiles[] = {"units.csv", "sites.csv", "accounts.csv",
                                               "portals.csv", "site_overrides.csv"};

// Reads units.csv (required) and sites.csv, accounts.csv, portals.csv, site_overrides.csv (each
// optional) from `dir`. The bytes are sent as they are; the coordinator validates the content.
// Returns NOT_FOUND if `dir` is not a directory; INVALID_ARGUMENT if units.csv is missing or if
// the directory holds other *.csv files (a misnamed file would otherwise be silently skipped);
// RESOURCE_EXHAUSTED if a file is over 64 MiB; UNKNOWN for read errors.
absl::StatusOr<coordinator::v1::ImportRegistryRequest> ReadRegistryBundle(const std::string& dir);

}  // namespace govinspect::cli

#endif  // GOVINSPECT_TOOLS_GOVINSPECT_REGISTRY_BUNDLE_H_
