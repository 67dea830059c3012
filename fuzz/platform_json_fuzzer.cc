// Fuzz target: the new-media adapter's reading of platform API answers
// (services/newmedia/http_platform_adapter.h, protocol of docs/platform-api.md): an account, a
// page of posts, a page of search results, and the error bodies of 4xx answers.
//
// Input: a call byte, an HTTP status byte, then the answer body. The getter is in memory; no
// request leaves the process, and retries do not sleep.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "fuzz/fuzz_support.h"
#include "services/newmedia/http_platform_adapter.h"

namespace {

using govinspect::common::FetchResult;
using namespace govinspect::newmedia;  // NOLINT

class FixedGetter : public HttpGetter {
 public:
  FixedGetter(int status, std::string body) : status_(status), body_(std::move(body)) {}
  FetchResult Get(const std::string& url) override {
    FetchResult r;
    r.requested_url = url;
    r.http_status = status_;
    r.error = status_ >= 400 ? govinspect::common::v1::FETCH_ERROR_HTTP_STATUS
                             : govinspect::common::v1::FETCH_ERROR_NONE;
    r.content_type = "application/json; charset=utf-8";
    r.body = body_;
    return r;
  }

 private:
  int status_;
  std::string body_;
};

void CheckAccount(const PlatformAccount& a) {
  FUZZ_CHECK(!a.id.empty());
  FUZZ_CHECK(!a.status.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int kStatuses[] = {200, 200, 200, 404, 400, 403, 408, 429, 500, 204};
  govinspect::fuzz::FuzzInput in(data, size);
  const size_t call = in.Pick(3);
  const int status = kStatuses[in.Pick(sizeof(kStatuses) / sizeof(kStatuses[0]))];
  FixedGetter getter(status, in.RestString());
  HttpAdapterOptions options;
  options.attempts = 2;
  options.retry_backoff = absl::ZeroDuration();
  HttpPlatformAdapter adapter("wechat", "http://api.wechat.sim/", &getter, nullptr, nullptr,
                              options, [](absl::Duration) {});
  switch (call) {
    case 0: {
      const auto a = adapter.GetAccount("gh_1a2b3c4d5e6f");
      if (a.ok()) CheckAccount(*a);
      break;
    }
    case 1: {
      const auto page = adapter.ListPosts("gh_1a2b3c4d5e6f", "20", 20);
      if (page.ok()) {
        for (const PlatformPost& p : page->items) FUZZ_CHECK(!p.id.empty() && !p.time.empty());
      }
      break;
    }
    default: {
      const auto page = adapter.SearchAccounts("黄圃", "", 20);
      if (page.ok()) {
        for (const PlatformAccount& a : page->items) CheckAccount(a);
      }
      break;
    }
  }
  FUZZ_CHECK(adapter.requests() >= 1 && adapter.requests() <= 2);
  return 0;
}
