#include "services/report/notice.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"

namespace govinspect::report {
namespace {

using common::v1::Finding;
using common::v1::Observation;
using scoring::v1::RuleHit;
using scoring::v1::Scorecard;

constexpr const char* kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                     "十一", "十二", "十三", "十四", "十五", "十六", "十七",
                                     "十八", "十九", "二十"};

std::string Numeral(int i) {  // 1-based
  if (i >= 1 && i <= 20) return kNumerals[i - 1];
  return absl::StrCat(i);
}

std::string Enum(int i) { return absl::StrCat("（", Numeral(i), "）"); }

std::string PlatformNoun(common::v1::Platform p) {
  switch (p) {
    case common::v1::PLATFORM_WECHAT: return "微信公众号";
    case common::v1::PLATFORM_WEIBO: return "微博";
    case common::v1::PLATFORM_DOUYIN: return "抖音号";
    case common::v1::PLATFORM_TOUTIAO: return "头条号";
    case common::v1::PLATFORM_APP: return "移动客户端";
    default: return "政务新媒体";
  }
}

std::string PlatformNoun(const std::string& id) {
  if (id == "wechat") return PlatformNoun(common::v1::PLATFORM_WECHAT);
  if (id == "weibo") return PlatformNoun(common::v1::PLATFORM_WEIBO);
  if (id == "douyin") return PlatformNoun(common::v1::PLATFORM_DOUYIN);
  if (id == "toutiao") return PlatformNoun(common::v1::PLATFORM_TOUTIAO);
  if (id == "app") return PlatformNoun(common::v1::PLATFORM_APP);
  return "政务新媒体";
}

bool IsSite(const std::string& target) { return absl::StartsWith(target, "sites/"); }
bool IsAccount(const std::string& target) { return absl::StartsWith(target, "accounts/"); }

std::string HitKindLabel(scoring::v1::IndicatorKind k) {
  switch (k) {
    case scoring::v1::VETO: return "单项否决";
    case scoring::v1::DEDUCT: return "扣分";
    case scoring::v1::BONUS: return "加分";
    case scoring::v1::PROBLEM: return "通报问题";
    default: return "";
  }
}

// Lookups over the round's registry snapshot, scorecards and observations.
class Index {
 public:
  explicit Index(const ReportInput& in) : in_(in) {
    int order = 0;
    for (const auto& u : in.registry.units()) {
      units_[u.name()] = &u;
      unit_order_[u.name()] = order++;
    }
    for (const auto& s : in.registry.sites()) {
      sites_[s.name()] = &s;
      target_order_[s.name()] = order++;
    }
    for (const auto& a : in.registry.accounts()) {
      accounts_[a.name()] = &a;
      target_order_[a.name()] = order++;
    }
    for (const auto& u : in.registry.units()) target_order_[u.name()] = order++;
    for (const auto& c : in.cards) cards_[c.target()] = &c;
    for (const auto& ind : in.scoring.indicator_counts()) indicator_names_[ind.indicator()] = ind.name();
  }

  // Sort key: registry order (sites, accounts, units), then the name.
  std::pair<int, std::string> Order(const std::string& target) const {
    auto it = target_order_.find(target);
    return {it == target_order_.end() ? 1 << 30 : it->second, target};
  }
  std::pair<int, std::string> UnitOrder(const std::string& unit) const {
    auto it = unit_order_.find(unit);
    return {it == unit_order_.end() ? 1 << 30 : it->second, unit};
  }

  const Scorecard* Card(const std::string& target) const {
    auto it = cards_.find(target);
    return it == cards_.end() ? nullptr : it->second;
  }
  const common::v1::Unit* Unit(const std::string& unit) const {
    auto it = units_.find(unit);
    return it == units_.end() ? nullptr : it->second;
  }
  const common::v1::Site* Site(const std::string& t) const {
    auto it = sites_.find(t);
    return it == sites_.end() ? nullptr : it->second;
  }
  const common::v1::Account* Account(const std::string& t) const {
    auto it = accounts_.find(t);
    return it == accounts_.end() ? nullptr : it->second;
  }

  std::string UnitShort(const std::string& unit) const {
    if (const auto* u = Unit(unit)) return u->short_name().empty() ? u->display_name() : u->short_name();
    return unit.substr(unit.find('/') + 1);
  }
  std::string UnitFull(const std::string& unit) const {
    if (const auto* u = Unit(unit)) return u->display_name();
    return unit.substr(unit.find('/') + 1);
  }
  common::v1::UnitKind UnitKind(const std::string& unit) const {
    const auto* u = Unit(unit);
    return u == nullptr ? common::v1::UNIT_KIND_UNSPECIFIED : u->kind();
  }

  // 中山市统计局网站 / “市统计局发布”微信公众号 / 中山市统计局
  std::string TargetName(const std::string& target, const std::string& unit) const {
    if (const auto* s = Site(target)) return s->display_name();
    if (const auto* a = Account(target)) {
      return absl::StrCat("“", a->display_name(), "”", PlatformNoun(a->platform()));
    }
    if (const Scorecard* c = Card(target); c != nullptr && !c->display_name().empty()) {
      return c->display_name();
    }
    if (absl::StartsWith(target, "units/")) return UnitFull(target);
    (void)unit;
    return target;
  }
  std::string TypeLabel(const std::string& target) const {
    if (IsSite(target)) return "网站";
    if (IsAccount(target)) return "政务新媒体";
    if (absl::StartsWith(target, "portals/")) return "开放数据平台";
    return "单位";
  }
  std::string VerdictLabel(const std::string& target) const {
    const Scorecard* c = Card(target);
    if (c == nullptr) return "未评分";
    switch (c->verdict()) {
      case Scorecard::PASS: return IsSite(target) ? "合格" : "达标";
      case Scorecard::FAIL: return IsSite(target) ? "不合格" : "不达标";
      case Scorecard::NOT_ASSESSED: return "无法评估";
      case Scorecard::NOT_APPLICABLE: return "不适用";
      default: return "未评分";
    }
  }
  std::string HomeUrl(const std::string& target) const {
    const auto* s = Site(target);
    return s == nullptr ? "" : s->home_url();
  }
  std::string IndicatorName(const std::string& id) const {
    auto it = indicator_names_.find(id);
    return it == indicator_names_.end() ? id : it->second;
  }

  // The rule behind a finding: the scorecard's hit that lists it as evidence, else a hit of its
  // indicator, else the indicator's name.
  std::string RuleFor(const std::string& target, const Finding& f) const {
    const Scorecard* c = Card(target);
    const ProblemKey key = KeyOf(target, f);
    auto describe = [](const RuleHit& h) {
      std::string s = h.indicator_name().empty() ? h.indicator() : h.indicator_name();
      if (!h.rule_description().empty()) absl::StrAppend(&s, "：", h.rule_description());
      std::string kind = HitKindLabel(h.kind());
      if (!kind.empty()) absl::StrAppend(&s, "（", kind, "）");
      return s;
    };
    if (c != nullptr) {
      for (const auto* hits : {&c->vetoes(), &c->deductions(), &c->bonuses(), &c->problems()}) {
        for (const RuleHit& h : *hits) {
          for (const Finding& e : h.evidence()) {
            if (KeyOf(target, e) == key) return describe(h);
          }
        }
      }
      for (const auto* hits : {&c->vetoes(), &c->deductions(), &c->bonuses(), &c->problems()}) {
        for (const RuleHit& h : *hits) {
          if (h.indicator() == f.indicator() && h.evidence_omitted() > 0) return describe(h);
        }
      }
    }
    if (f.indicator().empty()) return "";
    return absl::StrCat(IndicatorName(f.indicator()), "（未计入评分）");
  }

 private:
  const ReportInput& in_;
  std::map<std::string, const common::v1::Unit*> units_;
  std::map<std::string, const common::v1::Site*> sites_;
  std::map<std::string, const common::v1::Account*> accounts_;
  std::map<std::string, int> target_order_, unit_order_;
  std::map<std::string, const Scorecard*> cards_;
  std::map<std::string, std::string> indicator_names_;
};

// "A、B、C" or "A、B、C等7个" + noun.
std::string ListWithNoun(const std::vector<std::string>& names, int total, int max,
                         const std::string& noun) {
  std::vector<std::string> shown(names.begin(),
                                 names.begin() + std::min<size_t>(names.size(), max));
  std::string s = absl::StrJoin(shown, "、");
  if (total > static_cast<int>(shown.size())) absl::StrAppend(&s, "等", total, "个");
  return s + noun;
}

template <typename T>
void PushUnique(std::vector<T>* v, const T& x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

struct KindTargets {
  // Targets with findings of the kind, in registry order.
  std::vector<std::string> targets;
  // Unit-level findings (e.g. account_unfiled) by target.
  std::map<std::string, std::vector<const Finding*>> findings;
};

class Builder {
 public:
  Builder(const ReportInput& in, const ReportTemplates& t, absl::CivilDay report_date)
      : in_(in), t_(t), idx_(in), report_date_(report_date) {}

  absl::StatusOr<Notice> Build();

 private:
  // Site / account / unit phrase for the examples of a kind (see problems/*.txt).
  std::string TargetsPhrase(const std::vector<std::string>& targets, const std::string& kind,
                            const KindTargets* kt) const;
  std::string UnitsPhrase(const std::vector<std::string>& targets) const;
  absl::StatusOr<std::string> Fill(const std::string& text,
                                   const std::map<std::string, std::string>& extra) const;
  absl::Status Overall(Notice* n);
  absl::Status Problems(Notice* n);
  void Requirements(Notice* n, const std::string& text);
  void Annex(Notice* n);
  void FindingsAndSheets(Notice* n);

  const ReportInput& in_;
  const ReportTemplates& t_;
  Index idx_;
  absl::CivilDay report_date_;
  std::map<std::string, std::string> values_;
  std::vector<const Observation*> observations_;  // registry order
  std::map<std::string, const Observation*> by_target_;
  std::map<std::string, KindTargets> kinds_;
  std::set<ProblemKey> previous_problems_;
  std::vector<FollowupItem> followup_;
  int max_ = 5;
};

std::string Builder::TargetsPhrase(const std::vector<std::string>& targets,
                                   const std::string& kind, const KindTargets* kt) const {
  std::vector<std::string> site_units, accounts, units;
  int n_sites = 0, n_accounts = 0, n_units = 0;
  for (const auto& target : targets) {
    auto found = by_target_.find(target);
    const std::string unit = found != by_target_.end() ? found->second->unit() : "";
    if (IsSite(target)) {
      ++n_sites;
      PushUnique(&site_units, idx_.UnitShort(unit));
    } else if (IsAccount(target)) {
      ++n_accounts;
      accounts.push_back(absl::StrCat(idx_.UnitShort(unit), idx_.TargetName(target, unit)));
    } else if (kind == "account_unfiled" && kt != nullptr && kt->findings.count(target)) {
      for (const Finding* f : kt->findings.at(target)) {
        ++n_units;
        units.push_back(absl::StrCat(idx_.UnitShort(unit), "“", f->text(), "”",
                                     PlatformNoun(f->detail())));
      }
    } else {
      ++n_units;
      PushUnique(&units, idx_.UnitShort(unit));
    }
  }
  std::vector<std::string> parts;
  if (n_sites > 0) parts.push_back(ListWithNoun(site_units, n_sites, max_, "网站"));
  if (n_accounts > 0) {
    parts.push_back(n_accounts > max_ ? ListWithNoun(accounts, n_accounts, max_, "政务新媒体")
                                      : absl::StrJoin(accounts, "、"));
  }
  if (n_units > 0) {
    parts.push_back(kind == "account_unfiled"
                        ? (n_units > max_ ? ListWithNoun(units, n_units, max_, "政务新媒体")
                                          : absl::StrJoin(units, "、"))
                        : ListWithNoun(units, static_cast<int>(units.size()), max_, ""));
  }
  return absl::StrJoin(parts, "，以及");
}

std::string Builder::UnitsPhrase(const std::vector<std::string>& targets) const {
  std::vector<std::string> names;
  for (const auto& target : targets) {
    auto found = by_target_.find(target);
    if (found != by_target_.end()) PushUnique(&names, idx_.UnitShort(found->second->unit()));
  }
  return ListWithNoun(names, static_cast<int>(names.size()), max_, "");
}

absl::StatusOr<std::string> Builder::Fill(const std::string& text,
                                          const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> v = values_;
  for (const auto& [k, x] : extra) v[k] = x;
  return Expand(text, v);
}

absl::Status Builder::Overall(Notice* n) {
  Section s;
  s.heading = "一、总体情况";
  const auto& sc = in_.scoring;
  int i = 0;
  if (!t_.upper_level.empty()) {
    GOVINSPECT_ASSIGN_OR_RETURN(std::string text, Fill(t_.upper_level, {}));
    s.paragraphs.push_back(
        {absl::StrCat(Enum(++i), t_.Setting("upper_office"), values_.at("quarter"), "检查情况。"),
         text});
  }
  // Sites by unit kind, accounts.
  int portal = 0, dept = 0, town = 0, other = 0, accounts = 0;
  for (const Observation* o : observations_) {
    if (IsAccount(o->target())) ++accounts;
    if (!IsSite(o->target())) continue;
    switch (idx_.UnitKind(o->unit())) {
      case common::v1::UNIT_KIND_GOVERNMENT: ++portal; break;
      case common::v1::UNIT_KIND_DEPARTMENT: ++dept; break;
      case common::v1::UNIT_KIND_TOWN: ++town; break;
      default: ++other;
    }
  }
  std::vector<std::string> counts;
  if (portal) counts.push_back(absl::StrCat(portal, "个政府门户网站"));
  if (dept) counts.push_back(absl::StrCat(dept, "个部门网站"));
  if (town) counts.push_back(absl::StrCat(town, "个镇区网站"));
  if (other) counts.push_back(absl::StrCat(other, "个其他网站"));
  if (counts.empty()) counts.push_back("0个网站");

  // The failing targets and their most frequent veto indicators.
  auto issue = [&](bool sites, const char* verb) -> std::string {
    std::vector<std::string> failed;
    std::map<std::string, int> freq;
    for (const Observation* o : observations_) {
      if (IsSite(o->target()) != sites || (!sites && !IsAccount(o->target()))) continue;
      const Scorecard* c = idx_.Card(o->target());
      if (c == nullptr || c->verdict() != Scorecard::FAIL) continue;
      failed.push_back(o->target());
      for (const RuleHit& h : c->vetoes()) {
        freq[h.indicator_name().empty() ? h.indicator() : h.indicator_name()] += 1;
      }
    }
    if (failed.empty()) return "";
    std::vector<std::pair<int, std::string>> top;
    for (const auto& [name, k] : freq) top.push_back({-k, name});
    std::sort(top.begin(), top.end());
    std::vector<std::string> names;
    for (size_t j = 0; j < top.size() && j < 3; ++j) names.push_back(top[j].second);
    std::string s = absl::StrCat("，", TargetsPhrase(failed, "", nullptr), verb);
    if (!names.empty()) {
      absl::StrAppend(&s, "，主要问题是存在“", absl::StrJoin(names, "”“"), "”",
                      top.size() > 3 ? "等" : "", "单项否决问题");
    }
    return s;
  };
  const int site_rated = sc.sites().passed() + sc.sites().failed();
  const int account_rated = sc.accounts().passed() + sc.accounts().failed();
  std::string sites_na = sc.sites().not_assessed() > 0
                             ? absl::StrCat("，另有", sc.sites().not_assessed(),
                                            "个无法评估（不计入合格率）")
                             : "";
  std::vector<std::string> acc_na;
  if (sc.accounts().not_assessed() > 0) {
    acc_na.push_back(absl::StrCat(sc.accounts().not_assessed(), "个无法评估"));
  }
  if (sc.accounts().not_applicable() > 0) {
    acc_na.push_back(absl::StrCat(sc.accounts().not_applicable(), "个已在平台关停或注销"));
  }
  std::string accounts_na =
      acc_na.empty() ? ""
                     : absl::StrCat("，另有", absl::StrJoin(acc_na, "、"),
                                    acc_na.size() > 1 ? "（均不计入达标率）" : "（不计入达标率）");
  std::map<std::string, std::string> v = {
      {"site_counts", absl::StrJoin(counts, "、")},
      {"account_count", absl::StrCat(accounts)},
      {"sites_total", absl::StrCat(sc.sites().total())},
      {"sites_passed", absl::StrCat(sc.sites().passed())},
      {"sites_failed", absl::StrCat(sc.sites().failed())},
      {"sites_not_assessed", absl::StrCat(sc.sites().not_assessed())},
      {"sites_not_assessed_clause", sites_na},
      {"site_pass_rate", site_rated > 0 ? Percent(sc.site_pass_rate()) : "无法计算（无可评估的网站）"},
      {"site_issue_clause", issue(true, "不合格")},
      {"accounts_total", absl::StrCat(sc.accounts().total())},
      {"accounts_passed", absl::StrCat(sc.accounts().passed())},
      {"accounts_failed", absl::StrCat(sc.accounts().failed())},
      {"accounts_not_assessed", absl::StrCat(sc.accounts().not_assessed())},
      {"accounts_not_assessed_clause", accounts_na},
      {"account_pass_rate",
       account_rated > 0 ? Percent(sc.account_pass_rate()) : "无法计算（无可评估的政务新媒体）"},
      {"account_issue_clause", issue(false, "不达标")},
  };
  GOVINSPECT_ASSIGN_OR_RETURN(std::string overall, Fill(t_.overall, v));
  s.paragraphs.push_back(
      {absl::StrCat(Enum(++i), t_.Setting("region"), values_.at("quarter"), "检查情况。"),
       overall});

  if (in_.previous.has_value()) {
    FollowupSummary f;
    f.previous_round = in_.previous->round.name;
    absl::CivilDay prev_day;
    std::string prev_period = in_.previous->round.as_of;
    if (absl::ParseCivilTime(in_.previous->round.as_of, &prev_day)) {
      prev_period = absl::StrCat(PeriodOf(prev_day), "（监测时间点", ChineseDate(prev_day), "）");
    }
    f.previous_period = prev_period;
    std::vector<std::string> still_targets;
    for (const auto& item : followup_) {
      switch (item.status) {
        case FollowupStatus::kFixed: ++f.fixed; break;
        case FollowupStatus::kStill:
          ++f.still;
          // Sites and accounts are named; unit-level problems are counted only.
          if (IsSite(item.key.target) || IsAccount(item.key.target)) {
            PushUnique(&still_targets, item.key.target);
          }
          break;
        case FollowupStatus::kUnverified: ++f.unverified; break;
        case FollowupStatus::kNew: ++f.added; break;
      }
    }
    f.previous_total = f.fixed + f.still + f.unverified;
    std::sort(still_targets.begin(), still_targets.end(),
              [&](const std::string& a, const std::string& b) { return idx_.Order(a) < idx_.Order(b); });
    std::map<std::string, std::string> fv = {
        {"previous_period", prev_period},
        {"previous_round", f.previous_round},
        {"previous_total", absl::StrCat(f.previous_total)},
        {"fixed", absl::StrCat(f.fixed)},
        {"still", absl::StrCat(f.still)},
        {"still_examples",
         still_targets.empty() ? "" : absl::StrCat("（涉及", TargetsPhrase(still_targets, "", nullptr), "）")},
        {"unverified", absl::StrCat(f.unverified)},
        {"unverified_clause",
         f.unverified > 0 ? absl::StrCat("，因本次无法评估未能核实", f.unverified, "个") : ""},
        {"new", absl::StrCat(f.added)},
    };
    GOVINSPECT_ASSIGN_OR_RETURN(std::string text, Fill(t_.followup, fv));
    s.paragraphs.push_back({absl::StrCat(Enum(++i), "上次检查问题整改情况（“回头看”）。"), text});
    f.items = followup_;
    n->followup = std::move(f);
  }
  n->sections.push_back(std::move(s));
  return absl::OkStatus();
}

absl::Status Builder::Problems(Notice* n) {
  Section s;
  s.heading = "二、发现的主要问题";
  int i = 0;
  for (const ProblemGroup& g : t_.problems) {
    std::vector<std::string> sentences;
    for (const auto& [kind, tmpl] : g.sentences) {
      auto it = kinds_.find(kind);
      if (it == kinds_.end() || it->second.targets.empty()) continue;
      const auto& targets = it->second.targets;
      GOVINSPECT_ASSIGN_OR_RETURN(
          std::string sentence,
          Fill(tmpl, {{"targets", TargetsPhrase(targets, kind, &it->second)},
                      {"units", UnitsPhrase(targets)},
                      {"count", absl::StrCat(targets.size())}}));
      sentences.push_back(std::move(sentence));
    }
    if (sentences.empty()) continue;
    std::string text = absl::StrJoin(sentences, "；");
    if (!g.lead.empty()) {
      GOVINSPECT_ASSIGN_OR_RETURN(std::string lead, Fill(g.lead, {}));
      text = absl::StrCat(lead, "，", text);
    }
    s.paragraphs.push_back({absl::StrCat(Enum(++i), g.title, "。"), text + "。"});
  }
  if (s.paragraphs.empty()) s.paragraphs.push_back({"", "本次检查未发现需要通报的问题。"});
  n->sections.push_back(std::move(s));
  return absl::OkStatus();
}

void Builder::Requirements(Notice* n, const std::string& text) {
  Section s;
  s.heading = "三、下一步工作要求";
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    Paragraph p;
    size_t stop = line.find("。");
    if (absl::StartsWith(line, "（") && stop != absl::string_view::npos) {
      p.lead = std::string(line.substr(0, stop + 3));
      p.text = std::string(line.substr(stop + 3));
    } else {
      p.text = std::string(line);
    }
    s.paragraphs.push_back(std::move(p));
  }
  n->sections.push_back(std::move(s));
}

void Builder::Annex(Notice* n) {
  std::set<std::string> unit_kinds;
  for (absl::string_view k :
       absl::StrSplit(t_.Setting("annex_unit_kinds"), absl::ByAnyChar(", "), absl::SkipEmpty())) {
    unit_kinds.insert(std::string(k));
  }
  for (const Observation* o : observations_) {
    const std::string& target = o->target();
    const std::string unit = idx_.UnitShort(o->unit());
    if (o->status() != common::v1::TARGET_STATUS_ASSESSED) {
      std::string reason = o->not_assessed_reason();
      if (const Scorecard* c = idx_.Card(target); reason.empty() && c != nullptr) {
        reason = c->not_assessed_reason();
      }
      n->not_assessed.push_back({unit, target, idx_.TargetName(target, o->unit()),
                                 idx_.TypeLabel(target),
                                 reason.empty() ? "未说明原因" : reason});
      continue;
    }
    const Scorecard* c = idx_.Card(target);
    if (c != nullptr && c->verdict() == Scorecard::NOT_ASSESSED) {
      n->not_assessed.push_back({unit, target, idx_.TargetName(target, o->unit()),
                                 idx_.TypeLabel(target),
                                 c->not_assessed_reason().empty() ? "未说明原因"
                                                                  : c->not_assessed_reason()});
      continue;
    }
    if (c != nullptr && c->verdict() == Scorecard::FAIL) {
      for (const RuleHit& h : c->vetoes()) {
        AnnexRow r{unit, target, idx_.TargetName(target, o->unit()), idx_.TypeLabel(target), "", ""};
        r.problem = h.indicator_name().empty() ? h.indicator() : h.indicator_name();
        if (!h.rule_description().empty()) absl::StrAppend(&r.problem, "（", h.rule_description(), "）");
        for (const Finding& e : h.evidence()) {
          r.evidence_url = !e.url().empty() ? e.url() : e.source_url();
          if (!r.evidence_url.empty()) break;
        }
        if (r.evidence_url.empty()) r.evidence_url = idx_.HomeUrl(target);
        n->annex.push_back(std::move(r));
      }
    }
    if (absl::StartsWith(target, "units/")) {
      for (const Finding& f : o->findings()) {
        if (!unit_kinds.count(f.kind())) continue;
        std::string name = f.kind() == "account_unfiled"
                               ? absl::StrCat("“", f.text(), "”", PlatformNoun(f.detail()))
                               : idx_.TargetName(target, o->unit());
        n->annex.push_back({unit, target, name,
                            f.kind() == "account_unfiled" ? "政务新媒体" : idx_.TypeLabel(target),
                            t_.KindLabel(f.kind()), f.url()});
      }
    }
  }
}

std::string Evidence(const Finding& f) {
  std::vector<std::string> parts;
  if (!f.url().empty()) parts.push_back(absl::StrCat("地址：", f.url()));
  if (!f.source_url().empty() && f.source_url() != f.url()) {
    parts.push_back(absl::StrCat("所在页面：", f.source_url()));
  }
  if (!f.text().empty()) parts.push_back(absl::StrCat("内容：“", f.text(), "”"));
  if (!f.excerpt().empty() && f.excerpt() != f.text()) {
    parts.push_back(absl::StrCat("上下文：…", f.excerpt(), "…"));
  }
  if (!f.date().empty()) parts.push_back(absl::StrCat("日期：", f.date()));
  if (!f.detail().empty()) parts.push_back(absl::StrCat("说明：", f.detail()));
  return absl::StrJoin(parts, "；");
}

void Builder::FindingsAndSheets(Notice* n) {
  std::map<std::string, UnitSheet> sheets;
  for (const Observation* o : observations_) {
    const std::string& target = o->target();
    const std::string name = idx_.TargetName(target, o->unit());
    const std::string sheet_name = idx_.TypeLabel(target);
    const std::string verdict = o->status() == common::v1::TARGET_STATUS_ASSESSED
                                    ? idx_.VerdictLabel(target)
                                    : "无法评估";
    UnitSheet& sheet = sheets[o->unit()];
    if (o->status() != common::v1::TARGET_STATUS_ASSESSED ||
        (idx_.Card(target) != nullptr && idx_.Card(target)->verdict() == Scorecard::NOT_ASSESSED)) {
      FindingRow r;
      r.sheet = sheet_name;
      r.unit = idx_.UnitShort(o->unit());
      r.target = target;
      r.target_name = name;
      r.verdict = "无法评估";
      std::string reason = o->not_assessed_reason();
      if (reason.empty() && idx_.Card(target) != nullptr) {
        reason = idx_.Card(target)->not_assessed_reason();
      }
      r.detail = reason;
      n->findings.push_back(r);
      sheet.not_assessed.push_back({r.unit, target, name, sheet_name, reason});
      continue;
    }
    std::set<ProblemKey> seen;
    for (const Finding& f : o->findings()) {
      const ProblemKey key = KeyOf(target, f);
      if (!seen.insert(key).second) continue;  // duplicate observation of one problem
      FindingRow r;
      r.sheet = sheet_name;
      r.unit = idx_.UnitShort(o->unit());
      r.target = target;
      r.target_name = name;
      r.verdict = verdict;
      r.kind = f.kind();
      r.kind_label = t_.KindLabel(f.kind());
      r.indicator = f.indicator();
      r.rule = idx_.RuleFor(target, f);
      r.url = f.url();
      r.source_url = f.source_url();
      r.text = f.text();
      r.excerpt = f.excerpt();
      r.date = f.date();
      r.detail = f.detail();
      if (in_.previous.has_value()) r.followup = previous_problems_.count(key) ? "上次已发现" : "新发现";
      n->findings.push_back(r);
      std::string problem = r.kind_label;
      if (f.kind() == "account_unfiled") {
        problem = absl::StrCat(r.kind_label, "：“", f.text(), "”", PlatformNoun(f.detail()));
      }
      sheet.items.push_back({target, name, verdict, problem, Evidence(f), r.rule,
                             previous_problems_.count(key) ? "上次检查已发现，仍未整改" : ""});
    }
  }
  std::vector<std::string> units;
  for (const auto& [unit, _] : sheets) units.push_back(unit);
  std::sort(units.begin(), units.end(),
            [&](const std::string& a, const std::string& b) { return idx_.UnitOrder(a) < idx_.UnitOrder(b); });
  for (const auto& unit : units) {
    UnitSheet& s = sheets[unit];
    if (s.items.empty() && s.not_assessed.empty()) continue;
    s.unit = unit;
    s.unit_name = idx_.UnitFull(unit);
    s.short_name = idx_.UnitShort(unit);
    s.deadline_cn = values_.at("rectification_deadline");
    n->sheets.push_back(std::move(s));
  }
}

absl::StatusOr<Notice> Builder::Build() {
  absl::CivilDay as_of;
  if (!absl::ParseCivilTime(in_.round.as_of, &as_of)) {
    return absl::InvalidArgumentError(
        absl::StrCat("round ", in_.round.name, ": as_of \"", in_.round.as_of, "\" is not YYYY-MM-DD"));
  }
  max_ = t_.IntSetting("max_examples", 5);
  const int days = t_.IntSetting("rectification_days", 15);
  std::string quarter;
  const std::string period = PeriodOf(as_of, &quarter);
  for (const char* key : {"office", "region", "region_all", "center", "upper_office"}) {
    values_[key] = t_.Setting(key);
  }
  values_["period"] = period;
  values_["quarter"] = quarter;
  values_["year"] = absl::StrCat(as_of.year());
  values_["as_of"] = in_.round.as_of;
  values_["as_of_cn"] = ChineseDate(as_of);
  values_["report_date_cn"] = ChineseDate(report_date_);
  values_["rectification_deadline"] = ChineseDate(report_date_ + days);
  values_["rectification_days"] = absl::StrCat(days);
  values_["round"] = in_.round.name;

  for (const Observation& o : in_.observations) {
    observations_.push_back(&o);
    by_target_[o.target()] = &o;
  }
  std::sort(observations_.begin(), observations_.end(), [&](const Observation* a, const Observation* b) {
    return idx_.Order(a->target()) < idx_.Order(b->target());
  });
  for (const Observation* o : observations_) {
    if (o->status() != common::v1::TARGET_STATUS_ASSESSED) continue;
    for (const Finding& f : o->findings()) {
      KindTargets& kt = kinds_[f.kind()];
      PushUnique(&kt.targets, o->target());
      kt.findings[o->target()].push_back(&f);
    }
  }
  if (in_.previous.has_value()) {
    followup_ = CompareRounds(in_.previous->observations, in_.observations);
    for (auto& item : followup_) {
      item.unit_name = idx_.UnitShort(item.unit);
      item.target_name = idx_.TargetName(item.key.target, item.unit);
      item.kind_label = t_.KindLabel(item.key.kind);
    }
    for (const auto& item : followup_) {
      if (item.status == FollowupStatus::kStill) previous_problems_.insert(item.key);
    }
  }

  Notice n;
  n.round = in_.round.name;
  n.as_of = in_.round.as_of;
  n.ruleset = in_.scoring.ruleset().empty() ? in_.round.ruleset : in_.scoring.ruleset();
  n.period = period;
  n.report_date = absl::FormatCivilTime(report_date_);
  n.report_date_cn = ChineseDate(report_date_);
  GOVINSPECT_ASSIGN_OR_RETURN(n.title, Fill(t_.title, {}));
  n.addressee = t_.Setting("addressee") + "：";
  GOVINSPECT_ASSIGN_OR_RETURN(n.opening, Fill(t_.opening, {}));
  GOVINSPECT_RETURN_IF_ERROR(Overall(&n));
  GOVINSPECT_RETURN_IF_ERROR(Problems(&n));
  GOVINSPECT_ASSIGN_OR_RETURN(std::string req, Fill(t_.requirements, {}));
  Requirements(&n, req);
  n.annex_title = t_.Setting("annex_title");
  n.annex_note = absl::StrCat("附件：", n.annex_title);
  n.annex_period = absl::StrCat("（", period, "）");
  n.office = t_.Setting("office");
  Annex(&n);
  FindingsAndSheets(&n);
  GOVINSPECT_ASSIGN_OR_RETURN(std::string intro, Fill(t_.rectification, {}));
  for (UnitSheet& s : n.sheets) s.intro = intro;

  const auto& sc = in_.scoring;
  Summary& m = n.summary;
  m.sites_total = sc.sites().total();
  m.sites_passed = sc.sites().passed();
  m.sites_failed = sc.sites().failed();
  m.sites_not_assessed = sc.sites().not_assessed();
  m.accounts_total = sc.accounts().total();
  m.accounts_passed = sc.accounts().passed();
  m.accounts_failed = sc.accounts().failed();
  m.accounts_not_assessed = sc.accounts().not_assessed();
  m.accounts_not_applicable = sc.accounts().not_applicable();
  m.site_pass_rate = sc.site_pass_rate();
  m.account_pass_rate = sc.account_pass_rate();
  m.site_pass_rate_text = m.sites_passed + m.sites_failed > 0 ? Percent(m.site_pass_rate) : "—";
  m.account_pass_rate_text =
      m.accounts_passed + m.accounts_failed > 0 ? Percent(m.account_pass_rate) : "—";
  m.units_with_problems = static_cast<int>(n.sheets.size());
  for (const auto& r : n.findings) m.findings += r.kind.empty() ? 0 : 1;
  return n;
}

}  // namespace

std::string PeriodOf(absl::CivilDay as_of, std::string* quarter) {
  const int q = (as_of.month() - 1) / 3 + 1;
  std::string qs = absl::StrCat("第", Numeral(q), "季度");
  if (quarter != nullptr) *quarter = qs;
  return absl::StrCat(as_of.year(), "年", qs);
}

std::string ChineseDate(absl::CivilDay d) {
  return absl::StrCat(d.year(), "年", d.month(), "月", d.day(), "日");
}

std::string Percent(double rate) {
  const double tenths = std::round(rate * 1000.0);
  if (static_cast<long long>(tenths) % 10 == 0) {
    return absl::StrCat(static_cast<long long>(tenths) / 10, "%");
  }
  return absl::StrFormat("%.1f%%", tenths / 10.0);
}

absl::StatusOr<Notice> BuildNotice(const ReportInput& input, const ReportTemplates& templates,
                                   absl::CivilDay report_date) {
  return Builder(input, templates, report_date).Build();
}

}  // namespace govinspect::report
