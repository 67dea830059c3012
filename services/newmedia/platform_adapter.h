#ifndef GOVINSPECT_SERVICES_NEWMEDIA_PLATFORM_ADAPTER_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_PLATFORM_ADAPTER_H_

// How newmedia reads a new-media platform: one small interface, one implementation per kind of
// platform API (today: the REST/JSON protocol of docs/platform-api.md, http_platform_adapter.h).
//
// Errors (absl::Status) every adapter returns:
//   NOT_FOUND          the platform does not know the account (unknown or deleted)
//   UNAVAILABLE        network failure, HTTP 5xx/429                           (transient)
//   DEADLINE_EXCEEDED  the request timed out                                    (transient)
//   DATA_LOSS          the answer is not the protocol (malformed JSON, missing fields)
//   FAILED_PRECONDITION paging that repeats (a page token or a page seen before)
//   INVALID_ARGUMENT   the platform refused the request (HTTP 400)
//   UNKNOWN            any other HTTP error

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::newmedia {

struct PlatformAccount {
  std::string id;
  std::string name;
  std::string platform;
  std::string url;
  std::string status;  // active | closed
  std::string verified_entity;
  std::string entity_short_name;
  std::string opened_date;  // YYYY-MM-DD or ""
  std::string closed_date;
  bool comments = false;
  bool messages = false;
  bool private_messages = false;
  int64_t post_count = -1;        // -1 = not in the answer
  std::string last_post_time;     // RFC 3339 or ""
};

struct PlatformPost {
  std::string id;
  std::string account_id;
  std::string time;  // RFC 3339
  std::string url;
  std::string title;
  std::string text;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // "" = last page
};

class PlatformAdapter {
 public:
  virtual ~PlatformAdapter() = default;
  // GET /v1/accounts/{id}.
  virtual absl::StatusOr<PlatformAccount> GetAccount(const std::string& id) = 0;
  // GET /v1/accounts/{id}/posts, newest first.
  virtual absl::StatusOr<Page<PlatformPost>> ListPosts(const std::string& id,
                                                       const std::string& page_token,
                                                       int page_size) = 0;
  // GET /v1/accounts?q=…: accounts whose name, verified entity or its short name contains q.
  virtual absl::StatusOr<Page<PlatformAccount>> SearchAccounts(const std::string& q,
                                                               const std::string& page_token,
                                                               int page_size) = 0;
  // Requests made so far (retries included), for evidence and benchmarks.
  virtual int64_t requests() const = 0;
};

// "wechat", "weibo", "douyin", "toutiao", "app", "other" (accounts.csv `platform`); "" for
// PLATFORM_UNSPECIFIED.
const char* PlatformId(common::v1::Platform platform);
// The inverse; PLATFORM_UNSPECIFIED for anything else.
common::v1::Platform ParsePlatformId(const std::string& id);

// Worth trying again later: UNAVAILABLE, DEADLINE_EXCEEDED.
bool IsTransient(const absl::Status& status);

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_PLATFORM_ADAPTER_H_
