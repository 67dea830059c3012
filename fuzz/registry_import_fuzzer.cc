// Fuzz target: the registry bundle import (services/coordinator/registry_import.h) and, through
// it, the CSV reader. The input holds the bundle's files the way `head` prints several files:
//
//   ==> units.csv <==
//   unit_id,name,short_name,kind,...
//   ==> sites.csv <==
//   ...
//
// Text before the first marker is units.csv. An accepted registry is all-valid: it round-trips
// through the protobuf wire format (string fields must be UTF-8), and every reference points to
// a unit of the bundle. A rejected one says why, as "file:line: ..." lines.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "fuzz/fuzz_support.h"
#include "services/coordinator/registry_import.h"

namespace {

using govinspect::coordinator::RegistryFile;

std::vector<RegistryFile> SplitBundle(absl::string_view input) {
  std::vector<RegistryFile> files;
  RegistryFile current{"units.csv", ""};
  bool any = false;
  for (absl::string_view line : absl::StrSplit(input, '\n')) {
    if (absl::StartsWith(line, "==> ") && absl::EndsWith(line, " <==") && line.size() >= 8) {
      if (any || !current.content.empty()) files.push_back(std::move(current));
      current = RegistryFile{std::string(line.substr(4, line.size() - 8)), ""};
      any = true;
      continue;
    }
    current.content.append(line.data(), line.size());
    current.content.push_back('\n');
  }
  files.push_back(std::move(current));
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<RegistryFile> files = SplitBundle(input);
  const auto reg = govinspect::coordinator::ParseRegistryBundle(files);
  if (!reg.ok()) {
    FUZZ_CHECK(reg.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::StartsWith(reg.status().message(), "registry not imported: "));
    return 0;
  }
  std::string wire;
  FUZZ_CHECK(reg->SerializeToString(&wire));
  govinspect::common::v1::Registry back;
  FUZZ_CHECK(back.ParseFromString(wire));
  std::set<std::string> units;
  for (const auto& u : reg->units()) {
    FUZZ_CHECK(absl::StartsWith(u.name(), "units/"));
    FUZZ_CHECK(govinspect::coordinator::IsValidId(u.name().substr(6)));
    FUZZ_CHECK(units.insert(u.name()).second);
  }
  for (const auto& u : reg->units()) {
    FUZZ_CHECK(u.parent().empty() || units.count(u.parent()) == 1);
  }
  for (const auto& s : reg->sites()) FUZZ_CHECK(units.count(s.unit()) == 1);
  for (const auto& a : reg->accounts()) FUZZ_CHECK(units.count(a.unit()) == 1);
  return 0;
}
