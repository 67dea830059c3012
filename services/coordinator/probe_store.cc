#include "services/coordinator/probe_store.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace govinspect::coordinator {
namespace {

// Claims a due schedule entry: only if its score is still the due time we read.
// KEYS: schedule, stream, sites   ARGV: site, due ms, next ms, stream maxlen
const common::RedisScript kClaimScript{R"lua(
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
local url = redis.call('HGET', KEYS[3], ARGV[1])
if not url then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'target', ARGV[1], 'url', url,
           'sched', ARGV[2])
return 1
)lua"};

// Stores one attempt (replacing one with the same scheduled time), trims, acks.
// KEYS: attempts zset, stream   ARGV: sched ms, member, oldest ms kept, ttl ms, group, entry id
const common::RedisScript kRecordScript{R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[6] ~= '' then
  redis.call('XACK', KEYS[2], ARGV[5], ARGV[6])
  redis.call('XDEL', KEYS[2], ARGV[6])
end
return 1
)lua"};

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

void ParseEntries(const common::RedisReply& entries, std::vector<ProbeTask>* out) {
  for (const auto& e : entries.elements) {
    if (e.elements.size() != 2) continue;
    ProbeTask t;
    t.entry_id = e.elements[0].str;
    const auto& f = e.elements[1].elements;
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      if (f[i].str == "target") t.site = f[i + 1].str;
      else if (f[i].str == "url") t.url = f[i + 1].str;
      else if (f[i].str == "sched") absl::SimpleAtoi(f[i + 1].str, &t.scheduled_ms);
    }
    if (!t.site.empty()) out->push_back(std::move(t));
  }
}

}  // namespace

absl::Status ProbeStore::SyncSchedule(const std::map<std::string, std::string>& sites,
                                      absl::Time now, absl::Duration interval,
                                      std::mt19937_64& rng) {
  auto current = conn_->Command({"ZRANGE", ScheduleKey(), "0", "-1"});
  if (!current.ok()) return current.status();
  std::set<std::string> have;
  for (const auto& e : current->elements) have.insert(e.str);
  std::vector<std::vector<std::string>> cmds;
  std::vector<std::string> gone = {"ZREM", ScheduleKey()};
  std::vector<std::string> gone_urls = {"HDEL", SitesKey()};
  for (const auto& s : have) {
    if (!sites.count(s)) {
      gone.push_back(s);
      gone_urls.push_back(s);
    }
  }
  if (gone.size() > 2) {
    cmds.push_back(gone);
    cmds.push_back(gone_urls);
  }
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::string> hset = {"HSET", SitesKey()};
  for (const auto& [name, url] : sites) {
    hset.push_back(name);
    hset.push_back(url);
    if (!have.count(name)) {
      int64_t first = Ms(now + interval * u(rng));
      cmds.push_back({"ZADD", ScheduleKey(), "NX", absl::StrCat(first), name});
    }
  }
  if (hset.size() > 2) cmds.push_back(hset);
  if (cmds.empty()) return absl::OkStatus();
  auto r = conn_->Pipeline(cmds);
  if (!r.ok()) return r.status();
  for (const auto& rep : *r) {
    if (rep.is_error()) return absl::InternalError(absl::StrCat("probe schedule: ", rep.str));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ProbeStore::EnqueueDue(absl::Time now, absl::Duration interval, double jitter,
                                           int max, std::mt19937_64& rng) {
  auto due = conn_->Command({"ZRANGEBYSCORE", ScheduleKey(), "-inf", absl::StrCat(Ms(now)),
                             "WITHSCORES", "LIMIT", "0", absl::StrCat(max)});
  if (!due.ok()) return due.status();
  std::uniform_real_distribution<double> u(-jitter, jitter);
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> calls;
  for (size_t i = 0; i + 1 < due->elements.size(); i += 2) {
    const std::string& site = due->elements[i].str;
    int64_t due_ms = 0;
    absl::SimpleAtoi(due->elements[i + 1].str, &due_ms);
    int64_t next = due_ms + absl::ToInt64Milliseconds(interval * (1.0 + u(rng)));
    // A scheduler that was down does not fire a burst: the next one is in the future.
    if (next <= Ms(now)) next = Ms(now) + absl::ToInt64Milliseconds(interval * (1.0 + u(rng)));
    calls.push_back({{ScheduleKey(), StreamKey(), SitesKey()},
                     {site, absl::StrCat(due_ms), absl::StrCat(next), "100000"}});
  }
  if (calls.empty()) return 0;
  auto r = conn_->EvalPipeline(kClaimScript, calls);
  if (!r.ok()) return r.status();
  int n = 0;
  for (const auto& rep : *r) n += rep.is_error() ? 0 : static_cast<int>(rep.AsInt());
  return n;
}

absl::Status ProbeStore::EnsureGroup() {
  auto g = conn_->Command({"XGROUP", "CREATE", StreamKey(), o_.group, "0", "MKSTREAM"});
  if (!g.ok() && g.status().message().find("BUSYGROUP") == absl::string_view::npos) {
    return g.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ProbeTask>> ProbeStore::Take(const std::string& consumer, int max,
                                                        absl::Duration block) {
  std::vector<ProbeTask> out;
  // Now and then, probes taken by a worker that died (idle past the lease).
  if (takes_++ % 16 == 0) {
    auto c = conn_->Command({"XAUTOCLAIM", StreamKey(), o_.group, consumer,
                             absl::StrCat(absl::ToInt64Milliseconds(o_.lease)), "0", "COUNT",
                             absl::StrCat(max)});
    if (c.ok() && c->elements.size() >= 2) ParseEntries(c->elements[1], &out);
    if (!out.empty()) return out;
  }
  auto r = conn_->Command({"XREADGROUP", "GROUP", o_.group, consumer, "COUNT", absl::StrCat(max),
                           "BLOCK", absl::StrCat(absl::ToInt64Milliseconds(block)), "STREAMS",
                           StreamKey(), ">"});
  if (!r.ok()) {
    if (r.status().message().find("NOGROUP") != absl::string_view::npos) {
      if (absl::Status s = EnsureGroup(); !s.ok()) return s;
      return out;
    }
    return r.status();
  }
  if (r->is_nil()) return out;
  for (const auto& stream : r->elements) {
    if (stream.elements.size() == 2) ParseEntries(stream.elements[1], &out);
  }
  return out;
}

absl::Status ProbeStore::Record(const ProbeTask& task, const ProbeAttempt& a) {
  std::string reason = a.reason;
  for (char& c : reason) {
    if (c == '|') c = '/';
  }
  std::string member = absl::StrCat(a.scheduled_ms, "|", a.time_ms, "|", a.success ? 1 : 0, "|",
                                    a.latency_ms, "|", reason);
  int64_t oldest = a.time_ms - absl::ToInt64Milliseconds(o_.retention);
  auto r = conn_->Eval(kRecordScript, {AttemptsKey(task.site), StreamKey()},
                       {absl::StrCat(a.scheduled_ms), member, absl::StrCat(oldest),
                        absl::StrCat(absl::ToInt64Milliseconds(o_.retention)), o_.group,
                        task.entry_id});
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::StatusOr<std::vector<ProbeAttempt>> ProbeStore::Attempts(const std::string& site,
                                                               absl::Time from, absl::Time to) {
  auto r = conn_->Command({"ZRANGEBYSCORE", AttemptsKey(site), absl::StrCat(Ms(from)),
                           absl::StrCat(Ms(to))});
  if (!r.ok()) return r.status();
  std::vector<ProbeAttempt> out;
  for (const auto& e : r->elements) {
    std::vector<std::string> p = absl::StrSplit(e.str, absl::MaxSplits('|', 4));
    if (p.size() != 5) continue;
    ProbeAttempt a;
    absl::SimpleAtoi(p[0], &a.scheduled_ms);
    absl::SimpleAtoi(p[1], &a.time_ms);
    a.success = p[2] == "1";
    absl::SimpleAtoi(p[3], &a.latency_ms);
    a.reason = p[4];
    out.push_back(std::move(a));
  }
  return out;
}

AvailabilitySummary Summarize(const std::vector<ProbeAttempt>& attempts, int min_probes,
                              double threshold) {
  AvailabilitySummary s;
  for (const auto& a : attempts) {
    ++s.probes;
    if (!a.success) {
      ++s.failures;
      s.reasons[a.reason]++;
    }
  }
  s.fail_ratio = s.probes > 0 ? static_cast<double>(s.failures) / s.probes : 0.0;
  s.sufficient = s.probes >= std::max(1, min_probes);
  s.unreachable = s.sufficient && s.fail_ratio >= threshold - 1e-12;
  return s;
}

}  // namespace govinspect::coordinator
