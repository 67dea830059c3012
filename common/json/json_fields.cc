#include "common/json/json_fields.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace govinspect::common {

using nlohmann::json;

json ParseJsonBounded(std::string_view body, int max_depth, bool* too_deep) {
  *too_deep = false;
  json::parser_callback_t check = [too_deep, max_depth](int depth, json::parse_event_t event, json&) {
    if (depth > max_depth && (event == json::parse_event_t::object_start ||
                              event == json::parse_event_t::array_start)) {
      *too_deep = true;
      return false;  // dropped (its content is still read, but not kept)
    }
    return true;
  };
  return json::parse(body.begin(), body.end(), check, /*allow_exceptions=*/false);
}

std::string JsonString(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return absl::StrCat(it->get<int64_t>());
  return "";
}

int64_t JsonInt(const json& j, const char* key, bool numeric_strings) {
  if (!j.is_object()) return -1;
  auto it = j.find(key);
  if (it == j.end()) return -1;
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    return v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? static_cast<int64_t>(v)
                                                                            : -1;
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) {
    // Converting a double outside int64's range is undefined: such a number is unreadable.
    const double v = it->get<double>();
    return v > -9.2e18 && v < 9.2e18 ? static_cast<int64_t>(v) : -1;
  }
  if (numeric_strings && it->is_string()) {
    int64_t v = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(it->get<std::string>()), &v)) return v;
  }
  return -1;
}

bool JsonBool(const json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  if (it == j.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer()) return it->get<int64_t>() != 0;
  if (it->is_string()) {
    const std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->get<std::string>()));
    return s == "true" || s == "1" || s == "yes" || s == "on";
  }
  return false;
}

}  // namespace govinspect::common
