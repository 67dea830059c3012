#ifndef GOVINSPECT_COMMON_JSON_JSON_FIELDS_H_
#define GOVINSPECT_COMMON_JSON_JSON_FIELDS_H_

// Reading JSON answers from outside (platform APIs, CKAN portals) without throwing: a document
// is parsed with a nesting limit, and a field that is missing or of another type reads as the
// "absent" value of its kind.

#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace govinspect::common {

// Parses `body`; a document that is not JSON is discarded (is_discarded()). Arrays and objects
// nested deeper than `max_depth` are dropped while parsing and `*too_deep` is set: copying or
// printing such a document recurses once per level and would overflow the stack.
nlohmann::json ParseJsonBounded(std::string_view body, int max_depth, bool* too_deep);

// The string at `key`, or an integer there as decimal text; "" otherwise (also when `j` is not
// an object).
std::string JsonString(const nlohmann::json& j, const char* key);

// The integer at `key`; a float inside int64's range is truncated; with `numeric_strings` a
// string holding an integer counts too. -1 when absent, of another type or out of range.
int64_t JsonInt(const nlohmann::json& j, const char* key, bool numeric_strings = false);

// true for true, a non-zero integer, or "true" / "1" / "yes" / "on" (any case); false otherwise.
bool JsonBool(const nlohmann::json& j, const char* key);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_JSON_JSON_FIELDS_H_
