// Writes the registry bundle (docs/registry.md) of a simulated province.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_REGISTRY_WRITER_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_REGISTRY_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "tools/simprovince/model.h"

namespace govinspect::simprovince {

std::string CsvField(const std::string& s);
std::string UnitsCsv(const Province& p);
std::string SitesCsv(const Province& p);
std::string AccountsCsv(const Province& p);  // filing records only
std::string PortalsCsv(const Province& p);

absl::Status WriteFile(const std::string& path, const std::string& content);
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_REGISTRY_WRITER_H_
