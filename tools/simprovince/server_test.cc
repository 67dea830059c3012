// Integration tests: the server on 127.0.0.1:0 in this process (and the binary for SIGTERM).
#include "tools/simprovince/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/generate.h"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {
namespace {

using nlohmann::json;

struct Reply {
  int status = 0;  // 0 = no HTTP response (reset / closed)
  std::map<std::string, std::string> headers;
  std::string body;
  double seconds = 0;
};

// A minimal blocking HTTP/1.1 client (Connection: close), bounded by a receive timeout.
Reply Fetch(int port, const std::string& host, const std::string& path, int timeout_s = 10, const std::string& form = "") {
  Reply r;
  auto t0 = std::chrono::steady_clock::now();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return r;
  }
  std::string req = form.empty()
                        ? absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: ", host, "\r\nConnection: close\r\n\r\n")
                        : absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: ", host,
                                       "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ", form.size(),
                                       "\r\nConnection: close\r\n\r\n", form);
  send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string raw;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  close(fd);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || !absl::StartsWith(raw, "HTTP/1.1 ")) return r;
  absl::SimpleAtoi(raw.substr(9, 3), &r.status);
  std::vector<std::string> lines = absl::StrSplit(raw.substr(0, end), "\r\n");
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t c = lines[i].find(':');
    if (c != std::string::npos) r.headers[absl::AsciiStrToLower(lines[i].substr(0, c))] = std::string(absl::StripAsciiWhitespace(lines[i].substr(c + 1)));
  }
  r.body = raw.substr(end + 4);
  return r;
}

json Json(const Reply& r) { return json::parse(r.body, nullptr, false); }

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GenerateOptions o;
    o.seed = 5;
    o.as_of = *ParseIsoDate("2020-06-30");
    o.profile = Profile::kTiny;
    province_ = new Province(*GenerateProvince(o));
    ServerOptions so;
    so.threads = 2;
    so.hang_ms = 400;
    for (const char* f : {"slow.sim:latency_ms=300", "flaky.sim:fail=0.1", "reset.sim:fail=1,fail_mode=reset",
                          "hang.sim:fail=1,fail_mode=timeout", "www.zs.gov.cn:redirect_loop,url_trap",
                          "wjj.zs.gov.cn:malformed,lying_charset", "tjj.zs.gov.cn:oversize_mb=3",
                          "www.zssw.gov.cn:gzip_bomb=8"}) {
      so.faults.push_back(*ParseFault(f));
    }
    server_ = new Server(*province_, so);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }
  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    delete province_;
  }
  Reply Get(const std::string& host, const std::string& path, int timeout_s = 10) { return Fetch(port_, host, path, timeout_s); }

  static Province* province_;
  static Server* server_;
  static int port_;
};
Province* ServerTest::province_ = nullptr;
Server* ServerTest::server_ = nullptr;
int ServerTest::port_ = 0;

TEST_F(ServerTest, HanwebDataProxyAnswersPostsAndGets) {
  // The portal of the tiny profile is a Hanweb site: its columns page through the jpage proxy.
  const Site& s = province_->sites[0];
  ASSERT_EQ(s.style, CmsStyle::kHanweb);
  const Column& news = s.columns[0];
  ASSERT_GT(news.items.size(), 16u);
  const std::string path = absl::StrCat(kHanwebDataproxyPath, "?startrecord=16&endrecord=30&perpage=15");
  const std::string form = absl::StrCat("col=1&appid=1&webid=1&path=%2F&columnid=", news.column_id,
                                        "&sourceContentType=1&unitid=4321&webname=x&permissiontype=0");
  Reply post = Fetch(port_, s.host, path, 10, form);
  EXPECT_EQ(post.status, 200);
  EXPECT_EQ(post.headers["content-type"], "text/xml; charset=utf-8");
  EXPECT_TRUE(absl::StrContains(post.body, absl::StrCat("<totalrecord>", news.items.size(), "</totalrecord>")));
  EXPECT_TRUE(absl::StrContains(post.body, "\"" + ArticlePath(s, 0, 15) + "\""));
  EXPECT_FALSE(absl::StrContains(post.body, "\"" + ArticlePath(s, 0, 14) + "\""));
  // A GET with the fields in the query answers the same; another column answers other records.
  Reply get = Get(s.host, absl::StrCat(path, "&", form));
  EXPECT_EQ(get.body, post.body);
  Reply other = Fetch(port_, s.host, path, 10, absl::StrCat("columnid=", s.columns[1].column_id));
  EXPECT_EQ(other.status, 200);
  EXPECT_NE(other.body, post.body);
}

TEST_F(ServerTest, RoutesByHostHeader) {
  Reply r = Get("tjj.zs.gov.cn", "/index.html");
  // tjj has the oversize fault; its page still starts like a page.
  EXPECT_EQ(r.status, 200);
  Reply portal = Get("www.zs.gov.cn", "/");
  EXPECT_EQ(portal.status, 200);
  EXPECT_TRUE(absl::StrContains(portal.body, "中山市人民政府门户网站"));
  EXPECT_EQ(Get("www.zs.gov.cn:8080", "/").status, 200);  // port in Host is ignored
  EXPECT_EQ(Get("nowhere.example", "/").status, 404);
  EXPECT_EQ(Get("www.gov.cn", "/").status, 200);  // external stub
  EXPECT_EQ(Get("www.zs.gov.cn", "/no/such.html").status, 404);
}

TEST_F(ServerTest, PlatformApiAnswersPerItsDocs) {
  json all = Json(Get("api.wechat.sim", "/v1/accounts?page_size=2"));
  ASSERT_TRUE(all.is_object());
  ASSERT_EQ(all["accounts"].size(), 2u);
  EXPECT_EQ(all["next_page_token"], "2");
  json page2 = Json(Get("api.wechat.sim", "/v1/accounts?page_size=2&page_token=2"));
  EXPECT_NE(page2["accounts"][0]["id"], all["accounts"][0]["id"]);
  // Search by unit name (URL-encoded 黄圃).
  json found = Json(Get("api.wechat.sim", "/v1/accounts?q=%E9%BB%84%E5%9C%83"));
  ASSERT_GE(found["accounts"].size(), 1u);
  EXPECT_TRUE(absl::StrContains(found["accounts"][0]["verified_entity"].get<std::string>(), "黄圃"));
  const Account* active = nullptr;
  const Account* deleted = nullptr;
  for (const Account& a : province_->accounts) {
    if (a.status == AccountStatus::kActive && !active && a.platform == Platform::kWechat) active = &a;
    if (a.status == AccountStatus::kDeleted) deleted = &a;
  }
  ASSERT_NE(active, nullptr);
  json acc = Json(Get("api.wechat.sim", "/v1/accounts/" + active->platform_id));
  EXPECT_EQ(acc["status"], "active");
  EXPECT_TRUE(acc["interaction"].contains("comments"));
  json posts = Json(Get("api.wechat.sim", "/v1/accounts/" + active->platform_id + "/posts?page_size=5"));
  ASSERT_EQ(posts["posts"].size(), 5u);
  EXPECT_GE(posts["posts"][0]["time"].get<std::string>(), posts["posts"][1]["time"].get<std::string>());
  EXPECT_EQ(posts["posts"][0]["url"].get<std::string>().rfind("http://api.wechat.sim/v1/accounts/", 0), 0u);
  std::string post_path = posts["posts"][0]["url"].get<std::string>().substr(std::string("http://api.wechat.sim").size());
  EXPECT_EQ(Json(Get("api.wechat.sim", post_path))["id"], posts["posts"][0]["id"]);
  ASSERT_NE(deleted, nullptr);
  Reply gone = Get(PlatformHost(deleted->platform), "/v1/accounts/" + deleted->platform_id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(Json(gone)["error"]["status"], "NOT_FOUND");
  EXPECT_EQ(Get("api.wechat.sim", "/v1/accounts?page_size=0").status, 400);
}

TEST_F(ServerTest, CkanActionApiWithEnvelope) {
  const std::string host = province_->portal.host;
  json orgs = Json(Get(host, "/api/3/action/organization_list"));
  ASSERT_EQ(orgs["success"], true);
  ASSERT_GE(orgs["result"].size(), 1u);
  EXPECT_TRUE(absl::StrContains(orgs["help"].get<std::string>(), "help_show?name=organization_list"));
  const std::string org = orgs["result"][0];
  json show = Json(Get(host, "/api/3/action/organization_show?id=" + org));
  EXPECT_EQ(show["result"]["name"], org);
  json search = Json(Get(host, "/api/3/action/package_search?fq=organization:" + org + "&rows=1&start=0"));
  ASSERT_EQ(search["success"], true);
  EXPECT_EQ(search["result"]["count"], show["result"]["package_count"]);
  ASSERT_EQ(search["result"]["results"].size(), 1u);
  const json pkg = search["result"]["results"][0];
  json pkg2 = Json(Get(host, "/api/3/action/package_show?id=" + pkg["name"].get<std::string>()));
  EXPECT_EQ(pkg2["result"]["id"], pkg["id"]);
  const std::string rid = pkg["resources"][0]["id"];
  json ds = Json(Get(host, "/api/3/action/datastore_search?resource_id=" + rid + "&limit=0"));
  EXPECT_EQ(ds["success"], true);
  EXPECT_TRUE(ds["result"]["total"].is_number());
  EXPECT_EQ(ds["result"]["records"].size(), 0u);
  Reply missing = Get(host, "/api/3/action/package_show?id=nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Json(missing)["success"], false);
  EXPECT_EQ(Json(missing)["error"]["__type"], "Not Found Error");
  EXPECT_EQ(Get(host, "/api/3/action/no_such_action").status, 400);
  // A broken resource download 404s, a good one does not.
  for (const Dataset& d : province_->portal.datasets) {
    for (const Resource& r : d.resources) {
      std::string path = absl::StrCat("/dataset/", d.name, "/resource/", r.id, "/download/", d.name,
                                      r.format == "CSV" ? ".csv" : r.format == "XLSX" ? ".xlsx" : ".json");
      EXPECT_EQ(Get(host, path).status, r.broken ? 404 : 200) << path;
    }
  }
}

TEST_F(ServerTest, LatencyFault) {
  Reply r = Get("slow.sim", "/");
  EXPECT_EQ(r.status, 404);  // unknown host, but delayed
  EXPECT_GE(r.seconds, 0.29);
}

TEST_F(ServerTest, FailureRatioIsWithinOneOverN) {
  const int n = 50;
  int failures = 0;
  for (int i = 0; i < n; ++i) failures += Get("flaky.sim", "/").status == 503 ? 1 : 0;
  EXPECT_LE(std::abs(failures / static_cast<double>(n) - 0.1), 1.0 / n);
  // Planted home-page failures of the tiny profile's unreachable site (20 %, 503).
  const Site* down = nullptr;
  for (const Site& s : province_->sites) {
    if (s.fail_ppm == 200000) down = &s;
  }
  ASSERT_NE(down, nullptr);
  failures = 0;
  for (int i = 0; i < 40; ++i) failures += Get(down->host, "/").status == 503 ? 1 : 0;
  EXPECT_LE(std::abs(failures / 40.0 - 0.2), 1.0 / 40);
  // Inner pages of that site do not fail.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get(down->host, ListPath(*down, 0, 0)).status, 200);
}

TEST_F(ServerTest, ResetAndTimeoutFailures) {
  Reply reset = Get("reset.sim", "/");
  EXPECT_EQ(reset.status, 0);
  Reply hang = Get("hang.sim", "/");
  EXPECT_EQ(hang.status, 503);
  EXPECT_GE(hang.seconds, 0.39);
}

TEST_F(ServerTest, RedirectLoopAndUrlTrap) {
  Reply home = Get("www.zs.gov.cn", "/");
  EXPECT_TRUE(absl::StrContains(home.body, "href=\"/__loop/0\""));
  EXPECT_TRUE(absl::StrContains(home.body, "href=\"/__calendar/2020-06\""));
  Reply a = Get("www.zs.gov.cn", "/__loop/0");
  EXPECT_EQ(a.status, 302);
  EXPECT_EQ(a.headers["location"], "/__loop/1");
  EXPECT_EQ(Get("www.zs.gov.cn", "/__loop/1").headers["location"], "/__loop/0");
  Reply cal = Get("www.zs.gov.cn", "/__calendar/2020-12");
  EXPECT_TRUE(absl::StrContains(cal.body, "/__calendar/2021-01"));
  EXPECT_TRUE(absl::StrContains(cal.body, "/__calendar/2020-11"));
}

TEST_F(ServerTest, MalformedLyingOversizeAndGzipBomb) {
  const Site& wjj = province_->sites[province_->site_by_host.at("wjj.zs.gov.cn")];
  Reply m = Get("wjj.zs.gov.cn", wjj.home_kind == HomeKind::kDirect ? "/" : wjj.real_home_path);  // the real home page
  EXPECT_EQ(m.status, 200);
  EXPECT_FALSE(absl::StrContains(m.body, "</html>"));
  EXPECT_EQ(m.headers["content-type"], "text/html; charset=GBK");  // wjj is UTF-8
  EXPECT_TRUE(absl::StrContains(m.body, "首页"));
  Reply big = Get("tjj.zs.gov.cn", "/");
  EXPECT_EQ(big.body.size(), 3u << 20);
  EXPECT_TRUE(absl::EndsWith(big.body, "-->"));
  Reply bomb = Get("www.zssw.gov.cn", "/");
  EXPECT_EQ(bomb.headers["content-encoding"], "gzip");
  EXPECT_LT(bomb.body.size(), 64u * 1024);
  z_stream zs{};
  inflateInit2(&zs, 31);
  zs.next_in = reinterpret_cast<Bytef*>(bomb.body.data());
  zs.avail_in = static_cast<uInt>(bomb.body.size());
  std::string out(1 << 20, '\0');
  size_t total = 0;
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    total += out.size() - zs.avail_out;
  } while (rc == Z_OK);
  inflateEnd(&zs);
  EXPECT_EQ(total, 8u << 20);
}

TEST(ParseFaultTest, RejectsBadSpecs) {
  EXPECT_FALSE(ParseFault("nohost").ok());
  EXPECT_FALSE(ParseFault("h:fail=2").ok());
  EXPECT_FALSE(ParseFault("h:fail_mode=explode").ok());
  EXPECT_FALSE(ParseFault("h:whatever").ok());
  absl::StatusOr<FaultSpec> f = ParseFault("*:latency_ms=5,fail=0.05,fail_mode=reset");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->host, "*");
  EXPECT_EQ(f->latency_ms, 5);
  EXPECT_EQ(f->fail_mode, FailureKind::kReset);
}

TEST(ServeBinaryTest, PrintsAddressAndExitsZeroOnSigterm) {
  std::string dir = ::testing::TempDir() + "simprov_bin";
  GenerateOptions o;
  o.seed = 3;
  o.as_of = *ParseIsoDate("2020-06-30");
  o.profile = Profile::kTiny;
  ASSERT_TRUE(WriteProvince(*GenerateProvince(o), dir).ok());
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(SIMPROVINCE_BINARY, "simprovince", "serve", dir.c_str(), "--listen", "127.0.0.1:0", nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[256] = {0};
  ASSERT_NE(fgets(line, sizeof line, f), nullptr);
  std::string l = line;
  ASSERT_TRUE(absl::StartsWith(l, "listening on 127.0.0.1:")) << l;
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(l.substr(23)), &port));
  EXPECT_EQ(Fetch(port, "www.zs.gov.cn", "/").status, 200);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  fclose(f);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace govinspect::simprovince
