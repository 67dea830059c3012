#ifndef GOVINSPECT_SERVICES_SCORING_RULESET_H_
#define GOVINSPECT_SERVICES_SCORING_RULESET_H_

// Ruleset files (docs/rulesets.md): textproto of govinspect.scoring.v1.Ruleset, parsed with
// protobuf's TextFormat. Overlays (`base: "gov-2019"`) are merged onto their base by id.
// Every error names the file and line (1-based) and says what is wrong.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "govinspect/scoring/v1/ruleset.pb.h"

namespace govinspect::scoring {

// One ruleset file's content. `file` is used in messages; its stem must equal the ruleset name.
struct RulesetSource {
  std::string file;
  std::string text;
};

// A loaded ruleset: resolved (merged onto its base) and validated.
struct ResolvedRuleset {
  v1::Ruleset ruleset;
  // The file it came from (the overlay's, for overlays).
  std::string file;
  // Hex digest of the resolved ruleset's deterministic serialization.
  std::string digest;
};

class RulesetCatalog {
 public:
  RulesetCatalog() = default;

  // Parses every source, merges overlays onto their base, validates everything. All errors are
  // collected into one INVALID_ARGUMENT, one "file:line:column: reason" per line.
  static absl::StatusOr<RulesetCatalog> FromSources(const std::vector<RulesetSource>& sources);
  // Reads every *.textproto file of `dir`. NOT_FOUND if the directory is missing; INVALID_ARGUMENT
  // if it holds no ruleset or a bad one.
  static absl::StatusOr<RulesetCatalog> LoadDir(const std::string& dir);

  // nullptr if absent.
  std::shared_ptr<const ResolvedRuleset> Find(const std::string& name) const;
  // Sorted.
  std::vector<std::string> Names() const;
  size_t size() const { return rulesets_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const ResolvedRuleset>> rulesets_;
};

// Parses and validates a single self-contained ruleset (no base). For tests and tools.
absl::StatusOr<ResolvedRuleset> ParseRuleset(const RulesetSource& source);

// FNV-1a 64 of the bytes, as 16 hex digits.
std::string HexDigest(const std::string& bytes);

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_RULESET_H_
