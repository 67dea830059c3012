#ifndef GOVINSPECT_SERVICES_NEWMEDIA_FILING_IMPORT_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_FILING_IMPORT_H_

// Import of the filing records (备案记录) exported from the 政务新媒体管理系统 as CSV: one row per
// filed account with its unit, platform, platform account id, name and the opened / filed /
// closed dates. Headers may be Chinese (单位名称,平台,账号ID,账号名称,开设日期,备案日期,注销日期) or the
// registry's own (unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date);
// see docs/newmedia.md for every accepted alias. All-or-nothing: any bad row fails the whole
// import, and every error found (up to 100) is reported as `FILE:LINE: field F: …`.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::newmedia {

// Parses the records; units are matched by unit name (full), short name or id (`units/x` or `x`).
// Accounts get ids `<unit_id>-<wx|wb|dy|tt|app|other>[N]` (N = 2, 3, … for a unit's further
// accounts on one platform, in file order). INVALID_ARGUMENT with every error on bad input.
absl::StatusOr<std::vector<common::v1::Account>> ImportFilingRecords(
    absl::string_view csv, absl::string_view file_name,
    const std::vector<common::v1::Unit>& units);

// The accounts as the registry's accounts.csv (docs/registry.md).
std::string AccountsCsv(const std::vector<common::v1::Account>& accounts);

// Dates as the management system exports them: 2020-06-30, 2020/6/30, 2020.06.30,
// 2020年6月30日, optionally followed by a time. "" → "".
absl::StatusOr<std::string> NormalizeDate(absl::string_view value);

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_FILING_IMPORT_H_
