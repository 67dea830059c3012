#include "services/newmedia/http_platform_adapter.h"

#include <deque>
#include <functional>
#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/newmedia/rate_limiter.h"

namespace govinspect::newmedia {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

common::FetchResult Answer(int status, std::string body) {
  common::FetchResult r;
  r.http_status = status;
  r.error = status >= 400 ? common::v1::FETCH_ERROR_HTTP_STATUS : common::v1::FETCH_ERROR_NONE;
  r.body = std::move(body);
  return r;
}

common::FetchResult Failure(common::v1::FetchError e) {
  common::FetchResult r;
  r.error = e;
  r.error_detail = "scripted";
  return r;
}

// Answers from a script, then repeats the last answer; records the URLs.
class ScriptedGetter : public HttpGetter {
 public:
  explicit ScriptedGetter(std::deque<common::FetchResult> script) : script_(std::move(script)) {}
  common::FetchResult Get(const std::string& url) override {
    urls.push_back(url);
    common::FetchResult r = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return r;
  }
  std::vector<std::string> urls;

 private:
  std::deque<common::FetchResult> script_;
};

const char kAccount[] = R"({"id": "gh_1a2b", "name": "黄圃发布", "platform": "wechat",
  "url": "http://api.wechat.sim/v1/accounts/gh_1a2b", "status": "active",
  "verified_entity": "中山市黄圃镇人民政府", "entity_short_name": "黄圃镇",
  "opened_date": "2016-05-10", "closed_date": "",
  "interaction": {"comments": true, "messages": false, "private_messages": false},
  "post_count": 57, "last_post_time": "2020-06-28T10:30:00+08:00"})";

struct Fixture {
  explicit Fixture(std::deque<common::FetchResult> script)
      : getter(std::move(script)),
        adapter("wechat", "http://api.wechat.sim/", &getter, nullptr, nullptr, HttpAdapterOptions{},
                [this](absl::Duration d) { slept.push_back(d); }) {}
  ScriptedGetter getter;
  std::vector<absl::Duration> slept;
  HttpPlatformAdapter adapter;
};

TEST(HttpPlatformAdapterTest, ParsesAnAccount) {
  Fixture f({Answer(200, kAccount)});
  auto a = f.adapter.GetAccount("gh_1a2b");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name, "黄圃发布");
  EXPECT_EQ(a->status, "active");
  EXPECT_TRUE(a->comments);
  EXPECT_FALSE(a->messages);
  EXPECT_EQ(a->post_count, 57);
  EXPECT_THAT(f.getter.urls, ElementsAre("http://api.wechat.sim/v1/accounts/gh_1a2b"));
}

// Found by fuzz/platform_json_fuzzer.cc (fuzz/regressions/platform_json/): a float post_count
// beyond int64 was converted to int64 (undefined behaviour); it is unreadable (-1) instead.
TEST(HttpPlatformAdapterTest, OutOfRangePostCountIsUnknown) {
  for (const char* count : {"5.33333e+45", "-1e19", "18446744073709551615"}) {
    std::string body = kAccount;
    body.replace(body.find("57"), 2, count);
    Fixture f({Answer(200, body)});
    auto a = f.adapter.GetAccount("gh_1a2b");
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->post_count, -1) << count;
  }
  std::string body = kAccount;
  body.replace(body.find("57"), 2, "5.7e1");
  Fixture f({Answer(200, body)});
  EXPECT_EQ(f.adapter.GetAccount("gh_1a2b")->post_count, 57);
}

TEST(HttpPlatformAdapterTest, RetriesTransientFailuresWithBackoff) {
  Fixture f({Answer(503, "{}"), Failure(common::v1::FETCH_ERROR_RESET), Answer(200, kAccount)});
  auto a = f.adapter.GetAccount("gh_1a2b");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(f.adapter.requests(), 3);
  EXPECT_THAT(f.slept, ElementsAre(absl::Milliseconds(200), absl::Milliseconds(400)));
}

TEST(HttpPlatformAdapterTest, GivesUpAfterTheAttempts) {
  Fixture f({Failure(common::v1::FETCH_ERROR_TIMEOUT)});
  EXPECT_THAT(f.adapter.GetAccount("gh_1"), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(f.adapter.requests(), 3);
  Fixture g({Answer(503, "<html>busy</html>")});
  EXPECT_THAT(g.adapter.GetAccount("gh_1"), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("503")));
}

TEST(HttpPlatformAdapterTest, MalformedAnswersAreNotRetried) {
  Fixture f({Answer(200, R"({"id": "gh_1", "status": "act)")});
  EXPECT_THAT(f.adapter.GetAccount("gh_1"), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed")));
  EXPECT_EQ(f.adapter.requests(), 1);
  Fixture g({Answer(200, R"({"posts": "none"})")});
  EXPECT_THAT(g.adapter.ListPosts("gh_1", "", 20), StatusIs(absl::StatusCode::kDataLoss));
  Fixture h({Answer(200, R"({"id": "gh_1", "status": "active"})")});  // no interaction
  EXPECT_THAT(h.adapter.GetAccount("gh_1"), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(HttpPlatformAdapterTest, NotFoundAndBadRequest) {
  Fixture f({Answer(404, R"({"error": {"code": 404, "status": "NOT_FOUND", "message": "account gh_x not found"}})")});
  EXPECT_THAT(f.adapter.GetAccount("gh_x"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("gh_x not found")));
  Fixture g({Answer(400, R"({"error": {"code": 400, "message": "invalid page_token"}})")});
  EXPECT_THAT(g.adapter.ListPosts("gh_x", "zz", 20), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(g.adapter.requests(), 1);
}

TEST(HttpPlatformAdapterTest, PagingAndSearchUrls) {
  Fixture f({Answer(200, R"({"posts": [{"id": "1", "time": "2020-06-28T10:30:00+08:00", "url": "u", "title": "t", "text": "x"}], "next_page_token": "20"})")});
  auto page = f.adapter.ListPosts("gh_1", "", 20);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->next_page_token, "20");
  (void)f.adapter.ListPosts("gh_1", "20", 20);
  (void)f.adapter.SearchAccounts("黄圃 镇", "", 100);
  EXPECT_THAT(f.getter.urls,
              ElementsAre("http://api.wechat.sim/v1/accounts/gh_1/posts?page_size=20",
                          "http://api.wechat.sim/v1/accounts/gh_1/posts?page_size=20&page_token=20",
                          "http://api.wechat.sim/v1/accounts?q=%E9%BB%84%E5%9C%83%20%E9%95%87&page_size=100"));
}

TEST(RateLimiterTest, PacesCallsWithABurst) {
  absl::Time now = absl::FromUnixSeconds(1000);
  absl::Duration slept;
  RateLimiter limiter(10, 3, [&] { return now; }, [&](absl::Duration d) {
    slept += d;
    now += d;
  });
  // After a quiet spell, a burst of 3 goes at once, then one every 100 ms.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire(), absl::ZeroDuration());
  EXPECT_EQ(limiter.Acquire(), absl::Milliseconds(100));
  EXPECT_EQ(limiter.Acquire(), absl::Milliseconds(100));
  now += absl::Seconds(10);
  EXPECT_EQ(limiter.Acquire(), absl::ZeroDuration());
  RateLimiter unlimited(0);
  EXPECT_EQ(unlimited.Acquire(), absl::ZeroDuration());
}

}  // namespace
}  // namespace govinspect::newmedia
