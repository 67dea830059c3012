#include "common/http/robots.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace govinspect::common {
namespace {

// Matches a robots pattern ("*" any run, trailing "$" end) against a path prefix.
bool Match(absl::string_view pat, absl::string_view path) {
  if (pat.empty()) return true;
  if (pat == "$") return path.empty();
  if (pat[0] == '*') {
    for (size_t i = 0; i <= path.size(); ++i) {
      if (Match(pat.substr(1), path.substr(i))) return true;
    }
    return false;
  }
  if (path.empty() || pat[0] != path[0]) return false;
  return Match(pat.substr(1), path.substr(1));
}

}  // namespace

RobotsRules RobotsRules::Parse(absl::string_view text, absl::string_view agent_token) {
  std::string token = absl::AsciiStrToLower(agent_token);
  RobotsRules mine, star;
  bool have_mine = false;
  std::vector<std::string> agents;
  bool in_rules = false;
  for (absl::string_view line : absl::StrSplit(text, absl::ByAnyChar("\r\n"))) {
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (key == "user-agent") {
      if (in_rules) agents.clear();
      in_rules = false;
      agents.push_back(absl::AsciiStrToLower(value));
      continue;
    }
    if (key != "allow" && key != "disallow") continue;
    in_rules = true;
    if (key == "disallow" && value.empty()) continue;  // allows everything
    Rule rule{std::string(value), key == "allow"};
    for (const auto& a : agents) {
      if (a == "*") star.rules_.push_back(rule);
      if (!token.empty() && a != "*" && absl::StrContains(token, a)) {
        mine.rules_.push_back(rule);
        have_mine = true;
      }
    }
  }
  return have_mine ? mine : star;
}

bool RobotsRules::Allowed(absl::string_view path) const {
  size_t best = 0;
  bool allowed = true;
  bool found = false;
  for (const Rule& r : rules_) {
    // A pattern matches a prefix of the path unless it ends with '$'.
    const bool anchored = !r.pattern.empty() && r.pattern.back() == '$';
    const std::string pat = anchored ? r.pattern : r.pattern + "*";
    if (!Match(pat, path)) continue;
    if (!found || r.pattern.size() > best || (r.pattern.size() == best && r.allow)) {
      best = r.pattern.size();
      allowed = r.allow;
      found = true;
    }
  }
  return allowed;
}

}  // namespace govinspect::common
