#include "common/files/file_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

std::string UnitSheetFileName(const std::string& unit, int index) {
  constexpr absl::string_view kPrefix = "units/";
  absl::string_view id(unit);
  bool ok = absl::StartsWith(id, kPrefix);
  if (ok) id.remove_prefix(kPrefix.size());
  ok = ok && !id.empty() && id.size() <= 63 && id.front() != '-';
  for (char c : id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  return ok ? absl::StrCat(id, ".pdf") : absl::StrCat("unit-", index, ".pdf");
}

}  // namespace govinspect::common
