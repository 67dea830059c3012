// HTTPS through the fetch engine against `openssl s_server` on loopback, with a certificate made
// for the test: verified against --ca_file, refused without it (the system's bundle does not
// know it) or for another host name, accepted with verification off. Then HTTP/2 against
// nginx (TLS + h2): many fetches to one host share a connection.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "common/http/fetch_engine.h"
#include "common/http/fetcher.h"

extern char** environ;

namespace govinspect::common {
namespace {

// `openssl s_server -www` on 127.0.0.1 (a free port) with a fresh self-signed certificate for
// www.test.gov.cn.
class TlsServer {
 public:
  TlsServer() {
    char tmpl[] = "/tmp/gi-tls-XXXXXX";
    dir_ = mkdtemp(tmpl);
    const std::string req = absl::StrCat(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=www.test.gov.cn "
        "-addext subjectAltName=DNS:www.test.gov.cn -keyout ", dir_, "/key.pem -out ", dir_,
        "/cert.pem >", dir_, "/req.log 2>&1");
    if (std::system(req.c_str()) != 0) return;
    const std::string out = dir_ + "/server.out", cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    const char* argv[] = {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert.c_str(),
                          "-key", key.c_str(), "-www", nullptr};
    if (posix_spawnp(&pid_, "openssl", &fa, nullptr, const_cast<char* const*>(argv), environ) != 0) {
      pid_ = 0;
    }
    posix_spawn_file_actions_destroy(&fa);
    // "ACCEPT 127.0.0.1:<port>" once it listens.
    for (int i = 0; pid_ > 0 && port_ == 0 && i < 200; ++i) {
      std::ifstream in(out);
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("ACCEPT 127.0.0.1:", 0) == 0) {
          (void)absl::SimpleAtoi(line.substr(line.rfind(':') + 1), &port_);
        }
      }
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~TlsServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }
  int port() const { return port_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string dir() const { return dir_; }

 private:
  std::string dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

FetchOptions Opts(const TlsServer& s) {
  FetchOptions o;
  o.connect_to = absl::StrCat("127.0.0.1:", s.port());
  o.allow_networks = {"127.0.0.1"};
  o.timeout = absl::Seconds(10);
  o.max_attempts = 1;
  return o;
}

TEST(TlsFetchTest, CertificatesAreVerifiedAgainstTheConfiguredAuthorities) {
  TlsServer server;
  ASSERT_GT(server.port(), 0) << "openssl s_server did not start (see " << server.dir() << ")";

  FetchOptions o = Opts(server);
  o.ca_file = server.cert();
  FetchResult ok = Fetch("https://www.test.gov.cn/", o);
  EXPECT_EQ(ok.error, v1::FETCH_ERROR_NONE) << ok.error_detail;
  EXPECT_EQ(ok.http_status, 200);

  // Another name than the certificate's: refused even though the authority is trusted.
  FetchResult other = Fetch("https://www.other.gov.cn/", o);
  EXPECT_EQ(other.error, v1::FETCH_ERROR_TLS) << other.error_detail;
  EXPECT_EQ(FetchReason(other), "tls");

  // The system's bundle does not know the test's authority.
  o.ca_file.clear();
  FetchResult unknown = Fetch("https://www.test.gov.cn/", o);
  EXPECT_EQ(unknown.error, v1::FETCH_ERROR_TLS) << unknown.error_detail;

  // Verification off (--verify_tls=false): fetched.
  o.verify_tls = false;
  FetchResult unverified = Fetch("https://www.test.gov.cn/", o);
  EXPECT_EQ(unverified.error, v1::FETCH_ERROR_NONE) << unverified.error_detail;
  EXPECT_EQ(unverified.http_status, 200);
}

TEST(TlsFetchTest, CaFileIsCheckedAtStartup) {
  FetchOptions o;
  EXPECT_TRUE(ValidateCaFile(o).ok());
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(ValidateCaFile(o).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateCaFile(o).message(), "--ca_file \"/nonexistent/ca.pem\": cannot be read");
  char tmpl[] = "/tmp/gi-ca-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "not a certificate\n", 18), 18);
  close(fd);
  o.ca_file = tmpl;
  EXPECT_EQ(ValidateCaFile(o).message(),
            absl::StrCat("--ca_file \"", tmpl, "\": no PEM certificate in it"));
  std::filesystem::remove(tmpl);
  TlsServer server;  // its certificate file is a valid bundle
  o.ca_file = server.cert();
  EXPECT_TRUE(ValidateCaFile(o).ok()) << ValidateCaFile(o);
}

// A free loopback port below the ephemeral range (nginx cannot listen on port 0 and say where).
int FreePort() {
  for (int i = 0; i < 200; ++i) {
    const int port = 10000 + static_cast<int>((absl::GetCurrentTimeNanos() / 1000 + i * 7919) % 20000);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return port;
  }
  return 0;
}

TEST(TlsFetchTest, Http2ToOneHostIsMultiplexed) {
  TlsServer certs;  // only for its certificate and key
  ASSERT_GT(certs.port(), 0);
  const std::string dir = certs.dir();
  std::filesystem::create_directories(dir + "/www");
  for (int i = 0; i < 20; ++i) {
    std::ofstream(absl::StrCat(dir, "/www/p", i, ".html")) << "<html><body>page " << i << "</body></html>";
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all |
                                        std::filesystem::perms::group_read |
                                        std::filesystem::perms::group_exec |
                                        std::filesystem::perms::others_read |
                                        std::filesystem::perms::others_exec);
  const int port = FreePort();
  ASSERT_GT(port, 0);
  std::ofstream(dir + "/nginx.conf") << absl::StrCat(
      "worker_processes 1; daemon off; pid ", dir, "/nginx.pid; error_log ", dir, "/error.log;\n",
      "events { worker_connections 64; }\n",
      "http { access_log off; default_type text/html;\n",
      "  client_body_temp_path ", dir, "; proxy_temp_path ", dir, "; fastcgi_temp_path ", dir,
      "; uwsgi_temp_path ", dir, "; scgi_temp_path ", dir, ";\n",
      "  server { listen 127.0.0.1:", port, " ssl http2; server_name www.test.gov.cn;\n",
      "    ssl_certificate ", dir, "/cert.pem; ssl_certificate_key ", dir, "/key.pem;\n",
      "    root ", dir, "/www; } }\n");
  pid_t pid = 0;
  const std::string conf = dir + "/nginx.conf";
  const char* argv[] = {"nginx", "-c", conf.c_str(), "-e", "stderr", nullptr};
  ASSERT_EQ(posix_spawnp(&pid, "nginx", nullptr, nullptr, const_cast<char* const*>(argv), environ), 0);
  // Listening once a connection is accepted.
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (up) {
    FetchEngineOptions o;
    o.fetch.connect_to = absl::StrCat("127.0.0.1:", port);
    o.fetch.allow_networks = {"127.0.0.1"};
    o.fetch.timeout = absl::Seconds(10);
    o.fetch.ca_file = certs.cert();
    o.per_host_concurrency = 8;
    FetchEngine engine(o);
    std::vector<FetchResult> results;
    for (int i = 0; i < 20; ++i) {
      FetchRequest r;
      r.url = absl::StrCat("https://www.test.gov.cn/p", i, ".html");
      engine.Submit(r, [&](FetchResult res) { results.push_back(std::move(res)); });
    }
    engine.Run(absl::Now() + absl::Seconds(30));
    ASSERT_EQ(results.size(), 20u);
    for (const FetchResult& r : results) {
      EXPECT_EQ(r.error, v1::FETCH_ERROR_NONE) << r.requested_url << ": " << r.error_detail;
      EXPECT_EQ(r.http_version, 20) << r.requested_url;
      EXPECT_TRUE(absl::StrContains(r.body, "page ")) << r.requested_url;
    }
    // Multiplexed: far fewer connections than fetches (PIPEWAIT waits for the first one rather
    // than opening one per fetch).
    int connections = 0;
    for (const FetchResult& r : results) connections += r.new_connections;
    EXPECT_GE(connections, 1);
    EXPECT_LE(connections, 4) << "of 20 fetches";
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_TRUE(up) << "nginx did not start (see " << dir << "/error.log)";
}

}  // namespace
}  // namespace govinspect::common
