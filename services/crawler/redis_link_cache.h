#ifndef GOVINSPECT_SERVICES_CRAWLER_REDIS_LINK_CACHE_H_
#define GOVINSPECT_SERVICES_CRAWLER_REDIS_LINK_CACHE_H_

#include <string>

#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "services/crawler/site_crawler.h"

namespace govinspect::crawler {

// External link results shared by every crawl of one round:
// <prefix>:round:<round>:links:<url> = reason ("ok", "http_404", …), expiring with the round.
// Redis errors are treated as misses (the link is then checked again).
class RedisLinkCache : public LinkCache {
 public:
  RedisLinkCache(common::RedisConnection* conn, std::string key_prefix, std::string round_id,
                 absl::Duration ttl)
      : conn_(conn), prefix_(std::move(key_prefix)), round_(std::move(round_id)), ttl_(ttl) {}

  absl::flat_hash_map<std::string, std::string> Lookup(const std::vector<std::string>& urls) override;
  void Store(const std::vector<std::pair<std::string, std::string>>& results) override;

  std::string Key(const std::string& url) const {
    return prefix_ + ":round:" + round_ + ":links:" + url;
  }

 private:
  common::RedisConnection* conn_;
  std::string prefix_;
  std::string round_;
  absl::Duration ttl_;
};

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_REDIS_LINK_CACHE_H_
