// Name data for units, columns and people of the simulated province.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_NAMES_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_NAMES_H_

#include <string>
#include <vector>

namespace govinspect::simprovince {

struct CityName {
  const char* name;      // 中山
  const char* abbr;      // zs (domain label)
  const char* division;  // 4420 (first four digits of the division code)
};

struct DeptName {
  const char* name;   // 发展和改革局 (appended to 中山市 / 广东省)
  const char* short_name;  // 发展改革局 (appended to 市 / 省)
  const char* abbr;   // fgj (domain label and id part)
  bool public_service;
};

const std::vector<CityName>& Cities();
const std::vector<DeptName>& CityDepartments();
const std::vector<DeptName>& ProvinceDepartments();

// Characters used to make place names, with the initial letter of their pinyin.
struct PlaceChar {
  const char* ch;
  char initial;
};
const std::vector<PlaceChar>& PlaceChars();

const std::vector<std::string>& Surnames();
const std::vector<std::string>& GivenNameChars();

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_NAMES_H_
