#ifndef GOVINSPECT_SERVICES_CRAWLER_SIM_HARNESS_H_
#define GOVINSPECT_SERVICES_CRAWLER_SIM_HARNESS_H_

// Test harness shared by the crawler's simulator tests: run a command, start
// `simprovince serve` on 127.0.0.1:0 (SIMPROVINCE_BINARY, a compile definition of the test),
// read a generated province's sites.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "common/csv/csv_reader.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::crawler::sim_harness {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a command to completion; returns its stdout.
inline std::string RunCommand(const std::vector<std::string>& argv, int* status) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  waitpid(pid, status, 0);
  return out;
}

// `simprovince serve` on 127.0.0.1:0 until destroyed.
class Sim {
 public:
  Sim(const std::string& dir, const std::vector<std::string>& extra) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      std::vector<std::string> argv = {SIMPROVINCE_BINARY, "serve", dir, "--listen", "127.0.0.1:0"};
      argv.insert(argv.end(), extra.begin(), extra.end());
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    FILE* f = fdopen(fds[0], "r");
    char line[256];
    // Bounded: the server prints its address at once or exits (EOF).
    while (fgets(line, sizeof line, f) != nullptr) {
      std::string l = line;
      if (size_t p = l.find("listening on "); p != std::string::npos) {
        address_ = l.substr(p + 13);
        while (!address_.empty() && (address_.back() == '\n' || address_.back() == '\r')) address_.pop_back();
        break;
      }
    }
    out_ = f;
  }
  ~Sim() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st;
      waitpid(pid_, &st, 0);
    }
    if (out_ != nullptr) fclose(out_);
  }
  const std::string& address() const { return address_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string address_;
};

inline std::vector<common::v1::Site> ReadSites(const std::string& dir) {
  auto rows = common::ParseCsv(ReadFile(dir + "/sites.csv"), "sites.csv");
  EXPECT_TRUE(rows.ok());
  std::vector<common::v1::Site> out;
  std::map<std::string, int> col;
  for (size_t i = 0; i < (*rows)[0].fields.size(); ++i) col[(*rows)[0].fields[i]] = static_cast<int>(i);
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& f = (*rows)[r].fields;
    common::v1::Site s;
    s.set_name("sites/" + f[col["site_id"]]);
    s.set_unit("units/" + f[col["unit_id"]]);
    s.set_home_url(f[col["home_url"]]);
    for (absl::string_view h : absl::StrSplit(f[col["extra_hosts"]], ';', absl::SkipEmpty())) {
      s.add_extra_hosts(std::string(h));
    }
    out.push_back(s);
  }
  return out;
}

// The units of a generated province by resource name (units/{id}), with public_service.
inline std::map<std::string, common::v1::Unit> ReadUnits(const std::string& dir) {
  auto rows = common::ParseCsv(ReadFile(dir + "/units.csv"), "units.csv");
  EXPECT_TRUE(rows.ok());
  std::map<std::string, common::v1::Unit> out;
  std::map<std::string, int> col;
  for (size_t i = 0; i < (*rows)[0].fields.size(); ++i) col[(*rows)[0].fields[i]] = static_cast<int>(i);
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& f = (*rows)[r].fields;
    common::v1::Unit u;
    u.set_name("units/" + f[col["unit_id"]]);
    u.set_display_name(f[col["name"]]);
    u.set_public_service(!col.count("public_service") || f[col["public_service"]] != "false");
    out[u.name()] = u;
  }
  return out;
}

}  // namespace govinspect::crawler::sim_harness

#endif  // GOVINSPECT_SERVICES_CRAWLER_SIM_HARNESS_H_
