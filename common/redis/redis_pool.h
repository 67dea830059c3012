#ifndef GOVINSPECT_COMMON_REDIS_REDIS_POOL_H_
#define GOVINSPECT_COMMON_REDIS_REDIS_POOL_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/redis/redis_client.h"

namespace govinspect::common {

// Connections handed to one thread at a time (executor threads borrow one per call).
class RedisPool {
 public:
  explicit RedisPool(RedisOptions options) : options_(std::move(options)) {}

  class Lease {
   public:
    Lease(RedisPool* pool, std::unique_ptr<RedisConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    ~Lease() {
      if (conn_ != nullptr) pool_->Return(std::move(conn_));
    }
    Lease(Lease&&) = default;
    RedisConnection* operator->() { return conn_.get(); }
    RedisConnection& operator*() { return *conn_; }
    RedisConnection* get() { return conn_.get(); }

   private:
    RedisPool* pool_;
    std::unique_ptr<RedisConnection> conn_;
  };

  Lease Borrow() {
    {
      absl::MutexLock lock(&mu_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(c));
      }
    }
    return Lease(this, std::make_unique<RedisConnection>(options_));
  }

  const RedisOptions& options() const { return options_; }

 private:
  void Return(std::unique_ptr<RedisConnection> conn) {
    absl::MutexLock lock(&mu_);
    if (idle_.size() < 32) idle_.push_back(std::move(conn));
  }

  RedisOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_REDIS_REDIS_POOL_H_
