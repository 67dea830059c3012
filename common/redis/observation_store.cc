#include "common/redis/observation_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace govinspect::common {

std::string ObservationStore::Key(const std::string& round_id) const {
  return absl::StrCat(prefix_, ":round:", round_id, ":obs");
}

absl::Status ObservationStore::Put(const std::string& round_id, const v1::Observation& o) {
  if (o.target().empty()) return absl::InvalidArgumentError("observation without target");
  return conn_->Command({"HSET", Key(round_id), o.target(), o.SerializeAsString()}).status();
}

absl::StatusOr<bool> ObservationStore::PutIfAbsent(const std::string& round_id,
                                                   const v1::Observation& o) {
  if (o.target().empty()) return absl::InvalidArgumentError("observation without target");
  auto r = conn_->Command({"HSETNX", Key(round_id), o.target(), o.SerializeAsString()});
  if (!r.ok()) return r.status();
  return r->AsInt() == 1;
}

absl::StatusOr<v1::Observation> ObservationStore::Get(const std::string& round_id,
                                                      const std::string& target) {
  auto r = conn_->Command({"HGET", Key(round_id), target});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("no observation of ", target));
  v1::Observation o;
  if (!o.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("observation of ", target, " is corrupt"));
  }
  return o;
}

absl::StatusOr<std::vector<std::string>> ObservationStore::Targets(const std::string& round_id) {
  auto r = conn_->Command({"HKEYS", Key(round_id)});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  out.reserve(r->elements.size());
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::vector<v1::Observation>> ObservationStore::GetMany(
    const std::string& round_id, const std::vector<std::string>& targets) {
  std::vector<v1::Observation> out;
  if (targets.empty()) return out;
  std::vector<std::string> argv = {"HMGET", Key(round_id)};
  argv.insert(argv.end(), targets.begin(), targets.end());
  auto r = conn_->Command(argv);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < r->elements.size(); ++i) {
    if (r->elements[i].is_nil()) continue;
    v1::Observation o;
    if (!o.ParseFromString(r->elements[i].str)) {
      return absl::DataLossError(absl::StrCat("observation of ", targets[i], " is corrupt"));
    }
    out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<int64_t> ObservationStore::Count(const std::string& round_id) {
  auto r = conn_->Command({"HLEN", Key(round_id)});
  if (!r.ok()) return r.status();
  return r->AsInt();
}

}  // namespace govinspect::common
