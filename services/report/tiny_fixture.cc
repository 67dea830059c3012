#include "services/report/tiny_fixture.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/testing/redis_server.h"
#include "nlohmann/json.hpp"
#include "services/coordinator/registry_import.h"
#include "tools/simprovince/civil_date.h"
#include "tools/simprovince/generate.h"
#include "tools/simprovince/truth.h"

namespace govinspect::report::testing {
namespace {

using common::v1::Finding;
using common::v1::Observation;
using scoring::v1::RuleHit;
using scoring::v1::Scorecard;

const std::map<std::string, std::pair<std::string, std::string>>& IndicatorNames() {
  static const auto* m = new std::map<std::string, std::pair<std::string, std::string>>{
      {"site_unreachable", {"站点无法访问", "首页打不开次数占抽查总次数的5%（含）以上"}},
      {"home_not_updated", {"首页不更新", "监测时间点前2周内首页无信息更新"}},
      {"columns_not_updated", {"栏目不更新", "应更新栏目长期未更新或空白栏目过多"}},
      {"serious_error", {"严重错误", "出现严重表述错误、敏感词语等"}},
      {"poor_interaction", {"互动回应差", "无有效咨询渠道或留言超过3个月未答复"}},
      {"service_not_practical", {"服务不实用", "无办事服务或办事指南要素严重缺失"}},
      {"account_not_updated", {"内容不更新", "监测时间点前2周内无更新"}},
      {"account_no_interaction", {"互动回应差", "无有效互动功能"}},
      {"account_security", {"安全、泄密事故等严重问题", "发布内容出现严重表述错误、敏感词语等"}},
      {"account_privacy", {"泄露个人隐私", "发布内容含未脱敏的个人信息"}},
      {"account_filing", {"备案", "开设、注销未按规定备案"}},
      {"account_consolidation", {"集约整合", "同一平台开设多个账号"}},
  };
  return *m;
}

RuleHit Hit(const std::string& indicator, scoring::v1::IndicatorKind kind,
            const std::vector<const Finding*>& evidence) {
  RuleHit h;
  h.set_indicator(indicator);
  auto it = IndicatorNames().find(indicator);
  h.set_indicator_name(it != IndicatorNames().end() ? it->second.first : indicator);
  h.set_rule_description(it != IndicatorNames().end() ? it->second.second : "");
  h.set_kind(kind);
  h.set_rule("a");
  h.set_count(static_cast<int>(evidence.size()));
  for (const Finding* f : evidence) *h.add_evidence() = *f;
  return h;
}

void Count(const Scorecard& c, scoring::v1::VerdictCounts* v) {
  v->set_total(v->total() + 1);
  switch (c.verdict()) {
    case Scorecard::PASS: v->set_passed(v->passed() + 1); break;
    case Scorecard::FAIL: v->set_failed(v->failed() + 1); break;
    case Scorecard::NOT_ASSESSED: v->set_not_assessed(v->not_assessed() + 1); break;
    default: v->set_not_applicable(v->not_applicable() + 1);
  }
}

// Verdicts by target from the truth, kept between TinyInput and ScoreFromTruth.
std::map<std::string, nlohmann::json>& Expected() {
  static auto* m = new std::map<std::string, nlohmann::json>();
  return *m;
}

std::string& NotAssessed() {
  static auto* s = new std::string();
  return *s;
}

}  // namespace

const std::string& NotAssessedTarget() { return NotAssessed(); }

absl::StatusOr<ReportInput> TinyInput(const std::string& round_id) {
  simprovince::GenerateOptions o;
  o.seed = kTinySeed;
  o.as_of = simprovince::DayFromYmd(2020, 6, 30);
  o.profile = simprovince::Profile::kTiny;
  GOVINSPECT_ASSIGN_OR_RETURN(simprovince::Province p, simprovince::GenerateProvince(o));
  govinspect::testing::TempDir dir;
  GOVINSPECT_RETURN_IF_ERROR(simprovince::WriteProvince(p, dir.path()));
  std::vector<coordinator::RegistryFile> files;
  for (const char* name : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
    std::ifstream in(absl::StrCat(dir.path(), "/", name));
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back({name, ss.str()});
  }
  ReportInput input;
  GOVINSPECT_ASSIGN_OR_RETURN(input.registry, coordinator::ParseRegistryBundle(files));
  input.round.name = absl::StrCat("rounds/", round_id);
  input.round.as_of = kTinyAsOf;
  input.round.display_name = "2020年第二季度";
  input.round.ruleset = "gov-2019";

  const nlohmann::json truth = simprovince::BuildTruth(p);
  for (const auto& t : truth["targets"]) {
    if (t.value("type", "") == "account" && t.value("in_registry", true) && t["findings"].empty() &&
        t["expected"].value("result", "") == "pass") {
      NotAssessed() = t["target"].get<std::string>();
    }
  }
  for (const auto& t : truth["targets"]) {
    if (t.contains("in_registry") && !t["in_registry"].get<bool>()) continue;
    Observation obs;
    obs.set_round(input.round.name);
    obs.set_target(t["target"].get<std::string>());
    obs.set_name(absl::StrCat(input.round.name, "/observations/", obs.target()));
    obs.set_unit(t["unit"].get<std::string>());
    if (obs.target() == NotAssessedTarget()) {
      obs.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
      obs.set_not_assessed_reason("平台接口连续5次超时，任务已转入死信队列");
    } else {
      obs.set_status(common::v1::TARGET_STATUS_ASSESSED);
      for (const auto& f : t["findings"]) {
        Finding* x = obs.add_findings();
        x->set_kind(f.value("kind", ""));
        x->set_indicator(f.value("indicator", ""));
        x->set_url(f.value("url", ""));
        x->set_source_url(f.value("source_url", ""));
        x->set_text(f.value("text", ""));
        x->set_excerpt(f.value("excerpt", ""));
        x->set_date(f.value("date", ""));
        x->set_detail(f.value("detail", ""));
      }
    }
    if (t.contains("expected")) Expected()[obs.target()] = t["expected"];
    input.observations.push_back(std::move(obs));
  }
  ScoreFromTruth(&input);
  return input;
}

void ScoreFromTruth(ReportInput* in) {
  std::map<std::string, const common::v1::Site*> sites;
  for (const auto& s : in->registry.sites()) sites[s.name()] = &s;
  scoring::v1::Scoring& sc = in->scoring;
  sc = scoring::v1::Scoring();
  in->cards.clear();
  sc.set_name(absl::StrCat(in->round.name, "/scorings/gov-2019"));
  sc.set_ruleset("gov-2019");
  sc.set_round(in->round.name);
  sc.set_as_of(in->round.as_of);
  for (const auto& [id, names] : IndicatorNames()) {
    auto* ic = sc.add_indicator_counts();
    ic->set_indicator(id);
    ic->set_name(names.first);
  }
  for (const Observation& o : in->observations) {
    Scorecard c;
    c.set_target(o.target());
    c.set_unit(o.unit());
    c.set_ruleset("gov-2019");
    c.set_name(absl::StrCat(sc.name(), "/scorecards/", o.target()));
    const bool site = absl::StartsWith(o.target(), "sites/");
    const bool account = absl::StartsWith(o.target(), "accounts/");
    if (site) {
      auto it = sites.find(o.target());
      c.set_target_type(it != sites.end() && it->second->kind() == common::v1::SITE_KIND_PORTAL
                            ? scoring::v1::TARGET_TYPE_PORTAL_SITE
                            : scoring::v1::TARGET_TYPE_DEPARTMENT_SITE);
    } else {
      c.set_target_type(account ? scoring::v1::TARGET_TYPE_ACCOUNT : scoring::v1::TARGET_TYPE_UNIT);
    }
    std::set<std::string> vetoes;
    if (o.status() != common::v1::TARGET_STATUS_ASSESSED) {
      c.set_verdict(Scorecard::NOT_ASSESSED);
      c.set_not_assessed_reason(o.not_assessed_reason());
    } else if (auto e = Expected().find(o.target()); e != Expected().end()) {
      const std::string result = e->second.value("result", "");
      c.set_verdict(result == "fail"             ? Scorecard::FAIL
                    : result == "not_applicable" ? Scorecard::NOT_APPLICABLE
                                                 : Scorecard::PASS);
      for (const auto& v : e->second["veto_indicators"]) vetoes.insert(v.get<std::string>());
    } else {
      c.set_verdict(Scorecard::NOT_APPLICABLE);
    }
    std::map<std::string, std::vector<const Finding*>> by_indicator;
    for (const Finding& f : o.findings()) by_indicator[f.indicator()].push_back(&f);
    for (const auto& [indicator, findings] : by_indicator) {
      if (vetoes.count(indicator)) {
        *c.add_vetoes() = Hit(indicator, scoring::v1::VETO, findings);
      } else if (absl::StartsWith(indicator, "site_deduct_")) {
        *c.add_deductions() = Hit(indicator, scoring::v1::DEDUCT, findings);
      } else {
        *c.add_problems() = Hit(indicator, scoring::v1::PROBLEM, findings);
      }
    }
    c.set_finding_count(o.findings_size());
    if (site) {
      Count(c, sc.mutable_sites());
      Count(c, c.target_type() == scoring::v1::TARGET_TYPE_PORTAL_SITE ? sc.mutable_portal_sites()
                                                                        : sc.mutable_department_sites());
    } else if (account) {
      Count(c, sc.mutable_accounts());
    }
    in->cards.push_back(std::move(c));
  }
  auto rate = [](const scoring::v1::VerdictCounts& v) {
    return v.passed() + v.failed() == 0 ? 0.0 : double(v.passed()) / (v.passed() + v.failed());
  };
  sc.set_site_pass_rate(rate(sc.sites()));
  sc.set_account_pass_rate(rate(sc.accounts()));
  sc.set_scorecard_count(static_cast<int>(in->cards.size()));
}

PreviousRound PreviousOf(const ReportInput& input) {
  PreviousRound prev;
  prev.round.name = "rounds/tiny-2020q1";
  prev.round.as_of = "2020-03-31";
  prev.round.display_name = "2020年第一季度";
  prev.round.ruleset = "gov-2019";
  prev.observations = input.observations;
  for (Observation& o : prev.observations) {
    o.set_round(prev.round.name);
    if (o.target() == "sites/zs-tjj-site") {
      Finding* f = o.add_findings();
      f->set_kind("broken_link");
      f->set_indicator("site_deduct_broken_links");
      f->set_url("http://tjj.zs.gov.cn/old/404.html");
      f->set_source_url("http://tjj.zs.gov.cn/");
      f->set_detail("http_404");
    }
    if (o.target() == "sites/zs-gov-site") {
      auto* fs = o.mutable_findings();
      for (int i = fs->size() - 1; i >= 0; --i) {
        if (fs->Get(i).kind() == "expression_error") fs->DeleteSubrange(i, 1);
      }
    }
    if (o.target() == NotAssessedTarget()) {
      o.set_status(common::v1::TARGET_STATUS_ASSESSED);
      o.clear_not_assessed_reason();
      Finding* f = o.add_findings();
      f->set_kind("account_not_updated");
      f->set_indicator("account_not_updated");
      f->set_date("2020-02-01");
    }
  }
  return prev;
}

}  // namespace govinspect::report::testing
