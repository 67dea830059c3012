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

absl::Status ObservationStore::PutPart(const std::string& round_id, const v1::Observation& o,
                                       const std::string& source) {
  if (o.target().empty()) return absl::InvalidArgumentError("observation without target");
  if (source.empty() || source.find('@') != std::string::npos) {
    return absl::InvalidArgumentError("observation part needs a source without '@'");
  }
  return conn_->Command({"HSET", Key(round_id), absl::StrCat(o.target(), "@", source),
                         o.SerializeAsString()})
      .status();
}

absl::StatusOr<std::map<std::string, std::vector<std::string>>> ObservationStore::Fields(
    const std::string& round_id) {
  auto r = conn_->Command({"HKEYS", Key(round_id)});
  if (!r.ok()) return r.status();
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& e : r->elements) {
    size_t at = e.str.find('@');
    out[at == std::string::npos ? e.str : e.str.substr(0, at)].push_back(e.str);
  }
  for (auto& [_, fields] : out) std::sort(fields.begin(), fields.end());
  return out;
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
  auto many = GetMany(round_id, {target});
  if (!many.ok()) return many.status();
  if (many->empty()) return absl::NotFoundError(absl::StrCat("no observation of ", target));
  return std::move(many->front());
}

absl::StatusOr<std::vector<std::string>> ObservationStore::Targets(const std::string& round_id) {
  auto fields = Fields(round_id);
  if (!fields.ok()) return fields.status();
  std::vector<std::string> out;
  out.reserve(fields->size());
  for (const auto& [target, _] : *fields) out.push_back(target);
  return out;  // std::map: sorted
}

absl::StatusOr<std::vector<v1::Observation>> ObservationStore::GetMany(
    const std::string& round_id, const std::vector<std::string>& targets) {
  std::vector<v1::Observation> out;
  if (targets.empty()) return out;
  auto fields = Fields(round_id);
  if (!fields.ok()) return fields.status();
  std::vector<std::string> argv = {"HMGET", Key(round_id)};
  std::vector<std::pair<size_t, size_t>> ranges;  // per target: [begin, end) in the reply
  for (const auto& t : targets) {
    size_t begin = argv.size() - 2;
    if (auto it = fields->find(t); it != fields->end()) {
      argv.insert(argv.end(), it->second.begin(), it->second.end());
    }
    ranges.emplace_back(begin, argv.size() - 2);
  }
  if (argv.size() == 2) return out;
  auto r = conn_->Command(argv);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < targets.size(); ++i) {
    auto [begin, end] = ranges[i];
    std::vector<v1::Observation> parts;
    for (size_t k = begin; k < end && k < r->elements.size(); ++k) {
      if (r->elements[k].is_nil()) continue;
      v1::Observation o;
      if (!o.ParseFromString(r->elements[k].str)) {
        return absl::DataLossError(absl::StrCat("observation of ", targets[i], " is corrupt"));
      }
      parts.push_back(std::move(o));
    }
    if (parts.empty()) continue;
    v1::Observation merged = std::move(parts[0]);
    for (size_t k = 1; k < parts.size(); ++k) {
      const v1::Observation& p = parts[k];
      for (const auto& f : p.findings()) *merged.add_findings() = f;
      if (p.status() == v1::TARGET_STATUS_NOT_ASSESSED) {
        merged.set_status(v1::TARGET_STATUS_NOT_ASSESSED);
        merged.set_not_assessed_reason(merged.not_assessed_reason().empty()
                                           ? p.not_assessed_reason()
                                           : absl::StrCat(merged.not_assessed_reason(), "; ",
                                                          p.not_assessed_reason()));
      } else if (merged.status() == v1::TARGET_STATUS_UNSPECIFIED) {
        merged.set_status(p.status());
      }
      if (merged.evidence_case() == v1::Observation::EVIDENCE_NOT_SET) {
        if (p.has_open_data()) *merged.mutable_open_data() = p.open_data();
        else if (p.has_account()) *merged.mutable_account() = p.account();
        else if (p.has_site()) *merged.mutable_site() = p.site();
      }
      if (merged.unit().empty()) merged.set_unit(p.unit());
    }
    out.push_back(std::move(merged));
  }
  return out;
}

absl::StatusOr<int64_t> ObservationStore::Count(const std::string& round_id) {
  auto fields = Fields(round_id);
  if (!fields.ok()) return fields.status();
  return static_cast<int64_t>(fields->size());
}

}  // namespace govinspect::common
