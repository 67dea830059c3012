#include "services/crawler/redis_link_cache.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace govinspect::crawler {

absl::flat_hash_map<std::string, std::string> RedisLinkCache::Lookup(
    const std::vector<std::string>& urls) {
  absl::flat_hash_map<std::string, std::string> out;
  if (urls.empty()) return out;
  std::vector<std::string> argv = {"MGET"};
  for (const auto& u : urls) argv.push_back(Key(u));
  auto r = conn_->Command(argv);
  if (!r.ok()) {
    GI_LOG_EVERY_N_SEC(WARNING, 30) << "link cache lookup: " << r.status();
    return out;
  }
  for (size_t i = 0; i < urls.size() && i < r->elements.size(); ++i) {
    if (!r->elements[i].is_nil()) out[urls[i]] = r->elements[i].str;
  }
  return out;
}

void RedisLinkCache::Store(const std::vector<std::pair<std::string, std::string>>& results) {
  std::vector<std::vector<std::string>> cmds;
  const std::string ttl = absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(ttl_)));
  for (const auto& [url, reason] : results) {
    cmds.push_back({"SET", Key(url), reason, "EX", ttl});
  }
  if (cmds.empty()) return;
  if (auto r = conn_->Pipeline(cmds); !r.ok()) {
    GI_LOG_EVERY_N_SEC(WARNING, 30) << "link cache store: " << r.status();
  }
}

}  // namespace govinspect::crawler
