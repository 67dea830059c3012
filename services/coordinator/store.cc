#include "services/coordinator/store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/coordinator/registry_import.h"

namespace govinspect::coordinator {
namespace {

// Allowed past maxmemory (allow-oom): a round's state is small, and a Redis that refuses writes
// must not keep the coordinator from failing the round with the reason.
const common::RedisScript kUpdateIfScript{R"lua(#!lua flags=allow-oom
local cur = redis.call('HGET', KEYS[1], 'state')
if cur ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'blob', ARGV[3])
return 1
)lua"};

}  // namespace

std::shared_ptr<const LoadedRegistry> IndexRegistry(common::v1::Registry registry,
                                                    int64_t version) {
  auto out = std::make_shared<LoadedRegistry>();
  out->version = version;
  out->registry = std::move(registry);
  for (const auto& u : out->registry.units()) out->units[u.name()] = &u;
  for (const auto& s : out->registry.sites()) out->sites[s.name()] = &s;
  for (const auto& a : out->registry.accounts()) out->accounts[a.name()] = &a;
  for (const auto& p : out->registry.portals()) out->portals[p.name()] = &p;
  return out;
}

absl::Status RegistryStore::Replace(common::RedisConnection& conn,
                                    const common::v1::Registry& registry) {
  auto replies = conn.Pipeline({{"MULTI"},
                                {"SET", absl::StrCat(prefix_, ":registry"),
                                 registry.SerializeAsString()},
                                {"INCR", absl::StrCat(prefix_, ":registry:version")},
                                {"EXEC"}});
  if (!replies.ok()) return replies.status();
  const auto& exec = replies->back();
  if (exec.is_error() || exec.is_nil()) {
    return absl::UnavailableError(absl::StrCat("registry not stored: ", exec.str));
  }
  // A Redis that came back empty counts versions from 1 again: never serve the old one.
  absl::MutexLock lock(&mu_);
  cache_ = nullptr;
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const LoadedRegistry>> RegistryStore::Load(
    common::RedisConnection& conn) {
  auto v = conn.Command({"GET", absl::StrCat(prefix_, ":registry:version")});
  if (!v.ok()) return v.status();
  int64_t version = v->AsInt();
  {
    absl::MutexLock lock(&mu_);
    if (cache_ != nullptr && cache_->version == version) return cache_;
  }
  auto both = conn.Command({"MGET", absl::StrCat(prefix_, ":registry:version"),
                            absl::StrCat(prefix_, ":registry")});
  if (!both.ok()) return both.status();
  common::v1::Registry reg;
  version = both->elements.size() == 2 ? both->elements[0].AsInt() : 0;
  if (both->elements.size() == 2 && !both->elements[1].is_nil() &&
      !reg.ParseFromString(both->elements[1].str)) {
    return absl::DataLossError("stored registry is corrupt");
  }
  auto loaded = IndexRegistry(std::move(reg), version);
  absl::MutexLock lock(&mu_);
  cache_ = loaded;
  return loaded;
}

std::string RoundStore::MetaKey(const std::string& id) const {
  return absl::StrCat(prefix_, ":round:", id, ":meta");
}

absl::Status RoundStore::Create(common::RedisConnection& conn, const v1::Round& round,
                                const std::string& request_id,
                                const common::v1::Registry& snapshot, std::string* existing_id) {
  auto id = RoundIdFromName(round.name());
  if (!id.ok()) return id.status();
  if (!request_id.empty()) {
    std::string key = absl::StrCat(prefix_, ":round-request:", request_id);
    auto set = conn.Command({"SET", key, *id, "NX", "EX", "604800"});
    if (!set.ok()) return set.status();
    if (set->is_nil()) {
      auto prev = conn.Command({"GET", key});
      if (!prev.ok()) return prev.status();
      *existing_id = prev->str;
      return absl::OkStatus();
    }
  }
  // HSETNX on the state field makes the id claim atomic.
  auto claim = conn.Command({"HSETNX", MetaKey(*id), "state",
                             absl::StrCat(static_cast<int>(round.state()))});
  if (!claim.ok()) return claim.status();
  if (claim->AsInt() == 0) {
    if (!request_id.empty()) {
      conn.Command({"DEL", absl::StrCat(prefix_, ":round-request:", request_id)}).IgnoreError();
    }
    return absl::AlreadyExistsError(absl::StrCat(round.name(), " already exists"));
  }
  int64_t ms = google::protobuf::util::TimeUtil::TimestampToMilliseconds(round.create_time());
  auto replies = conn.Pipeline(
      {{"HSET", MetaKey(*id), "blob", round.SerializeAsString()},
       {"SET", absl::StrCat(prefix_, ":round:", *id, ":registry"), snapshot.SerializeAsString()},
       {"ZADD", absl::StrCat(prefix_, ":rounds"), absl::StrCat(ms), *id}});
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (r.is_error()) return absl::InternalError(absl::StrCat("storing round: ", r.str));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Round> RoundStore::Get(common::RedisConnection& conn, const std::string& id) {
  auto r = conn.Command({"HGET", MetaKey(id), "blob"});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("rounds/", id, " does not exist"));
  v1::Round round;
  if (!round.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("rounds/", id, " is corrupt"));
  }
  return round;
}

absl::Status RoundStore::UpdateIf(common::RedisConnection& conn, const v1::Round& round,
                                  v1::Round::State expected) {
  auto id = RoundIdFromName(round.name());
  if (!id.ok()) return id.status();
  auto r = conn.Eval(kUpdateIfScript, {MetaKey(*id)},
                     {absl::StrCat(static_cast<int>(expected)),
                      absl::StrCat(static_cast<int>(round.state())), round.SerializeAsString()});
  if (!r.ok()) return r.status();
  if (r->AsInt() != 1) {
    return absl::AbortedError(absl::StrCat(round.name(), " changed state concurrently"));
  }
  return absl::OkStatus();
}

absl::Status RoundStore::Restore(common::RedisConnection& conn, const v1::Round& round) {
  auto id = RoundIdFromName(round.name());
  if (!id.ok()) return id.status();
  auto claim = conn.Command({"HSETNX", MetaKey(*id), "state",
                             absl::StrCat(static_cast<int>(round.state()))});
  if (!claim.ok()) return claim.status();
  if (claim->AsInt() == 0) return absl::AlreadyExistsError(absl::StrCat(round.name(), " exists"));
  int64_t ms = google::protobuf::util::TimeUtil::TimestampToMilliseconds(round.create_time());
  auto replies = conn.Pipeline(
      {{"HSET", MetaKey(*id), "blob", round.SerializeAsString()},
       {"ZADD", absl::StrCat(prefix_, ":rounds"), absl::StrCat(ms), *id}});
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (r.is_error()) return absl::InternalError(absl::StrCat("restoring round: ", r.str));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> RoundStore::ListIds(common::RedisConnection& conn,
                                                             int64_t offset, int64_t count) {
  auto r = conn.Command({"ZREVRANGE", absl::StrCat(prefix_, ":rounds"), absl::StrCat(offset),
                         absl::StrCat(offset + count - 1)});
  if (!r.ok()) return r.status();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

absl::StatusOr<int64_t> RoundStore::Count(common::RedisConnection& conn) {
  auto r = conn.Command({"ZCARD", absl::StrCat(prefix_, ":rounds")});
  if (!r.ok()) return r.status();
  return r->AsInt();
}

absl::StatusOr<common::v1::Registry> RoundStore::Snapshot(common::RedisConnection& conn,
                                                          const std::string& id) {
  auto r = conn.Command({"GET", absl::StrCat(prefix_, ":round:", id, ":registry")});
  if (!r.ok()) return r.status();
  common::v1::Registry reg;
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("rounds/", id, " has no registry"));
  if (!reg.ParseFromString(r->str)) return absl::DataLossError("round registry is corrupt");
  return reg;
}

absl::StatusOr<std::string> RoundIdFromName(const std::string& name) {
  if (!absl::StartsWith(name, "rounds/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("name \"", name, "\": want rounds/{round}"));
  }
  std::string id = name.substr(7);
  if (!IsValidId(id)) {
    return absl::InvalidArgumentError(absl::StrCat("name \"", name, "\": bad round id"));
  }
  return id;
}

}  // namespace govinspect::coordinator
