// Fuzz target: the scoring service's ruleset loader (services/scoring/ruleset.h): textproto
// parsing with locations, overlay resolution (`base:`, merge by id, cycles) and validation.
//
// Input: one or more ruleset files separated by lines "#@@" (a textproto comment, so a real
// rulesets/*.textproto file is an input as it is). Each file is named after the first
// `name: "..."` line it holds (as the loader requires of a valid file), else part<N>. A loaded
// catalog holds only resolved rulesets (no overlay left unmerged) that round-trip through the
// wire format.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fuzz/fuzz_support.h"
#include "services/scoring/ruleset.h"

namespace {

using govinspect::scoring::RulesetSource;

std::string FileName(absl::string_view text, size_t index) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "name:")) continue;
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "\"")) break;
    const size_t end = line.find('"');
    if (end == absl::string_view::npos || end == 0) break;
    return absl::StrCat("rulesets/", line.substr(0, end), ".textproto");
  }
  return absl::StrCat("rulesets/part", index, ".textproto");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<RulesetSource> sources;
  for (absl::string_view part : absl::StrSplit(input, "\n#@@\n")) {
    sources.push_back({FileName(part, sources.size()), std::string(part)});
  }
  if (sources.size() == 1) (void)govinspect::scoring::ParseRuleset(sources[0]);
  const auto catalog = govinspect::scoring::RulesetCatalog::FromSources(sources);
  if (!catalog.ok()) {
    FUZZ_CHECK(catalog.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(!catalog.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(catalog->size() == catalog->Names().size());
  for (const std::string& name : catalog->Names()) {
    const auto r = catalog->Find(name);
    FUZZ_CHECK(r != nullptr);
    FUZZ_CHECK(r->ruleset.name() == name);
    FUZZ_CHECK(r->digest.size() == 16);
    FUZZ_CHECK(r->ruleset.indicators_size() > 0);
    std::string wire;
    FUZZ_CHECK(r->ruleset.SerializeToString(&wire));
    govinspect::scoring::v1::Ruleset back;
    FUZZ_CHECK(back.ParseFromString(wire));
  }
  return 0;
}
