// The fetch engine against a small HTTP server on loopback (one thread per connection).
#include "common/http/fetch_engine.h"

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/loopback_http_server.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::LoopbackHttpServer;

std::string Ok(const std::string& body, const std::string& extra = "") {
  return ::govinspect::testing::HttpResponse(200, body, "text/html; charset=utf-8", extra);
}
std::string Status(int code, const std::string& extra = "") {
  return absl::StrCat("HTTP/1.1 ", code, " X\r\nContent-Length: 0\r\nConnection: close\r\n", extra, "\r\n");
}

FetchEngineOptions Opts() {
  FetchEngineOptions o;
  o.fetch.allow_networks = {"127.0.0.1"};
  o.fetch.timeout = absl::Seconds(5);
  o.fetch.retry_backoff = absl::Milliseconds(20);
  return o;
}

FetchResult FetchOne(FetchEngine& e, FetchRequest req) {
  FetchResult out;
  e.Submit(std::move(req), [&](FetchResult r) { out = std::move(r); });
  e.Run(absl::Now() + absl::Seconds(30));
  return out;
}

TEST(FetchEngineTest, ManyInFlightAndTaxonomy) {
  std::atomic<int> flaky{0};
  LoopbackHttpServer s([&](const std::string& path, const std::string&) -> std::string {
    if (path == "/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return Ok("late");
    }
    if (path == "/404") return Status(404);
    if (path == "/loop/0") return Status(302, "Location: /loop/1\r\n");
    if (path == "/loop/1") return Status(302, "Location: /loop/0\r\n");
    if (absl::StartsWith(path, "/chain/")) {
      int n = std::stoi(path.substr(7));
      return Status(301, absl::StrCat("Location: /chain/", n + 1, "\r\n"));
    }
    if (path == "/big") return Ok(std::string(200000, 'x'));
    if (path == "/reset") return "RESET";
    if (path == "/flaky") return flaky++ < 2 ? Status(503, "Retry-After: 0\r\n") : Ok("ok");
    if (path == "/waf") return Ok("<html><title>安全验证</title>请完成滑动验证 captcha</html>");
    if (path == "/meta") return Status(302, "Location: http://169.254.169.254/latest/meta-data/\r\n");
    if (path == "/private") return Status(302, "Location: http://10.1.2.3/\r\n");
    return Ok(absl::StrCat("<html>", path, "</html>"));
  });
  FetchEngineOptions o = Opts();
  o.fetch.max_body_bytes = 100000;
  o.fetch.max_attempts = 3;
  o.fetch.timeout = absl::Milliseconds(700);
  FetchEngine e(o);
  std::map<std::string, FetchResult> got;
  // Every path but /slow in one run: the test server answers one request at a time, so a slow
  // answer in the same run would starve the others into timeouts on a loaded machine.
  for (const char* p : {"/a", "/b", "/404", "/loop/0", "/chain/0", "/big", "/reset", "/flaky",
                        "/waf", "/meta", "/private"}) {
    FetchRequest r;
    r.url = s.base() + p;
    e.Submit(r, [&got, p](FetchResult res) { got[p] = std::move(res); });
  }
  e.Run(absl::Now() + absl::Seconds(30));
  FetchRequest slow;
  slow.url = s.base() + "/slow";
  got["/slow"] = FetchOne(e, slow);
  ASSERT_EQ(got.size(), 12u);
  EXPECT_EQ(got["/a"].error, v1::FETCH_ERROR_NONE);
  EXPECT_EQ(got["/a"].body, "<html>/a</html>");
  EXPECT_EQ(got["/404"].error, v1::FETCH_ERROR_HTTP_STATUS);
  EXPECT_EQ(FetchReason(got["/404"]), "http_404");
  EXPECT_EQ(got["/404"].attempts, 1);  // permanent: not retried
  EXPECT_EQ(got["/loop/0"].error, v1::FETCH_ERROR_REDIRECT_LOOP);
  EXPECT_EQ(got["/chain/0"].error, v1::FETCH_ERROR_TOO_MANY_REDIRECTS);
  EXPECT_EQ(got["/big"].error, v1::FETCH_ERROR_BODY_TOO_LARGE);
  EXPECT_EQ(got["/reset"].error, v1::FETCH_ERROR_RESET);
  EXPECT_EQ(got["/reset"].attempts, 3);
  EXPECT_EQ(got["/flaky"].error, v1::FETCH_ERROR_NONE);
  EXPECT_EQ(got["/flaky"].attempts, 3);
  EXPECT_EQ(got["/waf"].error, v1::FETCH_ERROR_BLOCKED);
  EXPECT_EQ(got["/meta"].error, v1::FETCH_ERROR_FORBIDDEN_ADDRESS);
  EXPECT_EQ(got["/private"].error, v1::FETCH_ERROR_FORBIDDEN_ADDRESS);
  EXPECT_EQ(got["/slow"].error, v1::FETCH_ERROR_TIMEOUT);
}

// `n` zero bytes, gzip-compressed (a few KB for megabytes).
std::string GzipOfZeros(size_t n) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string in(n, '\0'), out(deflateBound(&zs, n), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A gzip bomb (8 MB of zeros in ~8 KB) is cut off at max_body_bytes of decoded bytes, without
// holding the decoded body; a response that lies about its length is an error, not a page.
TEST(FetchEngineTest, GzipBombAndLyingLengthAreStopped) {
  const std::string bomb = GzipOfZeros(8 << 20);
  ASSERT_LT(bomb.size(), 64u << 10);
  LoopbackHttpServer s([&](const std::string& path, const std::string&) -> std::string {
    if (path == "/bomb") {
      return absl::StrCat("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                          "Content-Length: ", bomb.size(), "\r\nConnection: close\r\n\r\n", bomb);
    }
    if (path == "/short") {  // promises 1000 bytes, sends 10 and closes
      return "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n"
             "Connection: close\r\n\r\n<html>cut";
    }
    return Ok("<html>ok</html>");
  });
  FetchEngineOptions o = Opts();
  o.fetch.max_body_bytes = 1 << 20;
  FetchEngine e(o);
  FetchRequest bomb_req;
  bomb_req.url = s.base() + "/bomb";
  FetchResult r = FetchOne(e, bomb_req);
  EXPECT_EQ(r.error, v1::FETCH_ERROR_BODY_TOO_LARGE) << r.error_detail;
  EXPECT_EQ(r.error_detail, "body larger than 1048576 bytes");
  EXPECT_EQ(FetchReason(r), "body_too_large");
  EXPECT_LE(r.body.size(), static_cast<size_t>(o.fetch.max_body_bytes));
  FetchRequest short_req;
  short_req.url = s.base() + "/short";
  r = FetchOne(e, short_req);
  EXPECT_EQ(r.error, v1::FETCH_ERROR_RESET) << "a truncated body was taken for a page";
  EXPECT_EQ(FetchReason(r), "reset");
}

// Nothing listens: refused (transient: retried up to max_attempts).
TEST(FetchEngineTest, ClosedPortIsRefused) {
  FetchEngineOptions o = Opts();
  o.fetch.max_attempts = 2;
  FetchEngine e(o);
  FetchRequest r;
  r.url = "http://127.0.0.1:1/";
  FetchResult res = FetchOne(e, r);
  EXPECT_EQ(res.error, v1::FETCH_ERROR_REFUSED) << res.error_detail;
  EXPECT_EQ(FetchReason(res), "refused");
  EXPECT_EQ(res.attempts, 2);
}

// Work done on other threads comes back through Post: Run waits for every announced Post, runs
// it on its own thread, and what it submits is fetched in the same Run.
TEST(FetchEngineTest, PostsFromOtherThreadsRunOnTheEngineThread) {
  FetchEngineOptions o = Opts();
  o.fetch.max_attempts = 1;
  FetchEngine e(o);
  const std::thread::id engine_thread = std::this_thread::get_id();
  constexpr int kPosts = 8;
  int ran = 0;
  bool on_engine_thread = true;
  FetchResult fetched;
  std::vector<std::thread> workers;
  for (int i = 0; i < kPosts; ++i) {
    e.ExpectPost();
    workers.emplace_back([&, i] {
      absl::SleepFor(absl::Milliseconds(5 * i));
      e.Post([&, i] {
        on_engine_thread = on_engine_thread && std::this_thread::get_id() == engine_thread;
        ++ran;
        if (i == kPosts - 1) {
          FetchRequest r;
          r.url = "http://127.0.0.1:1/";
          e.Submit(r, [&](FetchResult res) { fetched = std::move(res); });
        }
      });
    });
  }
  e.Run(absl::Now() + absl::Seconds(60));
  for (auto& w : workers) w.join();
  EXPECT_EQ(ran, kPosts);
  EXPECT_TRUE(on_engine_thread);
  EXPECT_EQ(e.expected_posts(), 0u);
  EXPECT_EQ(fetched.error, v1::FETCH_ERROR_REFUSED) << fetched.error_detail;
}

// A Post that never comes does not hold Run past its deadline.
TEST(FetchEngineTest, RunStopsAtTheDeadlineWhileAPostIsAwaited) {
  FetchEngine e(Opts());
  e.ExpectPost();
  e.Run(absl::Now() + absl::Milliseconds(200));
  EXPECT_EQ(e.expected_posts(), 1u);
  bool ran = false;
  e.Post([&] { ran = true; });
  e.Run(absl::Now() + absl::Seconds(60));  // the late Post runs in the next Run
  EXPECT_TRUE(ran);
  EXPECT_EQ(e.expected_posts(), 0u);
}

TEST(FetchEngineTest, SsrfGuardWithoutAllowList) {
  LoopbackHttpServer s([](const std::string&, const std::string&) { return Ok("secret"); });
  FetchEngineOptions o;
  o.fetch.timeout = absl::Seconds(2);
  FetchEngine e(o);
  for (std::string url : {s.base() + "/", std::string("http://10.0.0.1/"),
                          std::string("http://169.254.169.254/latest/meta-data/")}) {
    FetchRequest r;
    r.url = url;
    FetchResult res = FetchOne(e, r);
    EXPECT_EQ(res.error, v1::FETCH_ERROR_FORBIDDEN_ADDRESS) << url << " " << res.error_detail;
    EXPECT_TRUE(res.body.empty());
  }
  EXPECT_EQ(s.hits("/"), 0);
  // connect_to names its own address: allowed.
  FetchEngineOptions m;
  m.fetch.connect_to = absl::StrCat("127.0.0.1:", s.port());
  FetchEngine mapped(m);
  FetchRequest r;
  r.url = "http://www.zs.gov.cn/";
  FetchResult res = FetchOne(mapped, r);
  EXPECT_EQ(res.error, v1::FETCH_ERROR_NONE) << res.error_detail;
  EXPECT_EQ(res.body, "secret");
}

TEST(FetchEngineTest, HeadRangeAndPerHostLimit) {
  std::atomic<int> active{0}, peak{0};
  LoopbackHttpServer s([&](const std::string& path, const std::string& req) -> std::string {
    int now = ++active;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --active;
    if (path == "/nohead" && absl::StartsWith(req, "HEAD")) return Status(405);
    if (path == "/nohead" && absl::StrContains(req, "Range: bytes=0-0")) {
      return "HTTP/1.1 206 Partial\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx";
    }
    return Ok("body");
  });
  FetchEngineOptions o = Opts();
  o.per_host_concurrency = 2;
  FetchEngine e(o);
  int done = 0;
  for (int i = 0; i < 10; ++i) {
    FetchRequest r;
    r.url = absl::StrCat(s.base(), "/p", i);
    e.Submit(r, [&](FetchResult res) { done += res.error == v1::FETCH_ERROR_NONE; });
  }
  e.Run(absl::Now() + absl::Seconds(30));
  EXPECT_EQ(done, 10);
  EXPECT_LE(peak.load(), 2);
  FetchRequest head;
  head.url = s.base() + "/nohead";
  head.method = FetchMethod::kHead;
  EXPECT_EQ(FetchOne(e, head).http_status, 405);
  FetchRequest range;
  range.url = s.base() + "/nohead";
  range.range = true;
  FetchResult rr = FetchOne(e, range);
  EXPECT_EQ(rr.error, v1::FETCH_ERROR_NONE);
  EXPECT_EQ(rr.http_status, 206);
  // The blocking wrapper.
  FetchOptions fo;
  fo.allow_networks = {"127.0.0.1"};
  FetchResult one = Fetch(s.base() + "/x", fo);
  EXPECT_EQ(one.error, v1::FETCH_ERROR_NONE);
  EXPECT_EQ(one.body, "body");
}

}  // namespace
}  // namespace govinspect::common
