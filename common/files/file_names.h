#ifndef GOVINSPECT_COMMON_FILES_FILE_NAMES_H_
#define GOVINSPECT_COMMON_FILES_FILE_NAMES_H_

// Names of files written from data (the report service's unit sheets, the CLI's downloads): a
// fixed scheme from validated ids, never a path built from a name.

#include <string>

namespace govinspect::common {

// The file name of a unit's 整改通知单 (the report's units/ folder, `govinspect report units`):
// "<unit_id>.pdf" from the unit's resource name (units/{unit_id}: lowercase letters, digits and
// '-', at most 63). Never built from the unit's display name, which may hold '/', "..", NUL or
// run to hundreds of bytes; the name is inside the document. A resource name that does not hold
// such an id gives "unit-<index>.pdf" (index = the sheet's position, from 1).
std::string UnitSheetFileName(const std::string& unit, int index);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_FILES_FILE_NAMES_H_
