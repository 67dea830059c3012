// HTTPS through the fetch engine against `openssl s_server` on loopback, with a certificate made
// for the test: verified against --ca_file, refused without it (the system's bundle does not
// know it) or for another host name, accepted with verification off.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
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

}  // namespace
}  // namespace govinspect::common
