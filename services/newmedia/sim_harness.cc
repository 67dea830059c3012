#include "services/newmedia/sim_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/csv/csv_reader.h"
#include "services/newmedia/platform_adapter.h"

namespace govinspect::newmedia::sim {
namespace {

std::vector<char*> Argv(const std::string& binary, std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Rows of a CSV file as header → value maps.
absl::StatusOr<std::vector<std::map<std::string, std::string>>> Table(const std::string& path) {
  auto content = ReadFile(path);
  if (!content.ok()) return content.status();
  auto rows = common::ParseCsv(*content, path);
  if (!rows.ok()) return rows.status();
  std::vector<std::map<std::string, std::string>> out;
  if (rows->empty()) return out;
  const auto& header = (*rows)[0].fields;
  for (size_t i = 1; i < rows->size(); ++i) {
    std::map<std::string, std::string> m;
    for (size_t c = 0; c < header.size() && c < (*rows)[i].fields.size(); ++c) {
      m[header[c]] = (*rows)[i].fields[c];
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::pair<int, std::string>> Run(const std::string& binary,
                                                const std::vector<std::string>& args) {
  int out[2];
  if (pipe(out) != 0) return absl::InternalError("pipe");
  std::vector<std::string> a = args;
  std::vector<char*> argv = Argv(binary, a);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string output;
  char buf[65536];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) output.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, output);
}

absl::StatusOr<std::unique_ptr<SimServer>> SimServer::Start(const std::string& binary,
                                                            const std::string& dir,
                                                            const std::vector<std::string>& extra) {
  int out[2];
  if (pipe(out) != 0) return absl::InternalError("pipe");
  std::vector<std::string> args = {"serve", dir, "--listen", "127.0.0.1:0", "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv = Argv(binary, args);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  auto server = std::unique_ptr<SimServer>(new SimServer);
  server->pid_ = pid;
  FILE* f = fdopen(out[0], "r");
  char line[256] = {0};
  // Bounded: the child either prints its address or exits (EOF).
  const bool got = fgets(line, sizeof line, f) != nullptr;
  fclose(f);
  std::string l = got ? std::string(absl::StripAsciiWhitespace(line)) : "";
  if (!absl::StartsWith(l, "listening on ")) {
    return absl::InternalError(absl::StrCat("simprovince serve did not start: \"", l, "\""));
  }
  server->address_ = l.substr(13);
  return server;
}

SimServer::~SimServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

absl::StatusOr<common::v1::Registry> RegistryFromBundle(const std::string& dir) {
  auto units = Table(dir + "/units.csv");
  if (!units.ok()) return units.status();
  auto accounts = Table(dir + "/accounts.csv");
  if (!accounts.ok()) return accounts.status();
  common::v1::Registry reg;
  for (auto& u : *units) {
    common::v1::Unit* unit = reg.add_units();
    unit->set_name("units/" + u["unit_id"]);
    unit->set_display_name(u["name"]);
    unit->set_short_name(u["short_name"]);
  }
  for (auto& a : *accounts) {
    common::v1::Account* acc = reg.add_accounts();
    acc->set_name("accounts/" + a["account_id"]);
    acc->set_unit("units/" + a["unit_id"]);
    acc->set_platform(ParsePlatformId(a["platform"]));
    acc->set_platform_account_id(a["platform_account_id"]);
    acc->set_display_name(a["name"]);
    acc->set_opened_date(a["opened_date"]);
    acc->set_filed_date(a["filed_date"]);
    acc->set_closed_date(a["closed_date"]);
  }
  return reg;
}

absl::StatusOr<std::vector<common::v1::TaskPayload>> AccountTasks(const std::string& dir,
                                                                  const std::string& as_of) {
  auto reg = RegistryFromBundle(dir);
  if (!reg.ok()) return reg.status();
  std::map<std::string, const common::v1::Unit*> unit_by_name;
  for (const auto& u : reg->units()) unit_by_name[u.name()] = &u;
  std::map<std::string, std::vector<const common::v1::Account*>> by_unit;
  for (const auto& a : reg->accounts()) by_unit[a.unit()].push_back(&a);
  std::vector<common::v1::TaskPayload> out;
  for (const auto& a : reg->accounts()) {
    common::v1::TaskPayload p;
    p.set_round("rounds/harness");
    p.set_as_of(as_of);
    *p.mutable_account() = a;
    if (auto it = unit_by_name.find(a.unit()); it != unit_by_name.end()) *p.add_units() = *it->second;
    for (const auto* other : by_unit[a.unit()]) *p.add_unit_accounts() = *other;
    out.push_back(std::move(p));
  }
  return out;
}

nlohmann::json ExportJson(const std::string& round, const std::string& as_of,
                          const std::vector<common::v1::Observation>& observations) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& o : observations) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : o.findings()) {
      findings.push_back({{"kind", f.kind()}, {"indicator", f.indicator()}, {"url", f.url()},
                          {"source_url", f.source_url()}, {"text", f.text()},
                          {"excerpt", f.excerpt()}, {"date", f.date()}, {"detail", f.detail()}});
    }
    targets.push_back({{"target", o.target()},
                       {"unit", o.unit()},
                       {"status", o.status() == common::v1::TARGET_STATUS_ASSESSED ? "ASSESSED"
                                                                                   : "NOT_ASSESSED"},
                       {"not_assessed_reason", o.not_assessed_reason()},
                       {"findings", findings}});
  }
  return {{"round", round}, {"as_of", as_of}, {"targets", targets}};
}

nlohmann::json AccountTruth(const nlohmann::json& truth) {
  nlohmann::json out = truth;
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& t : truth["targets"]) {
    const std::string type = t.value("type", "");
    if (type == "account") {
      targets.push_back(t);
    } else if (type == "unit") {
      nlohmann::json u = t;
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& f : t["findings"]) {
        const std::string kind = f.value("kind", "");
        if (kind == "account_unfiled" || kind == "account_duplicate_platform") findings.push_back(f);
      }
      u["findings"] = findings;
      targets.push_back(u);
    }
  }
  out["targets"] = targets;
  return out;
}

}  // namespace govinspect::newmedia::sim
