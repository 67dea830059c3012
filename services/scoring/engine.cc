#include "services/scoring/engine.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/calendar/workday_calendar.h"
#include "services/scoring/finding_kinds.h"

namespace govinspect::scoring {
namespace {

using common::v1::Finding;
using common::v1::Observation;

double Round6(double x) { return std::round(x * 1e6) / 1e6; }

std::string Points(double x) { return absl::StrFormat("%.1f", x); }

v1::AppliesTo AppliesFor(v1::TargetType t) {
  switch (t) {
    case v1::TARGET_TYPE_PORTAL_SITE: return v1::APPLIES_TO_PORTAL_SITE;
    case v1::TARGET_TYPE_DEPARTMENT_SITE: return v1::APPLIES_TO_DEPARTMENT_SITE;
    case v1::TARGET_TYPE_ACCOUNT: return v1::APPLIES_TO_ACCOUNT;
    case v1::TARGET_TYPE_UNIT:
    case v1::TARGET_TYPE_OPEN_DATA_PORTAL: return v1::APPLIES_TO_UNIT;
    default: return v1::APPLIES_TO_UNSPECIFIED;
  }
}

bool Applies(const v1::Indicator& ind, v1::AppliesTo a) {
  return std::find(ind.applies_to().begin(), ind.applies_to().end(), a) != ind.applies_to().end();
}

bool IsSite(v1::TargetType t) {
  return t == v1::TARGET_TYPE_PORTAL_SITE || t == v1::TARGET_TYPE_DEPARTMENT_SITE;
}

// scheme://HOST/path with the scheme and host lowercased, the fragment dropped and an empty path
// made "/".
std::string NormalizeUrl(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  if (size_t hash = url.find('#'); hash != absl::string_view::npos) url = url.substr(0, hash);
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(url);
  const size_t path = url.find_first_of("/?", scheme_end + 3);
  std::string head = absl::AsciiStrToLower(url.substr(0, path));
  std::string rest = path == absl::string_view::npos ? "" : std::string(url.substr(path));
  if (rest.empty() || rest[0] == '?') rest = "/" + rest;
  return head + rest;
}

bool ReadValue(absl::string_view detail, absl::string_view key, double* value) {
  for (absl::string_view token : absl::StrSplit(detail, absl::ByAnyChar(" \t,;"), absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&token, key) && absl::ConsumePrefix(&token, "=")) {
      return absl::SimpleAtod(token, value);
    }
  }
  return false;
}

int DetailItems(const std::string& detail) {
  int n = 0;
  for (absl::string_view item : absl::StrSplit(detail, absl::ByAnyChar(",;"), absl::SkipWhitespace())) {
    // "、" and "，" (UTF-8) also separate Chinese lists.
    for (absl::string_view part : absl::StrSplit(item, "、", absl::SkipWhitespace())) {
      for (absl::string_view p : absl::StrSplit(part, "，", absl::SkipWhitespace())) {
        (void)p;
        ++n;
      }
    }
  }
  return n;
}

// One problem per (kind, match key) (docs/finding-kinds.md: duplicates count once).
std::vector<const Finding*> Distinct(const Observation& o) {
  std::vector<const Finding*> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Finding& f : o.findings()) {
    std::string key;
    switch (MatchKeyOf(f.kind())) {
      case MatchKey::kNone: break;
      case MatchKey::kUrl: key = NormalizeUrl(f.url()); break;
      case MatchKey::kText: key = std::string(absl::StripAsciiWhitespace(f.text())); break;
      case MatchKey::kDetail: key = std::string(absl::StripAsciiWhitespace(f.detail())); break;
      case MatchKey::kAll: key = f.SerializeAsString(); break;
    }
    if (seen.emplace(f.kind(), std::move(key)).second) out.push_back(&f);
  }
  return out;
}

std::string IndicatorNames(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits) {
  std::vector<std::string> names;
  for (const v1::RuleHit& h : hits) {
    if (std::find(names.begin(), names.end(), h.indicator_name()) == names.end()) {
      names.push_back(h.indicator_name());
    }
  }
  return absl::StrJoin(names, "、");
}

void Count(const v1::Scorecard& c, v1::VerdictCounts* counts) {
  counts->set_total(counts->total() + 1);
  switch (c.verdict()) {
    case v1::Scorecard::PASS: counts->set_passed(counts->passed() + 1); break;
    case v1::Scorecard::FAIL: counts->set_failed(counts->failed() + 1); break;
    case v1::Scorecard::NOT_ASSESSED: counts->set_not_assessed(counts->not_assessed() + 1); break;
    default: counts->set_not_applicable(counts->not_applicable() + 1); break;
  }
}

double Rate(const v1::VerdictCounts& c) {
  const int judged = c.passed() + c.failed();
  return judged == 0 ? 0.0 : static_cast<double>(c.passed()) / judged;
}

}  // namespace

// ------------------------------------------------------------------------------------ dates

bool ParseIsoDay(absl::string_view s, absl::CivilDay* day) {
  s = absl::StripAsciiWhitespace(s);
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  const absl::CivilDay c(y, m, d);
  if (c.year() != y || c.month() != m || c.day() != d) return false;
  *day = c;
  return true;
}

absl::CivilDay Subtract(absl::CivilDay as_of, const v1::Window& w) {
  const int months = w.years() * 12 + w.months();
  return common::AddMonths(as_of, -months) - w.days();
}

// ------------------------------------------------------------------------------------ registry

RegistryIndex::RegistryIndex(const common::v1::Registry& registry) {
  for (const auto& u : registry.units()) {
    unit_names_[u.name()] = u.short_name().empty() ? u.display_name() : u.short_name();
    unit_public_service_[u.name()] = u.public_service();
    TargetInfo t;
    t.type = v1::TARGET_TYPE_UNIT;
    t.display_name = u.display_name();
    t.unit = u.name();
    t.public_service = u.public_service();
    targets_[u.name()] = t;
  }
  auto ps = [this](const std::string& unit) {
    auto it = unit_public_service_.find(unit);
    return it == unit_public_service_.end() ? true : it->second;
  };
  for (const auto& s : registry.sites()) {
    TargetInfo t;
    t.type = s.kind() == common::v1::SITE_KIND_PORTAL ? v1::TARGET_TYPE_PORTAL_SITE
                                                       : v1::TARGET_TYPE_DEPARTMENT_SITE;
    t.display_name = s.display_name();
    t.unit = s.unit();
    t.home_url = s.home_url();
    t.public_service = ps(s.unit());
    targets_[s.name()] = t;
  }
  for (const auto& a : registry.accounts()) {
    TargetInfo t;
    t.type = v1::TARGET_TYPE_ACCOUNT;
    t.display_name = a.display_name();
    t.unit = a.unit();
    t.public_service = ps(a.unit());
    t.closed_date = a.closed_date();
    targets_[a.name()] = t;
  }
  for (const auto& p : registry.portals()) {
    TargetInfo t;
    t.type = v1::TARGET_TYPE_OPEN_DATA_PORTAL;
    t.display_name = p.display_name();
    targets_[p.name()] = t;
  }
}

TargetInfo RegistryIndex::Lookup(const std::string& target, const std::string& unit) const {
  auto it = targets_.find(target);
  if (it != targets_.end()) {
    TargetInfo t = it->second;
    if (t.unit.empty()) t.unit = unit;
    return t;
  }
  TargetInfo t;
  t.unit = unit;
  auto ps = unit_public_service_.find(unit);
  t.public_service = ps == unit_public_service_.end() ? true : ps->second;
  if (absl::StartsWith(target, "sites/")) {
    t.type = v1::TARGET_TYPE_DEPARTMENT_SITE;
  } else if (absl::StartsWith(target, "accounts/")) {
    t.type = v1::TARGET_TYPE_ACCOUNT;
  } else if (absl::StartsWith(target, "units/")) {
    t.type = v1::TARGET_TYPE_UNIT;
  } else if (absl::StartsWith(target, "portals/")) {
    t.type = v1::TARGET_TYPE_OPEN_DATA_PORTAL;
  }
  return t;
}

std::string RegistryIndex::UnitName(const std::string& unit) const {
  auto it = unit_names_.find(unit);
  return it == unit_names_.end() ? "" : it->second;
}

// ------------------------------------------------------------------------------------ engine

std::string TargetSegment(const std::string& target) {
  std::string s = target;
  if (size_t slash = s.find('/'); slash != std::string::npos) s[slash] = '~';
  return s;
}

std::string ScorecardName(const std::string& round, const std::string& ruleset,
                          const std::string& target) {
  return absl::StrCat(round, "/scorings/", ruleset, "/scorecards/", TargetSegment(target));
}

Engine::Engine(v1::Ruleset ruleset, std::string digest)
    : ruleset_(std::move(ruleset)), digest_(std::move(digest)) {
  for (const v1::Group& g : ruleset_.score().groups()) groups_[g.id()] = &g;
}

void Engine::EvaluateIndicator(const v1::Indicator& ind,
                               const std::vector<const Finding*>& findings,
                               const TargetInfo& info, absl::CivilDay as_of,
                               std::vector<v1::RuleHit>* hits) const {
  const bool score_kind = ind.kind() == v1::DEDUCT || ind.kind() == v1::BONUS;
  for (const v1::Rule& rule : ind.rules()) {
    struct Prepared {
      const v1::Match* m;
      absl::CivilDay older_limit;
      absl::CivilDay within_limit;
      std::string home;
    };
    std::vector<Prepared> prepared;
    for (const v1::Match& m : rule.match()) {
      if (m.public_service_only() && !info.public_service) continue;
      prepared.push_back({&m, m.has_older_than() ? Subtract(as_of, m.older_than()) : as_of,
                          m.has_within() ? Subtract(as_of, m.within()) : as_of,
                          m.has_on_home_page() ? NormalizeUrl(info.home_url) : ""});
    }
    auto matches = [](const Prepared& p, const Finding& f) {
      const v1::Match& m = *p.m;
      if (std::find(m.kinds().begin(), m.kinds().end(), f.kind()) == m.kinds().end()) return false;
      if (m.detail_in_size() > 0 &&
          std::find(m.detail_in().begin(), m.detail_in().end(), f.detail()) ==
              m.detail_in().end()) {
        return false;
      }
      if (m.has_older_than() || m.has_within()) {
        absl::CivilDay d;
        const bool dated = ParseIsoDay(f.date(), &d);
        if (m.has_older_than() && dated && !(d < p.older_limit)) return false;
        if (m.has_within() && (!dated || d < p.within_limit)) return false;
      }
      if (m.has_min_detail_items() && DetailItems(f.detail()) < m.min_detail_items()) return false;
      if (m.has_on_home_page() && (NormalizeUrl(f.source_url()) == p.home) != m.on_home_page()) {
        return false;
      }
      return true;
    };
    std::vector<const Finding*> matched;
    for (const Finding* f : findings) {
      for (const Prepared& p : prepared) {
        if (matches(p, *f)) {
          matched.push_back(f);
          break;
        }
      }
    }
    const int count = static_cast<int>(matched.size());
    double measured = -1;
    bool hit = false;
    switch (rule.count_case()) {
      case v1::Rule::kAny: hit = count >= 1; break;
      case v1::Rule::kAtLeast: hit = count >= rule.at_least(); break;
      case v1::Rule::kRatioAtLeast: {
        bool missing = false;
        for (const Finding* f : matched) {
          double v = 0;
          if (ReadValue(f->detail(), rule.value_key(), &v)) {
            measured = std::max(measured, v);
          } else {
            missing = true;
          }
        }
        hit = count >= 1 && (missing || measured >= rule.ratio_at_least());
        break;
      }
      default: break;
    }
    if (!hit) continue;
    v1::RuleHit h;
    h.set_indicator(ind.id());
    h.set_indicator_name(ind.name());
    h.set_kind(ind.kind());
    h.set_rule(rule.id());
    h.set_rule_description(rule.description());
    h.set_count(count);
    h.set_measured(measured);
    h.set_provisional(rule.provisional() || ind.provisional());
    if (score_kind) {
      h.set_group(ind.group());
      auto g = groups_.find(ind.group());
      if (g != groups_.end()) h.set_group_name(g->second->name());
      const double raw = rule.has_per() ? std::floor(static_cast<double>(count) / rule.per()) *
                                              rule.points()
                                        : rule.points();
      h.set_raw_points(raw);
      h.set_points(raw);
    }
    for (int i = 0; i < count && i < kMaxEvidencePerHit; ++i) *h.add_evidence() = *matched[i];
    h.set_evidence_omitted(std::max(0, count - kMaxEvidencePerHit));
    hits->push_back(std::move(h));
  }
}

v1::Scorecard Engine::ScoreTarget(const std::string& round, const Observation& o,
                                  const TargetInfo& info, absl::CivilDay as_of) const {
  v1::Scorecard card;
  card.set_name(ScorecardName(round, ruleset_.name(), o.target()));
  card.set_target(o.target());
  card.set_unit(o.unit().empty() ? info.unit : o.unit());
  card.set_target_type(info.type);
  card.set_display_name(info.display_name);
  card.set_ruleset(ruleset_.name());
  card.set_finding_count(o.findings_size());
  card.set_score_scale(1);
  if (o.status() != common::v1::TARGET_STATUS_ASSESSED) {
    card.set_verdict(v1::Scorecard::NOT_ASSESSED);
    card.set_not_assessed_reason(o.status() == common::v1::TARGET_STATUS_UNSPECIFIED &&
                                         o.not_assessed_reason().empty()
                                     ? "status_unspecified"
                                     : o.not_assessed_reason());
    card.set_reason(absl::StrCat("无法评估",
                                 card.not_assessed_reason().empty()
                                     ? ""
                                     : absl::StrCat("：", card.not_assessed_reason()),
                                 "（不计入合格率/达标率）"));
    return card;
  }

  bool account_closed = false;
  if (info.type == v1::TARGET_TYPE_ACCOUNT) {
    const std::string state = absl::AsciiStrToLower(o.account().platform_state());
    account_closed = state == "closed" || state == "deleted";
    absl::CivilDay closed;
    if (ParseIsoDay(info.closed_date, &closed) && closed <= as_of) account_closed = true;
  }
  const bool not_applicable = account_closed || info.type == v1::TARGET_TYPE_UNIT ||
                              info.type == v1::TARGET_TYPE_OPEN_DATA_PORTAL ||
                              info.type == v1::TARGET_TYPE_UNSPECIFIED;
  const v1::AppliesTo applies = AppliesFor(info.type);
  const std::vector<const Finding*> findings = Distinct(o);

  std::vector<v1::RuleHit> vetoes, deductions, bonuses, problems;
  for (const v1::Indicator& ind : ruleset_.indicators()) {
    if (!Applies(ind, applies)) continue;
    if (not_applicable && ind.kind() != v1::PROBLEM) continue;
    std::vector<v1::RuleHit> hits;
    EvaluateIndicator(ind, findings, info, as_of, &hits);
    auto& dst = ind.kind() == v1::VETO     ? vetoes
                : ind.kind() == v1::DEDUCT ? deductions
                : ind.kind() == v1::BONUS  ? bonuses
                                           : problems;
    for (auto& h : hits) dst.push_back(std::move(h));
  }
  for (auto& h : vetoes) *card.add_vetoes() = std::move(h);

  // Deductions that are not scored are still problems to report (with no points).
  auto unscored = [&card](std::vector<v1::RuleHit>* hits) {
    for (auto& h : *hits) {
      h.set_points(0);
      *card.add_problems() = std::move(h);
    }
    hits->clear();
  };
  const auto& scored_types = ruleset_.score().scored();
  const bool scored_type =
      std::find(scored_types.begin(), scored_types.end(), applies) != scored_types.end();

  if (not_applicable) {
    card.set_verdict(v1::Scorecard::NOT_APPLICABLE);
    card.set_reason(account_closed ? "账号已在平台关停或注销，不参与达标率统计"
                                   : "单位层面的问题，不评定合格与否");
  } else if (card.vetoes_size() > 0) {
    card.set_verdict(v1::Scorecard::FAIL);
    card.set_reason(absl::StrCat("单项否决：", IndicatorNames(card.vetoes())));
    unscored(&deductions);
  } else if (!scored_type) {
    card.set_verdict(v1::Scorecard::PASS);
    card.set_reason(IsSite(info.type) ? "未触发单项否决（部门网站只检查单项否决指标）"
                                      : "未触发单项否决");
    unscored(&deductions);
  } else {
    const v1::ScoreRule& sr = ruleset_.score();
    const double base = sr.has_base() ? sr.base() : 100;
    const double pass_score = sr.has_pass_score() ? sr.pass_score() : 60;
    const double bonus_above = sr.has_bonus_above() ? sr.bonus_above() : 80;
    const double bonus_cap = sr.has_bonus_cap() ? sr.bonus_cap() : 30;
    std::set<std::string> skipped;
    double skipped_weight = 0;
    if (!info.public_service) {
      for (const v1::Group& g : sr.groups()) {
        if (g.skip_without_public_service()) {
          skipped.insert(g.id());
          skipped_weight += g.weight();
        }
      }
    }
    std::map<std::string, double> group_left;
    for (const v1::Group& g : sr.groups()) group_left[g.id()] = g.weight();
    std::map<std::string, double> indicator_left;
    for (const v1::Indicator& ind : ruleset_.indicators()) indicator_left[ind.id()] = ind.cap();
    std::map<std::pair<std::string, std::string>, double> rule_cap;
    for (const v1::Indicator& ind : ruleset_.indicators()) {
      for (const v1::Rule& r : ind.rules()) {
        if (r.has_cap() && r.cap() > 0) rule_cap[{ind.id(), r.id()}] = r.cap();
      }
    }
    double deducted = 0;
    std::vector<v1::RuleHit> skipped_hits;
    for (auto& h : deductions) {
      if (skipped.count(h.group()) > 0) {
        skipped_hits.push_back(std::move(h));
        continue;
      }
      double p = h.raw_points();
      if (auto rc = rule_cap.find({h.indicator(), h.rule()}); rc != rule_cap.end()) {
        p = std::min(p, rc->second);
      }
      p = std::min(p, indicator_left[h.indicator()]);
      p = std::min(p, group_left[h.group()]);
      p = std::max(0.0, p);
      indicator_left[h.indicator()] -= p;
      group_left[h.group()] -= p;
      h.set_points(p);
      h.set_capped(p < h.raw_points());
      deducted += p;
      *card.add_deductions() = std::move(h);
    }
    unscored(&skipped_hits);
    const double scale = base / (base - skipped_weight);
    const double base_score = Round6(base - deducted * scale);
    card.set_scored(true);
    card.set_deduction_total(Round6(deducted));
    card.set_score_scale(scale);
    card.set_base_score(base_score);
    double bonus = 0;
    const bool bonus_applies = base_score > bonus_above;
    for (auto& h : bonuses) {
      double p = 0;
      if (bonus_applies) {
        p = h.raw_points();
        if (auto rc = rule_cap.find({h.indicator(), h.rule()}); rc != rule_cap.end()) {
          p = std::min(p, rc->second);
        }
        p = std::min(p, indicator_left[h.indicator()]);
        p = std::max(0.0, std::min(p, bonus_cap - bonus));
        indicator_left[h.indicator()] -= p;
      }
      h.set_points(p);
      h.set_capped(p < h.raw_points());
      bonus += p;
      *card.add_bonuses() = std::move(h);
    }
    card.set_bonus_total(Round6(bonus));
    card.set_score(Round6(base_score + bonus));
    const std::string scale_text =
        skipped_weight > 0 ? absl::StrCat("，无办事服务职责，扣分按 ", Points(base), "/",
                                          Points(base - skipped_weight), " 折算")
                           : "";
    if (base_score < pass_score) {
      card.set_verdict(v1::Scorecard::FAIL);
      card.set_reason(absl::StrCat("得分 ", Points(base_score), "，低于 ", Points(pass_score),
                                   " 分（扣 ", Points(deducted), " 分", scale_text, "）"));
    } else {
      card.set_verdict(v1::Scorecard::PASS);
      card.set_reason(absl::StrCat("得分 ", Points(card.score()), "（扣 ", Points(deducted), " 分",
                                   scale_text,
                                   bonus_applies ? absl::StrCat("，加 ", Points(bonus), " 分")
                                                 : absl::StrCat("；未超过 ", Points(bonus_above),
                                                                " 分，不加分"),
                                   "）"));
    }
  }
  for (auto& h : problems) *card.add_problems() = std::move(h);
  return card;
}

v1::Scoring Engine::Summarize(const std::string& round, const std::string& as_of,
                              const std::vector<v1::Scorecard>& cards,
                              const std::vector<Observation>& observations,
                              const RegistryIndex& registry) const {
  v1::Scoring s;
  s.set_name(absl::StrCat(round, "/scorings/", ruleset_.name()));
  s.set_ruleset(ruleset_.name());
  s.set_round(round);
  s.set_as_of(as_of);
  s.set_ruleset_digest(digest_);
  s.set_scorecard_count(static_cast<int32_t>(cards.size()));

  struct IndicatorAgg {
    int targets = 0;
    std::set<std::string> units;
    int findings = 0;
  };
  std::map<std::string, IndicatorAgg> agg;
  std::map<std::string, v1::UnitSummary> units;
  std::map<std::string, std::set<std::string>> unit_indicators;
  for (const v1::Scorecard& c : cards) {
    v1::UnitSummary& u = units[c.unit()];
    if (IsSite(c.target_type())) {
      Count(c, s.mutable_sites());
      Count(c, c.target_type() == v1::TARGET_TYPE_PORTAL_SITE ? s.mutable_portal_sites()
                                                              : s.mutable_department_sites());
      Count(c, u.mutable_sites());
    } else if (c.target_type() == v1::TARGET_TYPE_ACCOUNT) {
      Count(c, s.mutable_accounts());
      Count(c, u.mutable_accounts());
    }
    if (c.verdict() == v1::Scorecard::FAIL) u.add_failed_targets(c.target());
    std::map<std::string, int> per_indicator;  // largest rule count per indicator
    for (const auto* hits : {&c.vetoes(), &c.deductions(), &c.bonuses(), &c.problems()}) {
      for (const v1::RuleHit& h : *hits) {
        int& n = per_indicator[h.indicator()];
        n = std::max(n, h.count());
      }
    }
    for (const auto& [id, n] : per_indicator) {
      IndicatorAgg& a = agg[id];
      a.targets += 1;
      a.units.insert(c.unit());
      a.findings += n;
      unit_indicators[c.unit()].insert(id);
    }
    if (c.target_type() == v1::TARGET_TYPE_UNIT && c.problems_size() > 0) {
      u.set_unit_problems(u.unit_problems() + c.problems_size());
      s.set_units_with_problems(s.units_with_problems() + 1);
    }
  }
  s.set_site_pass_rate(Rate(s.sites()));
  s.set_account_pass_rate(Rate(s.accounts()));
  for (const v1::Indicator& ind : ruleset_.indicators()) {
    v1::IndicatorCount* ic = s.add_indicator_counts();
    ic->set_indicator(ind.id());
    ic->set_name(ind.name());
    ic->set_kind(ind.kind());
    auto it = agg.find(ind.id());
    if (it != agg.end()) {
      ic->set_targets(it->second.targets);
      ic->set_units(static_cast<int32_t>(it->second.units.size()));
      ic->set_findings(it->second.findings);
    }
  }
  std::map<std::string, std::pair<int, int>> kinds;  // kind → (findings, targets)
  for (const Observation& o : observations) {
    if (o.status() != common::v1::TARGET_STATUS_ASSESSED) continue;
    std::set<std::string> seen;
    for (const Finding& f : o.findings()) {
      auto& k = kinds[f.kind()];
      k.first += 1;
      if (seen.insert(f.kind()).second) k.second += 1;
    }
  }
  for (const auto& [kind, n] : kinds) {
    v1::KindCount* kc = s.add_kind_counts();
    kc->set_kind(kind);
    kc->set_findings(n.first);
    kc->set_targets(n.second);
  }
  for (auto& [unit, u] : units) {
    u.set_unit(unit);
    u.set_display_name(registry.UnitName(unit));
    const auto& ids = unit_indicators[unit];
    for (const std::string& id : ids) u.add_indicators(id);
    *s.add_units() = std::move(u);
  }
  return s;
}

absl::StatusOr<Engine::Result> Engine::ScoreRound(const std::string& round,
                                                  const std::string& as_of,
                                                  const std::vector<Observation>& observations,
                                                  const common::v1::Registry& registry) const {
  absl::CivilDay day;
  if (!ParseIsoDay(as_of, &day)) {
    return absl::InvalidArgumentError(absl::StrCat("as_of \"", as_of, "\" is not YYYY-MM-DD"));
  }
  RegistryIndex index(registry);
  std::vector<const Observation*> sorted;
  sorted.reserve(observations.size());
  for (const Observation& o : observations) sorted.push_back(&o);
  std::sort(sorted.begin(), sorted.end(),
            [](const Observation* a, const Observation* b) { return a->target() < b->target(); });
  Result r;
  r.cards.reserve(sorted.size());
  for (const Observation* o : sorted) {
    r.cards.push_back(ScoreTarget(round, *o, index.Lookup(o->target(), o->unit()), day));
  }
  r.scoring = Summarize(round, as_of, r.cards, observations, index);
  return r;
}

}  // namespace govinspect::scoring
