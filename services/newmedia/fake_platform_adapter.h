#ifndef GOVINSPECT_SERVICES_NEWMEDIA_FAKE_PLATFORM_ADAPTER_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_FAKE_PLATFORM_ADAPTER_H_

// An in-memory PlatformAdapter for tests: accounts with posts, searchable, with scripted
// failures and paging that repeats.

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/newmedia/platform_adapter.h"

namespace govinspect::newmedia::testing {

class FakePlatformAdapter : public PlatformAdapter {
 public:
  void Add(PlatformAccount account, std::vector<PlatformPost> posts = {}) {
    absl::MutexLock lock(&mu_);
    const std::string id = account.id;
    accounts_[id] = std::move(account);
    posts_[id] = std::move(posts);
  }
  // Every call fails with `status` (OK = stop failing).
  void FailWith(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_ = std::move(status);
  }
  // Post listings answer the first page again and again with a fresh token.
  void RepeatPages(bool repeat) {
    absl::MutexLock lock(&mu_);
    repeat_ = repeat;
  }

  absl::StatusOr<PlatformAccount> GetAccount(const std::string& id) override {
    ++requests_;
    absl::MutexLock lock(&mu_);
    if (!fail_.ok()) return fail_;
    auto it = accounts_.find(id);
    if (it == accounts_.end()) return absl::NotFoundError(absl::StrCat("account ", id, " not found"));
    return it->second;
  }
  absl::StatusOr<Page<PlatformPost>> ListPosts(const std::string& id, const std::string& token,
                                               int page_size) override {
    ++requests_;
    absl::MutexLock lock(&mu_);
    if (!fail_.ok()) return fail_;
    auto it = posts_.find(id);
    if (it == posts_.end()) return absl::NotFoundError(absl::StrCat("account ", id, " not found"));
    size_t offset = 0;
    if (!token.empty() && !absl::SimpleAtoi(token, &offset)) {
      return absl::InvalidArgumentError("bad token");
    }
    if (repeat_) offset = 0;
    Page<PlatformPost> page;
    for (size_t i = offset; i < it->second.size() && page.items.size() < static_cast<size_t>(page_size);
         ++i) {
      page.items.push_back(it->second[i]);
    }
    const size_t next = offset + page.items.size();
    if (repeat_) {
      page.next_page_token = absl::StrCat(++repeat_token_ + 1000000);
    } else if (next < it->second.size()) {
      page.next_page_token = absl::StrCat(next);
    }
    return page;
  }
  absl::StatusOr<Page<PlatformAccount>> SearchAccounts(const std::string& q,
                                                       const std::string& token,
                                                       int page_size) override {
    ++requests_;
    absl::MutexLock lock(&mu_);
    if (!fail_.ok()) return fail_;
    std::vector<PlatformAccount> all;
    for (const auto& [id, a] : accounts_) {
      if (q.empty() || absl::StrContains(a.name, q) || absl::StrContains(a.verified_entity, q) ||
          absl::StrContains(a.entity_short_name, q)) {
        all.push_back(a);
      }
    }
    size_t offset = 0;
    if (!token.empty() && !absl::SimpleAtoi(token, &offset)) {
      return absl::InvalidArgumentError("bad token");
    }
    Page<PlatformAccount> page;
    for (size_t i = offset; i < all.size() && page.items.size() < static_cast<size_t>(page_size);
         ++i) {
      page.items.push_back(all[i]);
    }
    if (offset + page.items.size() < all.size()) {
      page.next_page_token = absl::StrCat(offset + page.items.size());
    }
    return page;
  }
  int64_t requests() const override { return requests_.load(); }

 private:
  absl::Mutex mu_;
  std::map<std::string, PlatformAccount> accounts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<PlatformPost>> posts_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
  bool repeat_ ABSL_GUARDED_BY(mu_) = false;
  int repeat_token_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int64_t> requests_{0};
};

}  // namespace govinspect::newmedia::testing

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_FAKE_PLATFORM_ADAPTER_H_
