// Builds a simulated province (model only; pages are rendered on request).
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_GENERATE_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_GENERATE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/simprovince/model.h"

namespace govinspect::simprovince {

absl::StatusOr<Profile> ParseProfile(absl::string_view s);

// Validates the options (unknown rate names, rates outside [0,1]) and builds the model.
absl::StatusOr<Province> GenerateProvince(const GenerateOptions& options);

// Writes the bundle: units.csv, sites.csv, accounts.csv, portals.csv, truth.json and
// province.json (the parameters from which `serve` rebuilds the model, plus a digest of
// truth.json that `serve` checks).
absl::Status WriteProvince(const Province& p, const std::string& dir);

// Reads DIR/province.json, regenerates the model and checks it matches DIR/truth.json.
absl::StatusOr<Province> LoadProvince(const std::string& dir);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_GENERATE_H_
