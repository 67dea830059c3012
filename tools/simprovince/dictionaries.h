// The small built-in dictionaries used to plant content defects (see data/*.txt).
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_DICTIONARIES_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_DICTIONARIES_H_

#include <string>
#include <vector>

#include "tools/simprovince/civil_date.h"

namespace govinspect::simprovince {

struct ExpressionError {
  std::string wrong;
  std::string right;
};
struct AbolishedName {
  std::string old_name;
  std::string new_name;
  Day invalid_since;
};

struct Dictionaries {
  std::vector<ExpressionError> expression_errors;
  std::vector<std::string> sensitive_words;
  std::vector<AbolishedName> abolished_names;

  static const Dictionaries& BuiltIn();
};

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_DICTIONARIES_H_
