#include "tools/simprovince/score.h"

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {

using nlohmann::json;

namespace {

using Key = std::pair<std::string, std::string>;  // kind, match value

std::string Str(const json& j, const char* field) {
  auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Indicator(const std::string& kind, const std::string& type, const json& f) {
  std::string ind = IndicatorFor(kind, type);
  if (ind.empty()) ind = Str(f, "indicator");
  return ind.empty() ? "unknown" : ind;
}

json CountsJson(const Counts& c) {
  return json{{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"precision", c.Precision()}, {"recall", c.Recall()}};
}

}  // namespace

absl::StatusOr<DetectionScore> ScoreDetection(const json& truth, const json& obs) {
  if (!truth.is_object() || !truth.contains("targets") || !truth["targets"].is_array()) {
    return absl::InvalidArgumentError("truth: missing \"targets\" array");
  }
  if (!obs.is_object() || !obs.contains("targets") || !obs["targets"].is_array()) {
    return absl::InvalidArgumentError("observations: missing \"targets\" array");
  }
  DetectionScore out;
  struct TruthTarget {
    std::string type;
    std::string family;  // sites: the CMS family
    bool registered = true;
    std::map<Key, std::string> findings;  // key -> indicator
    std::set<Key> traps;
  };
  std::map<std::string, TruthTarget> truth_targets;
  for (const json& t : truth["targets"]) {
    std::string name = Str(t, "target");
    TruthTarget& tt = truth_targets[name];
    tt.type = TargetType(name);
    tt.registered = !t.contains("in_registry") || t["in_registry"] != false;
    if (tt.type == "site") {
      tt.family = "unknown";
      if (t.contains("facts") && t["facts"].is_object()) {
        if (t["facts"].contains("cms_family") && t["facts"]["cms_family"].is_string()) tt.family = t["facts"]["cms_family"];
        else if (t["facts"].contains("cms_style") && t["facts"]["cms_style"].is_string()) tt.family = t["facts"]["cms_style"];
      }
    }
    if (t.contains("findings") && t["findings"].is_array()) {
      for (const json& f : t["findings"]) {
        std::string kind = Str(f, "kind");
        tt.findings[{kind, MatchValue(f)}] = Indicator(kind, tt.type, f);
      }
    }
    if (t.contains("must_not_report") && t["must_not_report"].is_array()) {
      for (const json& f : t["must_not_report"]) tt.traps.insert({Str(f, "kind"), MatchValue(f)});
    }
  }
  const std::string* family = nullptr;  // of the target being counted (sites only)
  auto add = [&](const std::string& kind, const std::string& indicator, int Counts::*field) {
    out.by_kind[kind].*field += 1;
    out.by_indicator[indicator].*field += 1;
    out.overall.*field += 1;
    if (family != nullptr && !family->empty()) {
      out.by_family[*family].*field += 1;
      out.by_family_kind[*family][kind].*field += 1;
    }
  };
  auto all_fn = [&](const TruthTarget& tt) {
    family = &tt.family;
    for (const auto& [key, ind] : tt.findings) add(key.first, ind, &Counts::fn);
    family = nullptr;
  };
  std::set<std::string> seen;
  for (const json& t : obs["targets"]) {
    if (!t.is_object()) return absl::InvalidArgumentError("observations: a target is not an object");
    std::string name = Str(t, "target");
    if (name.empty()) return absl::InvalidArgumentError("observations: a target has no \"target\" name");
    if (!seen.insert(name).second) return absl::InvalidArgumentError(absl::StrCat("observations: duplicate target ", name));
    const std::string type = TargetType(name);
    auto tt = truth_targets.find(name);
    static const std::string kUnknownFamily = "unknown";
    family = tt != truth_targets.end() ? &tt->second.family : type == "site" ? &kUnknownFamily : nullptr;
    if (Str(t, "status") == "NOT_ASSESSED") {
      out.not_assessed.push_back(name);
      if (tt != truth_targets.end()) all_fn(tt->second);
      family = nullptr;
      continue;
    }
    std::map<Key, std::string> observed;
    if (t.contains("findings") && t["findings"].is_array()) {
      for (const json& f : t["findings"]) {
        std::string kind = Str(f, "kind");
        if (FindFindingKind(kind) == nullptr) ++out.unknown_kinds;
        observed.emplace(Key{kind, MatchValue(f)}, Indicator(kind, type, f));
      }
    }
    for (const auto& [key, ind] : observed) {
      if (tt != truth_targets.end() && tt->second.findings.count(key)) {
        add(key.first, ind, &Counts::tp);
      } else {
        add(key.first, ind, &Counts::fp);
        if (tt != truth_targets.end() && tt->second.traps.count(key)) {
          out.traps_reported.push_back(json{{"target", name}, {"kind", key.first}, {"key", key.second}});
        }
      }
    }
    if (tt != truth_targets.end()) {
      for (const auto& [key, ind] : tt->second.findings) {
        if (!observed.count(key)) add(key.first, ind, &Counts::fn);
      }
    }
    family = nullptr;
  }
  for (const auto& [name, tt] : truth_targets) {
    if (seen.count(name) || !tt.registered) continue;
    if (tt.type == "unit" && tt.findings.empty()) continue;
    out.missing_targets.push_back(name);
    all_fn(tt);
  }
  return out;
}

json DetectionScore::ToJson() const {
  json kinds = json::object(), inds = json::object();
  for (const auto& [k, c] : by_kind) kinds[k] = CountsJson(c);
  for (const auto& [k, c] : by_indicator) inds[k] = CountsJson(c);
  json fams = json::object(), fam_kinds = json::object();
  for (const auto& [k, c] : by_family) fams[k] = CountsJson(c);
  for (const auto& [f, m] : by_family_kind) {
    for (const auto& [k, c] : m) fam_kinds[f][k] = CountsJson(c);
  }
  return json{{"overall", CountsJson(overall)},
              {"by_kind", kinds},
              {"by_indicator", inds},
              {"by_cms_family", fams},
              {"by_cms_family_kind", fam_kinds},
              {"traps_reported", traps_reported},
              {"not_assessed_targets", not_assessed},
              {"missing_targets", missing_targets},
              {"unknown_kinds", unknown_kinds}};
}

std::string DetectionScore::ToTable() const {
  std::string out;
  auto section = [&](const char* title, const std::map<std::string, Counts>& m) {
    absl::StrAppendFormat(&out, "%-34s %6s %6s %6s %9s %7s\n", title, "TP", "FP", "FN", "precision", "recall");
    for (const auto& [k, c] : m) {
      absl::StrAppendFormat(&out, "%-34s %6d %6d %6d %9.3f %7.3f\n", k, c.tp, c.fp, c.fn, c.Precision(), c.Recall());
    }
    out += "\n";
  };
  section("finding kind", by_kind);
  section("indicator", by_indicator);
  section("CMS family (site findings)", by_family);
  absl::StrAppendFormat(&out, "%-34s %6d %6d %6d %9.3f %7.3f\n", "OVERALL", overall.tp, overall.fp, overall.fn,
                        overall.Precision(), overall.Recall());
  if (!traps_reported.empty()) {
    absl::StrAppendFormat(&out, "\ntraps reported (must not be reported; counted as FP): %d\n", traps_reported.size());
    for (const json& t : traps_reported) {
      absl::StrAppendFormat(&out, "  %s %s %s\n", t["target"].get<std::string>(), t["kind"].get<std::string>(),
                            t["key"].get<std::string>());
    }
  }
  if (!not_assessed.empty()) {
    absl::StrAppendFormat(&out, "\nNOT_ASSESSED targets (their truth findings counted as FN): %d\n", not_assessed.size());
    for (const std::string& t : not_assessed) absl::StrAppend(&out, "  ", t, "\n");
  }
  if (!missing_targets.empty()) {
    absl::StrAppendFormat(&out, "\ntargets absent from the export (their truth findings counted as FN): %d\n",
                          missing_targets.size());
  }
  if (unknown_kinds > 0) absl::StrAppendFormat(&out, "\nfindings with unknown kinds (FP): %d\n", unknown_kinds);
  return out;
}

absl::StatusOr<VerdictScore> ScoreVerdicts(const nlohmann::json& truth, const nlohmann::json& scorecards) {
  using nlohmann::json;
  if (!truth.is_object() || !truth.contains("targets") || !truth["targets"].is_array()) {
    return absl::InvalidArgumentError("truth: no \"targets\" array");
  }
  const json* cards = &scorecards;
  if (scorecards.is_object() && scorecards.contains("scorecards")) cards = &scorecards["scorecards"];
  if (!cards->is_array()) return absl::InvalidArgumentError("scorecards: no \"scorecards\" array");
  std::map<std::string, const json*> by_target;
  for (const json& c : *cards) {
    if (c.is_object() && c.contains("target") && c["target"].is_string()) by_target[c["target"].get<std::string>()] = &c;
  }
  VerdictScore out;
  for (const json& t : truth["targets"]) {
    if (!t.contains("expected") || !t.contains("target")) continue;
    const std::string type = t.value("type", "");
    if (type == "account" && !t.value("in_registry", true)) continue;  // unfiled: not a scored target
    const std::string target = t["target"].get<std::string>();
    const json& e = t["expected"];
    std::set<std::string> want;
    for (const json& v : e.value("veto_indicators", json::array())) want.insert(v.get<std::string>());
    const std::string result = e.value("result", "");
    VerdictScore::Tally& tally = out.by_type[type];
    ++tally.total;
    auto it = by_target.find(target);
    std::set<std::string> got;
    std::string verdict = "(no scorecard)";
    if (it != by_target.end()) {
      verdict = it->second->value("verdict", "VERDICT_UNSPECIFIED");
      for (const json& v : it->second->value("vetoes", json::array())) {
        if (v.contains("indicator")) got.insert(v["indicator"].get<std::string>());
      }
    }
    bool ok = it != by_target.end() && got == want;
    if (ok) {
      if (result == "pass") ok = verdict == "PASS";
      else if (result == "fail") ok = verdict == "FAIL";
      else if (result == "not_applicable") ok = verdict == "NOT_APPLICABLE";
    }
    if (ok) {
      ++tally.matched;
    } else {
      out.mismatches.push_back({{"target", target},
                                {"expected_result", result},
                                {"expected_vetoes", want},
                                {"verdict", verdict},
                                {"vetoes", got}});
    }
  }
  return out;
}

nlohmann::json VerdictScore::ToJson() const {
  nlohmann::json j;
  for (const auto& [type, t] : by_type) j["by_type"][type] = {{"matched", t.matched}, {"total", t.total}};
  j["mismatches"] = mismatches;
  return j;
}

std::string VerdictScore::ToTable() const {
  std::string out = "\nverdicts (veto set and pass/fail vs truth)\n";
  for (const auto& [type, t] : by_type) {
    out += absl::StrFormat("%-10s %5d of %5d match\n", type, t.matched, t.total);
  }
  for (const auto& m : mismatches) out += "mismatch " + m.dump() + "\n";
  return out;
}

}  // namespace govinspect::simprovince
