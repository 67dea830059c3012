#include "common/redis/work_queue.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace govinspect::common {
namespace {

// XAUTOCLAIM expired entries and report each one's delivery count (incremented by the claim).
const RedisScript kReclaimScript{R"lua(
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {}
for _, e in ipairs(r[2]) do
  if e and e[1] then
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
    local n = 0
    if p[1] then n = p[1][4] end
    table.insert(out, {e[1], e[2], n})
  end
end
return {r[1], out}
)lua"};

// Extend a lease only if this consumer still holds the entry.
const RedisScript kExtendScript{R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if not p[1] or p[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
)lua"};

// Finish a task exactly once per round. Allowed past maxmemory (allow-oom): this bookkeeping is
// small, and a Redis that refuses it would have finished work redone forever and a round whose
// lost results are never named.
// KEYS: stream, done set, progress hash, events stream, dead stream, lost hash
// ARGV: group, entry id, task key, kind, outcome (done|dead|lost|dropped), round, reason, target,
//       payload, retention seconds
const RedisScript kFinishScript{R"lua(#!lua flags=allow-oom
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('SADD', KEYS[2], ARGV[3]) == 0 then
  return {0, -1, 0}
end
if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[10]) end
local outcome = ARGV[5]
if outcome == 'lost' then
  redis.call('HSET', KEYS[6], ARGV[8], ARGV[7])
  if redis.call('TTL', KEYS[6]) < 0 then redis.call('EXPIRE', KEYS[6], ARGV[10]) end
  outcome = 'dead'
end
if outcome == 'dead' then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', '100000', '*', 'round', ARGV[6],
             'target', ARGV[8], 'entry', ARGV[2], 'reason', ARGV[7], 'payload', ARGV[9])
end
redis.call('HINCRBY', KEYS[3], ARGV[4] .. ':' .. outcome, 1)
local finished = redis.call('SCARD', KEYS[2])
local total = tonumber(redis.call('HGET', KEYS[3], 'total') or '0')
local remaining = total - finished
if remaining <= 0 then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10000', '*', 'type', 'round_tasks_finished',
             'round', ARGV[6])
  return {1, 0, 1}
end
return {1, remaining, 0}
)lua"};

absl::StatusOr<Task> ParseEntry(const std::string& kind, const RedisReply& id,
                                const RedisReply& fields, int64_t deliveries) {
  Task t;
  t.kind = kind;
  t.entry_id = id.str;
  t.deliveries = deliveries;
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    const std::string& f = fields.elements[i].str;
    const std::string& v = fields.elements[i + 1].str;
    if (f == "round") t.round = v;
    else if (f == "target") t.target = v;
    else if (f == "payload") t.payload = v;
  }
  if (t.round.empty() || t.target.empty()) {
    return absl::DataLossError(absl::StrCat("queue entry ", t.entry_id, " of ", kind,
                                            " lacks round or target"));
  }
  return t;
}

}  // namespace

std::string TaskKey(const std::string& kind, const std::string& target) {
  return absl::StrCat(kind, "|", target);
}

WorkQueue::WorkQueue(RedisConnection* conn, WorkQueueOptions options)
    : conn_(conn), options_(std::move(options)) {}

std::string WorkQueue::StreamKey(const std::string& kind) const {
  return absl::StrCat(options_.key_prefix, ":queue:", kind);
}
std::string WorkQueue::DeadKey(const std::string& kind) const {
  return absl::StrCat(options_.key_prefix, ":queue:", kind, ":dead");
}
std::string WorkQueue::EventsKey() const { return absl::StrCat(options_.key_prefix, ":events"); }
std::string WorkQueue::ProgressKey(const std::string& round) const {
  return absl::StrCat(options_.key_prefix, ":round:", round, ":progress");
}
std::string WorkQueue::DoneKey(const std::string& round) const {
  return absl::StrCat(options_.key_prefix, ":round:", round, ":done");
}
std::string WorkQueue::LostKey(const std::string& round) const {
  return absl::StrCat(options_.key_prefix, ":round:", round, ":lost");
}

absl::Status WorkQueue::EnsureGroup(const std::string& kind) {
  auto r = conn_->Command({"XGROUP", "CREATE", StreamKey(kind), options_.group, "0", "MKSTREAM"});
  if (!r.ok() && !absl::StartsWith(r.status().message(), "BUSYGROUP")) return r.status();
  return absl::OkStatus();
}

absl::Status WorkQueue::EnqueueRound(const std::string& round,
                                     const std::vector<TaskSpec>& tasks) {
  std::map<std::string, int64_t> per_kind;
  for (const auto& t : tasks) per_kind[t.kind]++;
  std::vector<std::vector<std::string>> cmds;
  std::vector<std::string> hset = {"HSET", ProgressKey(round), "total",
                                   absl::StrCat(tasks.size())};
  for (const auto& [kind, n] : per_kind) {
    hset.push_back(absl::StrCat(kind, ":total"));
    hset.push_back(absl::StrCat(n));
  }
  cmds.push_back(std::move(hset));
  cmds.push_back({"EXPIRE", ProgressKey(round),
                  absl::StrCat(absl::ToInt64Seconds(options_.round_retention))});
  for (const auto& [kind, n] : per_kind) {
    cmds.push_back({"XGROUP", "CREATE", StreamKey(kind), options_.group, "0", "MKSTREAM"});
  }
  auto check = [](const std::vector<RedisReply>& replies) -> absl::Status {
    for (const auto& r : replies) {
      if (r.is_error() && !absl::StartsWith(r.str, "BUSYGROUP")) {
        return absl::InternalError(absl::StrCat("enqueue: redis: ", r.str));
      }
    }
    return absl::OkStatus();
  };
  auto head = conn_->Pipeline(cmds);
  if (!head.ok()) return head.status();
  if (absl::Status s = check(*head); !s.ok()) return s;

  const size_t batch = static_cast<size_t>(std::max(1, options_.enqueue_batch));
  for (size_t i = 0; i < tasks.size(); i += batch) {
    cmds.clear();
    for (size_t j = i; j < std::min(tasks.size(), i + batch); ++j) {
      const TaskSpec& t = tasks[j];
      cmds.push_back({"XADD", StreamKey(t.kind), "*", "round", round, "target", t.target,
                      "payload", t.payload});
    }
    auto replies = conn_->Pipeline(cmds);
    if (!replies.ok()) return replies.status();
    if (absl::Status s = check(*replies); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Task>> WorkQueue::Reclaim(const std::string& kind,
                                                     const std::string& consumer, int max) {
  std::string& cursor = reclaim_cursors_[kind];
  if (cursor.empty()) cursor = "0-0";
  auto r = conn_->Eval(kReclaimScript, {StreamKey(kind)},
                       {options_.group, consumer,
                        absl::StrCat(absl::ToInt64Milliseconds(options_.lease)), cursor,
                        absl::StrCat(max)});
  if (!r.ok()) {
    if (absl::StartsWith(r.status().message(), "NOGROUP")) {
      if (absl::Status s = EnsureGroup(kind); !s.ok()) return s;
      return std::vector<Task>{};
    }
    return r.status();
  }
  std::vector<Task> out;
  if (r->elements.size() != 2) return absl::InternalError("XAUTOCLAIM: unexpected reply");
  cursor = r->elements[0].str;
  for (const auto& e : r->elements[1].elements) {
    if (e.elements.size() != 3) continue;
    auto t = ParseEntry(kind, e.elements[0], e.elements[1], e.elements[2].AsInt());
    if (!t.ok()) {
      GI_LOG(ERROR) << t.status();
      conn_->Command({"XACK", StreamKey(kind), options_.group, e.elements[0].str}).IgnoreError();
      continue;
    }
    if (t->deliveries > options_.max_deliveries) {
      auto d = DeadLetter(*t, absl::StrCat("lease expired ", t->deliveries - 1, " times"));
      if (!d.ok()) return d.status();
      GI_LOG(WARNING).With("round", t->round).With("target", t->target)
          << "task dead-lettered after " << (t->deliveries - 1) << " deliveries";
      continue;
    }
    out.push_back(*std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<Task>> WorkQueue::Take(const std::string& kind,
                                                  const std::string& consumer, int max,
                                                  absl::Duration block) {
  if (max <= 0) return std::vector<Task>{};
  auto reclaimed = Reclaim(kind, consumer, max);
  if (!reclaimed.ok()) return reclaimed.status();
  std::vector<Task> out = *std::move(reclaimed);
  if (static_cast<int>(out.size()) >= max) return out;

  std::vector<std::string> argv = {"XREADGROUP", "GROUP", options_.group, consumer, "COUNT",
                                   absl::StrCat(max - static_cast<int>(out.size()))};
  if (out.empty() && block > absl::ZeroDuration()) {
    argv.push_back("BLOCK");
    argv.push_back(absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(block))));
  }
  argv.insert(argv.end(), {"STREAMS", StreamKey(kind), ">"});
  auto r = conn_->Command(argv);
  if (!r.ok()) {
    if (absl::StartsWith(r.status().message(), "NOGROUP")) {
      if (absl::Status s = EnsureGroup(kind); !s.ok()) return s;
      return out;
    }
    return r.status();
  }
  if (r->is_nil()) return out;
  for (const auto& stream : r->elements) {
    if (stream.elements.size() != 2) continue;
    for (const auto& e : stream.elements[1].elements) {
      if (e.elements.size() != 2) continue;
      auto t = ParseEntry(kind, e.elements[0], e.elements[1], 1);
      if (!t.ok()) {
        GI_LOG(ERROR) << t.status();
        conn_->Command({"XACK", StreamKey(kind), options_.group, e.elements[0].str})
            .IgnoreError();
        continue;
      }
      out.push_back(*std::move(t));
    }
  }
  return out;
}

absl::StatusOr<bool> WorkQueue::ExtendLease(const Task& task, const std::string& consumer) {
  auto r = conn_->Eval(kExtendScript, {StreamKey(task.kind)},
                       {options_.group, consumer, task.entry_id});
  if (!r.ok()) return r.status();
  return r->AsInt() == 1;
}

std::pair<std::vector<std::string>, std::vector<std::string>> WorkQueue::FinishCall(
    const Task& task, const std::string& outcome, const std::string& reason) const {
  return {{StreamKey(task.kind), DoneKey(task.round), ProgressKey(task.round), EventsKey(),
           DeadKey(task.kind), LostKey(task.round)},
          {options_.group, task.entry_id, TaskKey(task.kind, task.target), task.kind, outcome,
           task.round, reason, task.target, task.payload,
           absl::StrCat(absl::ToInt64Seconds(options_.round_retention))}};
}

namespace {
absl::StatusOr<CompleteResult> ParseFinish(const RedisReply& r) {
  if (r.is_error()) return absl::InternalError(absl::StrCat("finish: ", r.str));
  if (r.elements.size() != 3) return absl::InternalError("finish: unexpected reply");
  CompleteResult result;
  result.counted = r.elements[0].AsInt() == 1;
  result.remaining = r.elements[1].AsInt();
  result.round_finished = r.elements[2].AsInt() == 1;
  return result;
}
}  // namespace

absl::StatusOr<CompleteResult> WorkQueue::Finish(const Task& task, const std::string& outcome,
                                                 const std::string& reason) {
  auto [keys, args] = FinishCall(task, outcome, reason);
  auto r = conn_->Eval(kFinishScript, keys, args);
  if (!r.ok()) return r.status();
  return ParseFinish(*r);
}

absl::StatusOr<std::vector<CompleteResult>> WorkQueue::CompleteMany(
    const std::vector<Task>& tasks) {
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> calls;
  calls.reserve(tasks.size());
  for (const auto& t : tasks) calls.push_back(FinishCall(t, "done", ""));
  auto replies = conn_->EvalPipeline(kFinishScript, calls);
  if (!replies.ok()) return replies.status();
  std::vector<CompleteResult> out;
  out.reserve(replies->size());
  for (const auto& r : *replies) {
    auto c = ParseFinish(r);
    if (!c.ok()) return c.status();
    out.push_back(*c);
  }
  return out;
}

absl::StatusOr<CompleteResult> WorkQueue::Complete(const Task& task) {
  return Finish(task, "done", "");
}

absl::StatusOr<CompleteResult> WorkQueue::DeadLetter(const Task& task, const std::string& reason) {
  return Finish(task, "dead", reason);
}

absl::StatusOr<CompleteResult> WorkQueue::GiveUpLost(const Task& task, const std::string& reason) {
  return Finish(task, "lost", reason);
}

absl::StatusOr<std::map<std::string, std::string>> WorkQueue::LostTargets(
    const std::string& round) {
  auto r = conn_->Command({"HGETALL", LostKey(round)});
  if (!r.ok()) return r.status();
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    out[r->elements[i].str] = r->elements[i + 1].str;
  }
  return out;
}

absl::StatusOr<CompleteResult> WorkQueue::Drop(const Task& task) {
  return Finish(task, "dropped", "round cancelled");
}

absl::StatusOr<RoundProgress> WorkQueue::Progress(const std::string& round) {
  auto replies = conn_->Pipeline({{"HGETALL", ProgressKey(round)}, {"SCARD", DoneKey(round)}});
  if (!replies.ok()) return replies.status();
  RoundProgress p;
  const RedisReply& h = (*replies)[0];
  std::map<std::string, RoundProgress::Kind> kinds;
  for (size_t i = 0; i + 1 < h.elements.size(); i += 2) {
    const std::string& f = h.elements[i].str;
    int64_t v = h.elements[i + 1].AsInt();
    if (f == "total") {
      p.total = v;
    } else if (f == "cancelled") {
      p.cancelled = v != 0;
    } else if (size_t bar = f.rfind(':'); bar != std::string::npos) {
      std::string kind = f.substr(0, bar);
      std::string what = f.substr(bar + 1);
      auto& k = kinds[kind];
      k.kind = kind;
      if (what == "total") k.total = v;
      else if (what == "done") k.done = v;
      else if (what == "dead") k.dead = v;
    }
  }
  for (auto& [_, k] : kinds) p.kinds.push_back(k);
  p.finished = (*replies)[1].AsInt();
  return p;
}

absl::Status WorkQueue::MarkCancelled(const std::string& round) {
  return conn_->Command({"HSET", ProgressKey(round), "cancelled", "1"}).status();
}

absl::StatusOr<bool> WorkQueue::IsCancelled(const std::string& round) {
  auto r = conn_->Command({"HGET", ProgressKey(round), "cancelled"});
  if (!r.ok()) return r.status();
  return r->AsInt() == 1;
}

absl::StatusOr<QueueStats> WorkQueue::Stats(const std::string& kind) {
  auto replies = conn_->Pipeline({{"XLEN", StreamKey(kind)},
                                  {"XINFO", "GROUPS", StreamKey(kind)},
                                  {"XLEN", DeadKey(kind)}});
  if (!replies.ok()) return replies.status();
  QueueStats s;
  s.length = (*replies)[0].AsInt();
  s.dead_letters = (*replies)[2].AsInt();
  const RedisReply& groups = (*replies)[1];
  for (const auto& g : groups.elements) {
    bool ours = false;
    int64_t pending = 0, lag = 0;
    for (size_t i = 0; i + 1 < g.elements.size(); i += 2) {
      const std::string& f = g.elements[i].str;
      if (f == "name") ours = g.elements[i + 1].str == options_.group;
      else if (f == "pending") pending = g.elements[i + 1].AsInt();
      else if (f == "lag") lag = g.elements[i + 1].AsInt();
    }
    if (ours) {
      s.pending = pending;
      s.lag = lag;
    }
  }
  return s;
}

absl::Status WorkQueue::ForgetRound(const std::string& round) {
  return conn_->Command({"DEL", ProgressKey(round), DoneKey(round), LostKey(round)}).status();
}

}  // namespace govinspect::common
