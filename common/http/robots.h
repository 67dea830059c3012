#ifndef GOVINSPECT_COMMON_HTTP_ROBOTS_H_
#define GOVINSPECT_COMMON_HTTP_ROBOTS_H_

// A small robots.txt reader: the group for our user-agent token (else "*"), Allow/Disallow
// path prefixes with "*" and "$", longest match wins (RFC 9309).

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace govinspect::common {

class RobotsRules {
 public:
  // An empty rule set allows everything.
  RobotsRules() = default;
  static RobotsRules Parse(absl::string_view robots_txt, absl::string_view agent_token);

  // `path_and_query` starts with '/'.
  bool Allowed(absl::string_view path_and_query) const;
  size_t size() const { return rules_.size(); }

 private:
  struct Rule {
    std::string pattern;
    bool allow;
  };
  std::vector<Rule> rules_;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTTP_ROBOTS_H_
