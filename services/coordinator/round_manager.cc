#include "services/coordinator/round_manager.h"

#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/redis/observation_store.h"
#include "google/protobuf/util/time_util.h"
#include "govinspect/common/v1/task.pb.h"
#include "services/coordinator/probe_scheduler.h"

namespace govinspect::coordinator {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp Now() {
  return TimeUtil::NanosecondsToTimestamp(absl::GetCurrentTimeNanos());
}

bool IsTerminal(v1::Round::State s) {
  return s == v1::Round::DONE || s == v1::Round::FAILED || s == v1::Round::CANCELLED;
}

std::string GenerateRoundId() {
  absl::Time now = absl::Now();
  std::random_device rd;
  return absl::StrCat("r", absl::FormatTime("%Y%m%d-%H%M%S", now, absl::UTCTimeZone()), "-",
                      absl::Hex(rd() & 0xffff, absl::kZeroPad4));
}

}  // namespace

const char kRedisEmptyError[] =
    "本轮的状态已丢失：Redis 重启后没有保留数据或被清空，本轮的任务、进度和已保存的结果都已不在"
    "（名录可能也已丢失）；检查 Redis 的持久化（AOF 与数据卷），必要时重新导入名录，然后重新开始本轮";

std::string LostResultsError(const std::vector<std::string>& targets) {
  constexpr size_t kNamed = 20;
  std::vector<std::string> named(targets.begin(),
                                 targets.begin() + std::min(kNamed, targets.size()));
  return absl::StrCat(targets.size(), " 个目标的结果未能保存（Redis 拒绝写入）：",
                      absl::StrJoin(named, "、"),
                      targets.size() > kNamed ? " 等（完整名单见协调服务日志）" : "");
}

absl::Status CheckAsOfWindow(const std::string& as_of, absl::Time now) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(as_of, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("round.as_of \"", as_of, "\": want a date YYYY-MM-DD"));
  }
  const absl::CivilDay earliest(2015, 1, 1);
  const absl::CivilDay latest = absl::ToCivilDay(now, absl::FixedTimeZone(8 * 3600)) + 1;
  if (day < earliest || day > latest) {
    return absl::InvalidArgumentError(absl::StrCat(
        "round.as_of \"", as_of, "\": outside ", absl::FormatCivilTime(earliest), " … ",
        absl::FormatCivilTime(latest), " (today + 1 day); set allow_any_as_of to force it"));
  }
  return absl::OkStatus();
}

absl::Status CheckRulesetName(const std::string& ruleset) {
  std::string n = ruleset;
  if (absl::StartsWith(n, "rulesets/")) n = n.substr(9);
  bool ok = !n.empty() && n.size() <= 63 && n[0] != '.' && n[0] != '-';
  for (char c : n) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "round.ruleset \"", absl::CHexEscape(ruleset),
        "\": not a ruleset name (letters, digits, '-', '_' and '.', at most 63)"));
  }
  return absl::OkStatus();
}

const char* QueueName(v1::TaskKind kind) {
  switch (kind) {
    case v1::TASK_KIND_CRAWL: return "crawl";
    case v1::TASK_KIND_ACCOUNT: return "account";
    case v1::TASK_KIND_PORTAL: return "portal";
    default: return "unknown";
  }
}

std::string EncodePageToken(int64_t offset, const std::string& filter) {
  return absl::WebSafeBase64Escape(absl::StrCat(offset, "|", filter));
}

absl::StatusOr<int64_t> DecodePageToken(const std::string& token, const std::string& filter) {
  if (token.empty()) return 0;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token is not valid");
  }
  std::pair<std::string, std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 1));
  int64_t offset = 0;
  if (!absl::SimpleAtoi(parts.first, &offset) || offset < 0) {
    return absl::InvalidArgumentError("page_token is not valid");
  }
  if (parts.second != filter) {
    return absl::InvalidArgumentError("page_token was issued for a different filter");
  }
  return offset;
}

absl::StatusOr<int32_t> EffectivePageSize(int32_t page_size, int32_t default_size,
                                          int32_t max_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size ", page_size, " is negative"));
  }
  if (page_size == 0) return default_size;
  return std::min(page_size, max_size);
}

RoundManager::RoundManager(RoundManagerOptions options, common::RedisPool* pool,
                           PipelineSteps* steps)
    : options_(std::move(options)),
      pool_(pool),
      steps_(steps),
      registry_store_(options_.key_prefix),
      round_store_(options_.key_prefix) {
  options_.queue.key_prefix = options_.key_prefix;
}

absl::StatusOr<v1::ImportRegistryResponse> RoundManager::ImportRegistry(
    const std::vector<RegistryFile>& files, bool validate_only) {
  auto reg = ParseRegistryBundle(files);
  if (!reg.ok()) return reg.status();
  v1::ImportRegistryResponse resp;
  resp.set_unit_count(reg->units_size());
  resp.set_site_count(reg->sites_size());
  resp.set_account_count(reg->accounts_size());
  resp.set_portal_count(reg->portals_size());
  resp.set_site_override_count(CountSiteOverrides(*reg));
  if (validate_only) return resp;
  auto conn = pool_->Borrow();
  if (absl::Status s = registry_store_.Replace(*conn, *reg); !s.ok()) return s;
  resp.set_imported(true);
  GI_LOG(INFO).With("units", reg->units_size()).With("sites", reg->sites_size())
      .With("accounts", reg->accounts_size()).With("portals", reg->portals_size())
      .With("site_overrides", resp.site_override_count())
      << "registry imported";
  return resp;
}

absl::StatusOr<std::shared_ptr<const LoadedRegistry>> RoundManager::Registry() {
  auto conn = pool_->Borrow();
  return registry_store_.Load(*conn);
}

absl::StatusOr<v1::Round> RoundManager::CreateRound(const v1::CreateRoundRequest& request) {
  const v1::Round& in = request.round();
  if (!IsValidDate(in.as_of())) {
    return absl::InvalidArgumentError(
        absl::StrCat("round.as_of \"", in.as_of(), "\": want a date YYYY-MM-DD"));
  }
  if (!request.allow_any_as_of()) {
    if (absl::Status s = CheckAsOfWindow(in.as_of(), absl::Now()); !s.ok()) return s;
  }
  const std::string ruleset = in.ruleset().empty() ? "gov-2019" : in.ruleset();
  if (absl::Status s = CheckRulesetName(ruleset); !s.ok()) return s;
  std::string id = request.round_id().empty() ? GenerateRoundId() : request.round_id();
  if (!IsValidId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "round_id \"", id, "\": lowercase letters, digits and '-', at most 63 characters"));
  }
  auto conn = pool_->Borrow();
  auto registry = registry_store_.Load(*conn);
  if (!registry.ok()) return registry.status();
  const auto& reg = (*registry)->registry;
  if (reg.units_size() == 0) {
    return absl::FailedPreconditionError(
        "the registry is empty: import one first (govinspect registry import DIR)");
  }
  for (const auto& u : in.scope().units()) {
    if (!(*registry)->units.count(u)) {
      return absl::InvalidArgumentError(absl::StrCat("round.scope.units: unknown unit \"", u, "\""));
    }
  }
  for (int k : in.scope().kinds()) {
    if (k != v1::TASK_KIND_CRAWL && k != v1::TASK_KIND_ACCOUNT && k != v1::TASK_KIND_PORTAL) {
      return absl::InvalidArgumentError(absl::StrCat("round.scope.kinds: bad kind ", k));
    }
  }
  // The ruleset is the scoring service's: ask it now rather than fail after hours of crawling.
  if (steps_ != nullptr) {
    absl::Status s = steps_->CheckRuleset(ruleset);
    if (s.code() == absl::StatusCode::kNotFound || s.code() == absl::StatusCode::kInvalidArgument) {
      return absl::InvalidArgumentError(absl::StrCat("round.ruleset \"", ruleset, "\": ", s.message()));
    }
    // Scoring down: the round is created and waits for it at its scoring step, as it would if
    // scoring went down later (the step is retried); the ruleset is checked there.
    if (!s.ok() && s.code() != absl::StatusCode::kUnimplemented) {
      GI_LOG(WARNING).With("ruleset", ruleset) << "ruleset not checked, scoring service: " << s;
    }
  }

  v1::Round round;
  round.set_name(absl::StrCat("rounds/", id));
  round.set_state(v1::Round::PENDING);
  round.set_as_of(in.as_of());
  round.set_ruleset(ruleset);
  *round.mutable_scope() = in.scope();
  round.set_display_name(in.display_name());
  *round.mutable_create_time() = Now();
  *round.mutable_update_time() = round.create_time();

  std::string existing;
  if (absl::Status s = round_store_.Create(*conn, round, request.request_id(), reg, &existing);
      !s.ok()) {
    return s;
  }
  if (!existing.empty()) return GetRound(absl::StrCat("rounds/", existing));
  Remember(round);

  if (absl::Status s = EnqueueTasks(*conn, round, reg); !s.ok()) {
    // The round stays PENDING; the sweep enqueues it again (idempotently).
    GI_LOG(ERROR).With("round", round.name()) << "enqueue failed: " << s;
    return s;
  }
  auto running = Transition(*conn, id, v1::Round::PENDING, v1::Round::RUNNING, "", "");
  // ABORTED: the recovery sweep (or a cancel) moved the round on meanwhile; that is fine.
  if (!running.ok() && running.status().code() != absl::StatusCode::kAborted) {
    return running.status();
  }
  // A round with no tasks at all is finished already. Any other round is advanced by the event
  // loop (the last task's completion) or the sweep, never inside this RPC: its scoring and report
  // steps can take long (retries while those services are down).
  common::WorkQueue queue(&*conn, options_.queue);
  auto progress = queue.Progress(id);
  if (progress.ok() && progress->total == 0) {
    if (absl::Status s = Advance(id); !s.ok()) {
      GI_LOG(WARNING).With("round", round.name()) << "advance: " << s;
    }
  }
  return GetRound(round.name());
}

absl::Status RoundManager::EnqueueTasks(common::RedisConnection& conn, const v1::Round& round,
                                        const common::v1::Registry& reg) {
  std::set<std::string> scope_units(round.scope().units().begin(), round.scope().units().end());
  auto in_scope = [&](const std::string& unit) {
    return scope_units.empty() || scope_units.count(unit) > 0;
  };
  std::set<int> kinds(round.scope().kinds().begin(), round.scope().kinds().end());
  auto want = [&](v1::TaskKind k) { return kinds.empty() || kinds.count(k) > 0; };
  std::map<std::string, const common::v1::Unit*> units;
  for (const auto& u : reg.units()) units[u.name()] = &u;

  std::vector<common::TaskSpec> tasks;
  auto base = [&]() {
    common::v1::TaskPayload p;
    p.set_round(round.name());
    p.set_as_of(round.as_of());
    return p;
  };
  if (want(v1::TASK_KIND_CRAWL)) {
    for (const auto& s : reg.sites()) {
      if (!in_scope(s.unit())) continue;
      common::v1::TaskPayload p = base();
      *p.mutable_site() = s;
      if (auto it = units.find(s.unit()); it != units.end()) *p.add_units() = *it->second;
      tasks.push_back({QueueName(v1::TASK_KIND_CRAWL), s.name(), p.SerializeAsString()});
    }
  }
  if (want(v1::TASK_KIND_ACCOUNT)) {
    std::map<std::string, std::vector<const common::v1::Account*>> by_unit;
    for (const auto& a : reg.accounts()) by_unit[a.unit()].push_back(&a);
    for (const auto& a : reg.accounts()) {
      if (!in_scope(a.unit())) continue;
      common::v1::TaskPayload p = base();
      *p.mutable_account() = a;
      if (auto it = units.find(a.unit()); it != units.end()) *p.add_units() = *it->second;
      for (const auto* other : by_unit[a.unit()]) *p.add_unit_accounts() = *other;
      tasks.push_back({QueueName(v1::TASK_KIND_ACCOUNT), a.name(), p.SerializeAsString()});
    }
  }
  if (want(v1::TASK_KIND_PORTAL)) {
    for (const auto& portal : reg.portals()) {
      common::v1::TaskPayload p = base();
      *p.mutable_portal() = portal;
      for (const auto& u : reg.units()) {
        if (!u.open_data_org().empty() && in_scope(u.name())) *p.add_units() = u;
      }
      tasks.push_back({QueueName(v1::TASK_KIND_PORTAL), portal.name(), p.SerializeAsString()});
    }
  }
  auto id = RoundIdFromName(round.name());
  if (!id.ok()) return id.status();
  common::WorkQueue queue(&conn, options_.queue);
  if (absl::Status s = queue.EnqueueRound(*id, tasks); !s.ok()) return s;
  GI_LOG(INFO).With("round", round.name()).With("tasks", static_cast<int64_t>(tasks.size()))
      << "round enqueued";
  return absl::OkStatus();
}

void RoundManager::FillProgress(common::RedisConnection& conn, const std::string& id,
                                v1::Round* round) {
  common::WorkQueue queue(&conn, options_.queue);
  auto p = queue.Progress(id);
  if (!p.ok()) return;
  round->clear_progress();
  for (const auto& k : p->kinds) {
    v1::TaskProgress* tp = round->add_progress();
    if (k.kind == "crawl") tp->set_kind(v1::TASK_KIND_CRAWL);
    else if (k.kind == "account") tp->set_kind(v1::TASK_KIND_ACCOUNT);
    else if (k.kind == "portal") tp->set_kind(v1::TASK_KIND_PORTAL);
    tp->set_total(k.total);
    tp->set_done(k.done);
    tp->set_dead(k.dead);
  }
}

absl::StatusOr<v1::Round> RoundManager::GetRound(const std::string& name) {
  auto id = RoundIdFromName(name);
  if (!id.ok()) return id.status();
  auto conn = pool_->Borrow();
  auto round = round_store_.Get(*conn, *id);
  if (round.status().code() == absl::StatusCode::kNotFound) {
    // Known unfinished and now absent: Redis lost it (the next sweep stores it again as FAILED).
    absl::MutexLock lock(&known_mu_);
    if (known_.count(name)) {
      return absl::DataLossError(absl::StrCat(
          name, " is gone from Redis: Redis came back empty (restarted without its data, or "
                "flushed); the coordinator marks it FAILED"));
    }
  }
  if (!round.ok()) return round.status();
  FillProgress(*conn, *id, &*round);
  return round;
}

absl::StatusOr<v1::ListRoundsResponse> RoundManager::ListRounds(int32_t page_size,
                                                                const std::string& page_token) {
  auto size = EffectivePageSize(page_size, 50, 500);
  if (!size.ok()) return size.status();
  auto offset = DecodePageToken(page_token, "rounds");
  if (!offset.ok()) return offset.status();
  auto conn = pool_->Borrow();
  auto ids = round_store_.ListIds(*conn, *offset, *size + 1);
  if (!ids.ok()) return ids.status();
  v1::ListRoundsResponse resp;
  for (size_t i = 0; i < ids->size() && static_cast<int32_t>(i) < *size; ++i) {
    auto r = round_store_.Get(*conn, (*ids)[i]);
    if (!r.ok()) continue;
    FillProgress(*conn, (*ids)[i], &*r);
    *resp.add_rounds() = *std::move(r);
  }
  if (static_cast<int32_t>(ids->size()) > *size) {
    resp.set_next_page_token(EncodePageToken(*offset + *size, "rounds"));
  }
  return resp;
}

absl::StatusOr<v1::Round> RoundManager::Transition(common::RedisConnection& conn,
                                                   const std::string& id, v1::Round::State from,
                                                   v1::Round::State to, const std::string& note,
                                                   const std::string& error) {
  auto round = round_store_.Get(conn, id);
  if (!round.ok()) return round.status();
  if (round->state() != from) {
    return absl::AbortedError(absl::StrCat(round->name(), " is ",
                                           v1::Round::State_Name(round->state()), ", not ",
                                           v1::Round::State_Name(from)));
  }
  round->set_state(to);
  *round->mutable_update_time() = Now();
  if (!note.empty()) round->add_notes(note);
  if (!error.empty()) round->set_error(error);
  if (IsTerminal(to)) *round->mutable_end_time() = round->update_time();
  if (absl::Status s = round_store_.UpdateIf(conn, *round, from); !s.ok()) return s;
  GI_LOG(INFO).With("round", round->name()).With("state", v1::Round::State_Name(to))
      << "round state changed";
  return round;
}

absl::StatusOr<v1::Round> RoundManager::CancelRound(const std::string& name) {
  auto id = RoundIdFromName(name);
  if (!id.ok()) return id.status();
  auto conn = pool_->Borrow();
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto round = round_store_.Get(*conn, *id);
    if (!round.ok()) return round.status();
    if (IsTerminal(round->state())) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, " is already ", v1::Round::State_Name(round->state()), " and cannot be cancelled"));
    }
    common::WorkQueue queue(&*conn, options_.queue);
    if (absl::Status s = queue.MarkCancelled(*id); !s.ok()) return s;
    auto done = Transition(*conn, *id, round->state(), v1::Round::CANCELLED,
                           "cancelled by an operator", "");
    if (done.ok()) {
      FillProgress(*conn, *id, &*done);
      return done;
    }
    if (done.status().code() != absl::StatusCode::kAborted) return done.status();
  }
  return absl::AbortedError(absl::StrCat(name, " kept changing state; try again"));
}

absl::StatusOr<v1::ListObservationsResponse> RoundManager::ListObservations(
    const v1::ListObservationsRequest& request) {
  auto id = RoundIdFromName(request.parent());
  if (!id.ok()) return id.status();
  auto size = EffectivePageSize(request.page_size(), 200, 1000);
  if (!size.ok()) return size.status();
  auto offset = DecodePageToken(request.page_token(), request.parent());
  if (!offset.ok()) return offset.status();
  auto conn = pool_->Borrow();
  if (auto r = round_store_.Get(*conn, *id); !r.ok()) return r.status();
  common::ObservationStore store(&*conn, options_.key_prefix);
  auto targets = store.Targets(*id);
  if (!targets.ok()) return targets.status();
  std::vector<std::string> page;
  for (int64_t i = *offset; i < static_cast<int64_t>(targets->size()) && i < *offset + *size; ++i) {
    page.push_back((*targets)[i]);
  }
  auto obs = store.GetMany(*id, page);
  if (!obs.ok()) return obs.status();
  v1::ListObservationsResponse resp;
  for (auto& o : *obs) *resp.add_observations() = std::move(o);
  resp.set_total_size(static_cast<int32_t>(targets->size()));
  if (*offset + *size < static_cast<int64_t>(targets->size())) {
    resp.set_next_page_token(EncodePageToken(*offset + *size, request.parent()));
  }
  return resp;
}

absl::Status RoundManager::MarkUnassessed(common::RedisConnection& conn,
                                          const std::string& round_id, const v1::Round& round) {
  auto snapshot = round_store_.Snapshot(conn, round_id);
  if (!snapshot.ok()) return snapshot.status();
  std::set<std::string> scope_units(round.scope().units().begin(), round.scope().units().end());
  std::set<int> kinds(round.scope().kinds().begin(), round.scope().kinds().end());
  auto want = [&](v1::TaskKind k) { return kinds.empty() || kinds.count(k) > 0; };
  auto in_scope = [&](const std::string& unit) {
    return scope_units.empty() || scope_units.count(unit) > 0;
  };
  std::vector<std::pair<std::string, std::string>> targets;  // target, unit
  if (want(v1::TASK_KIND_CRAWL)) {
    for (const auto& s : snapshot->sites()) {
      if (in_scope(s.unit())) targets.emplace_back(s.name(), s.unit());
    }
  }
  if (want(v1::TASK_KIND_ACCOUNT)) {
    for (const auto& a : snapshot->accounts()) {
      if (in_scope(a.unit())) targets.emplace_back(a.name(), a.unit());
    }
  }
  if (want(v1::TASK_KIND_PORTAL)) {
    for (const auto& p : snapshot->portals()) targets.emplace_back(p.name(), "");
  }
  common::ObservationStore store(&conn, options_.key_prefix);
  int marked = 0;
  for (const auto& [target, unit] : targets) {
    common::v1::Observation o;
    o.set_name(absl::StrCat(round.name(), "/observations/", target));
    o.set_round(round.name());
    o.set_target(target);
    o.set_unit(unit);
    o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    o.set_not_assessed_reason(absl::StrCat("the task was given up after ",
                                           options_.queue.max_deliveries,
                                           " deliveries (see the dead-letter stream)"));
    *o.mutable_observe_time() = Now();
    auto stored = store.PutIfAbsent(round_id, o);
    if (!stored.ok()) return stored.status();
    marked += *stored;
  }
  if (marked > 0) {
    GI_LOG(WARNING).With("round", round.name()).With("targets", marked)
        << "targets without an observation marked not assessed";
  }
  return absl::OkStatus();
}

void RoundManager::Stop() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
  steps_->Cancel();
}

absl::Status RoundManager::RunStep(v1::Round* round, bool scoring) {
  absl::Status last;
  absl::Duration backoff = options_.step_backoff;
  const char* step = scoring ? "scoring" : "report";
  auto stopped = [&] {
    GI_LOG(INFO).With("round", round->name())
        << step << " step interrupted by the shutdown; the round stays "
        << v1::Round::State_Name(round->state()) << " for the next sweep";
    return absl::CancelledError(absl::StrCat(
        "the coordinator is stopping; ", round->name(), " stays ",
        v1::Round::State_Name(round->state()), " for the next sweep (last error: ",
        last.ok() ? "none" : last.ToString(), ")"));
  };
  for (int attempt = 0; attempt < options_.step_attempts; ++attempt) {
    if (stopping_.HasBeenNotified()) return stopped();
    last = scoring ? steps_->ScoreRound(*round) : steps_->CreateReport(*round);
    if (last.ok() || last.code() == absl::StatusCode::kUnimplemented) return last;
    // A call interrupted by the shutdown is not an answer of the service.
    if (stopping_.HasBeenNotified()) return stopped();
    if (last.code() == absl::StatusCode::kInvalidArgument ||
        last.code() == absl::StatusCode::kNotFound ||
        last.code() == absl::StatusCode::kFailedPrecondition) {
      return last;  // retrying will not help
    }
    if (attempt + 1 == options_.step_attempts) break;  // no wait after the last attempt
    GI_LOG(WARNING).With("round", round->name()) << step << " step failed, retrying: " << last;
    // Interrupted by Stop(): a shutdown does not wait for the backoff.
    if (stopping_.WaitForNotificationWithTimeout(backoff)) return stopped();
    backoff *= 2;
  }
  return last;
}

bool RoundManager::LeaveForNextSweep(const v1::Round& round, const absl::Status& step,
                                     const char* name) const {
  switch (step.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      break;
    default:
      return false;
  }
  const absl::Time since = absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(round.update_time()));
  const absl::Duration failing = absl::Now() - since;
  if (failing >= options_.step_give_up) return false;
  GI_LOG(WARNING).With("round", round.name()).With("state", v1::Round::State_Name(round.state()))
      .With("give_up_in_s", absl::ToInt64Seconds(options_.step_give_up - failing))
      << name << " step still failing; the round stays for the next sweep: " << step;
  return true;
}

absl::Status RoundManager::Advance(const std::string& id) {
  auto conn = pool_->Borrow();
  auto round = round_store_.Get(*conn, id);
  if (!round.ok()) return round.status();

  if (round->state() == v1::Round::PENDING) {
    // The coordinator stopped between creating and enqueueing: enqueue again (idempotent).
    // A round created moments ago is still being enqueued by its CreateRound: leave it.
    absl::Time created = absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(round->create_time()));
    if (absl::Now() - created < absl::Seconds(30)) return absl::OkStatus();
    auto snapshot = round_store_.Snapshot(*conn, id);
    if (!snapshot.ok()) return snapshot.status();
    if (absl::Status s = EnqueueTasks(*conn, *round, *snapshot); !s.ok()) return s;
    auto r = Transition(*conn, id, v1::Round::PENDING, v1::Round::RUNNING, "", "");
    if (!r.ok()) return r.status();
    round = r;
  }
  if (round->state() == v1::Round::RUNNING) {
    common::WorkQueue queue(&*conn, options_.queue);
    auto p = queue.Progress(id);
    if (!p.ok()) return p.status();
    if (p->finished < p->total) return absl::OkStatus();  // not yet
    // Results Redis refused to store: the round cannot be scored as if they were not assessed.
    auto lost = queue.LostTargets(id);
    if (!lost.ok()) return lost.status();
    if (!lost->empty()) return FailForLostResults(*conn, id, *lost);
    if (absl::Status s = MarkUnassessed(*conn, id, *round); !s.ok()) return s;
    // Availability: the probes inside the round's window (services/coordinator/probe_scheduler.h).
    auto probe_snapshot = round_store_.Snapshot(*conn, id);
    if (!probe_snapshot.ok()) return probe_snapshot.status();
    if (absl::Status s = ApplyAvailability(*conn, id, *round, *probe_snapshot); !s.ok()) return s;
    auto r = Transition(*conn, id, v1::Round::RUNNING, v1::Round::SCORING, "", "");
    if (!r.ok()) return r.status();
    round = r;
  }
  if (round->state() == v1::Round::SCORING) {
    absl::Status s = RunStep(&*round, /*scoring=*/true);
    if (s.code() == absl::StatusCode::kCancelled && stopping()) return s;  // left for the next sweep
    if (LeaveForNextSweep(*round, s, "scoring")) return s;
    std::string note;
    if (s.code() == absl::StatusCode::kUnimplemented) {
      note = "scoring skipped: the scoring service does not score rounds yet";
    } else if (!s.ok()) {
      return Transition(*conn, id, v1::Round::SCORING, v1::Round::FAILED, "",
                        absl::StrCat("scoring failed: ", s.message()))
          .status();
    }
    auto r = Transition(*conn, id, v1::Round::SCORING, v1::Round::REPORTING, note, "");
    if (!r.ok()) return r.status();
    round = r;
  }
  if (round->state() == v1::Round::REPORTING) {
    absl::Status s = RunStep(&*round, /*scoring=*/false);
    if (s.code() == absl::StatusCode::kCancelled && stopping()) return s;  // left for the next sweep
    if (LeaveForNextSweep(*round, s, "report")) return s;
    std::string note;
    if (s.code() == absl::StatusCode::kUnimplemented) {
      note = "report skipped: the report service does not write reports yet";
    } else if (!s.ok()) {
      return Transition(*conn, id, v1::Round::REPORTING, v1::Round::FAILED, "",
                        absl::StrCat("report failed: ", s.message()))
          .status();
    }
    auto r = Transition(*conn, id, v1::Round::REPORTING, v1::Round::DONE, note, "");
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::Status RoundManager::FailForLostResults(common::RedisConnection& conn,
                                              const std::string& id,
                                              const std::map<std::string, std::string>& lost) {
  std::vector<std::string> targets;
  for (const auto& [target, _] : lost) targets.push_back(target);
  absl::string_view why = lost.begin()->second;  // the first target's, e.g. OOM …
  absl::ConsumePrefix(&why, "result not stored: ");
  auto failed = Transition(
      conn, id, v1::Round::RUNNING, v1::Round::FAILED,
      absl::StrCat("Redis 拒绝写入的原因：", why,
                   "；排除之后（内存已满时腾出内存或调高 maxmemory）重新开始本轮"),
      LostResultsError(targets));
  if (!failed.ok()) return failed.status();
  GI_LOG(ERROR).With("round", failed->name()).With("lost", static_cast<int64_t>(targets.size()))
      .With("targets", absl::StrJoin(targets, ","))
      << "round failed: Redis refused to store the results of " << targets.size()
      << " targets (" << why << ")";
  if (options_.on_state_lost) options_.on_state_lost("write_refused");
  return absl::OkStatus();
}

void RoundManager::Remember(const v1::Round& round) {
  absl::MutexLock lock(&known_mu_);
  known_[round.name()].round = round;
}

void RoundManager::DetectLostRounds(const std::vector<v1::Round>& active) {
  std::set<std::string> listed;
  for (const auto& r : active) listed.insert(r.name());
  std::vector<KnownRound> unlisted;
  {
    absl::MutexLock lock(&known_mu_);
    for (const auto& [name, k] : known_) {
      if (!listed.count(name)) unlisted.push_back(k);
    }
    for (const auto& r : active) known_[r.name()].round = r;
  }
  if (unlisted.empty()) return;
  auto conn = pool_->Borrow();
  for (KnownRound& k : unlisted) {
    const std::string& name = k.round.name();
    auto id = RoundIdFromName(name);
    if (!id.ok()) continue;
    auto now = round_store_.Get(*conn, *id);
    if (now.ok() && !IsTerminal(now->state())) continue;  // created after the listing
    if (!now.ok() && now.status().code() != absl::StatusCode::kNotFound) continue;  // next sweep
    if (now.ok()) {  // finished, failed or cancelled: nothing to watch any more
      absl::MutexLock lock(&known_mu_);
      known_.erase(name);
      continue;
    }
    if (!k.reported) {
      GI_LOG(ERROR).With("round", name).With("state", v1::Round::State_Name(k.round.state()))
          << "the round is gone from Redis: Redis came back empty (restarted without its data, "
             "or flushed); its tasks, progress and results are lost. It is stored again as "
             "FAILED; check Redis's persistence (AOF, volume), import the registry if it is gone "
             "too, and start the round again";
      if (options_.on_state_lost) options_.on_state_lost("redis_empty");
      absl::MutexLock lock(&known_mu_);
      if (auto it = known_.find(name); it != known_.end()) it->second.reported = true;
    }
    v1::Round failed = k.round;
    failed.clear_progress();
    failed.set_state(v1::Round::FAILED);
    *failed.mutable_update_time() = Now();
    *failed.mutable_end_time() = failed.update_time();
    failed.set_error(kRedisEmptyError);
    failed.add_notes(absl::StrCat("协调服务最后一次读到本轮时，其状态为 ",
                                  v1::Round::State_Name(k.round.state())));
    absl::Status s = round_store_.Restore(*conn, failed);
    if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) {
      GI_LOG_EVERY_N_SEC(WARNING, 10).With("round", name)
          << "cannot store the lost round as FAILED (next sweep): " << s;
      continue;
    }
    absl::MutexLock lock(&known_mu_);
    known_.erase(name);
  }
}

absl::StatusOr<std::vector<v1::Round>> RoundManager::ActiveRounds() {
  auto conn = pool_->Borrow();
  auto ids = round_store_.ListIds(*conn, 0, 1000);
  if (!ids.ok()) return ids.status();
  std::vector<v1::Round> out;
  for (const auto& id : *ids) {
    auto r = round_store_.Get(*conn, id);
    if (r.ok() && !IsTerminal(r->state())) {
      FillProgress(*conn, id, &*r);
      out.push_back(*std::move(r));
    }
  }
  return out;
}

int RoundManager::ReclaimEvents(common::RedisConnection& conn, const std::string& events,
                                const std::string& group, const std::string& consumer) {
  const std::string idle_ms = absl::StrCat(absl::ToInt64Milliseconds(options_.event_claim_idle));
  int claimed = 0;
  std::string cursor = "0-0";
  for (int page = 0; page < 10; ++page) {  // bounded: 1,000 events per sweep at most
    auto r = conn.Command({"XAUTOCLAIM", events, group, consumer, idle_ms, cursor, "COUNT", "100",
                           "JUSTID"});
    if (!r.ok() || r->elements.size() < 2) {
      if (!r.ok()) GI_LOG_EVERY_N_SEC(WARNING, 60) << "claiming idle round events: " << r.status();
      break;
    }
    claimed += static_cast<int>(r->elements[1].elements.size());
    cursor = r->elements[0].AsString();
    if (cursor == "0-0" || cursor.empty()) break;
  }
  if (claimed > 0) {
    GI_LOG(INFO).With("events", claimed) << "claimed round events left pending by a stopped coordinator";
  }
  auto info = conn.Command({"XINFO", "CONSUMERS", events, group});
  if (!info.ok()) return claimed;
  const int64_t idle_limit = absl::ToInt64Milliseconds(options_.event_claim_idle);
  for (const auto& c : info->elements) {
    std::string name;
    int64_t pending = -1, idle = -1;
    for (size_t i = 0; i + 1 < c.elements.size(); i += 2) {
      const std::string& k = c.elements[i].str;
      if (k == "name") name = c.elements[i + 1].AsString();
      if (k == "pending") pending = c.elements[i + 1].AsInt();
      if (k == "idle") idle = c.elements[i + 1].AsInt();
    }
    if (name.empty() || name == consumer || pending != 0 || idle < idle_limit) continue;
    if (conn.Command({"XGROUP", "DELCONSUMER", events, group, name}).ok()) {
      GI_LOG(INFO).With("consumer", name) << "removed the round-event consumer of a stopped coordinator";
    }
  }
  return claimed;
}

void RoundManager::RunEventLoop(const std::atomic<bool>* stop, absl::Duration sweep_every) {
  common::RedisOptions ro = pool_->options();
  common::RedisConnection conn(ro);
  common::WorkQueue queue(&conn, options_.queue);
  const std::string events = queue.EventsKey();
  const std::string group = "coordinator";
  absl::Time next_sweep = absl::InfinitePast();
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  const std::string consumer = absl::StrCat(host, "-", getpid());
  bool group_ready = false;
  while (!stop->load()) {
    if (!group_ready) {
      auto g = conn.Command({"XGROUP", "CREATE", events, group, "0", "MKSTREAM"});
      group_ready = g.ok() || absl::StrContains(g.status().message(), "BUSYGROUP");
      if (!group_ready) {
        GI_LOG_EVERY_N_SEC(WARNING, 10) << "events group: " << g.status();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
    }
    if (absl::Now() >= next_sweep) {
      next_sweep = absl::Now() + sweep_every;
      ReclaimEvents(conn, events, group, consumer);  // read below as this consumer's own
      auto active = ActiveRounds();
      if (active.ok()) {
        DetectLostRounds(*active);
        for (const auto& r : *active) {
          auto id = RoundIdFromName(r.name());
          if (!id.ok()) continue;
          if (absl::Status s = Advance(*id); !s.ok() && s.code() != absl::StatusCode::kAborted &&
                                             !stopping()) {
            GI_LOG_EVERY_N_SEC(WARNING, 10).With("round", r.name()) << "advance: " << s;
          }
        }
      }
    }
    // Pending events of this consumer first (after a restart), then new ones.
    for (const char* start : {"0", ">"}) {
      auto r = conn.Command({"XREADGROUP", "GROUP", group, consumer, "COUNT", "100", "BLOCK",
                             start[0] == '>' ? "500" : "1", "STREAMS", events, start});
      if (!r.ok()) {
        if (absl::StrContains(r.status().message(), "NOGROUP")) group_ready = false;
        GI_LOG_EVERY_N_SEC(WARNING, 10) << "reading round events: " << r.status();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        break;
      }
      if (r->is_nil()) continue;
      for (const auto& stream : r->elements) {
        if (stream.elements.size() != 2) continue;
        for (const auto& e : stream.elements[1].elements) {
          if (e.elements.size() != 2) continue;
          std::string round_id;
          for (size_t i = 0; i + 1 < e.elements[1].elements.size(); i += 2) {
            if (e.elements[1].elements[i].str == "round") round_id = e.elements[1].elements[i + 1].str;
          }
          if (!round_id.empty()) {
            absl::Status s = Advance(round_id);
            if (!s.ok() && s.code() != absl::StatusCode::kAborted &&
                s.code() != absl::StatusCode::kNotFound) {
              if (!stopping()) {
                GI_LOG(WARNING).With("round", round_id) << "advance failed (will retry): " << s;
              }
              continue;  // not acked: handled again
            }
          }
          conn.Command({"XACK", events, group, e.elements[0].str}).IgnoreError();
        }
      }
    }
  }
}

}  // namespace govinspect::coordinator
