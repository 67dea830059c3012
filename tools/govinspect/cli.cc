#include "tools/govinspect/cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/crawler/site_crawler.h"
#include "common/files/file_names.h"
#include "common/grpc/auth.h"
#include "common/status/grpc_status.h"
#include "tools/govinspect/format.h"
#include "tools/govinspect/registry_bundle.h"

namespace govinspect::cli {
namespace {

using ::govinspect::common::v1::Account;
using ::govinspect::common::v1::Observation;
using ::govinspect::common::v1::Portal;
using ::govinspect::common::v1::Site;
using ::govinspect::common::v1::Unit;
using ::govinspect::coordinator::v1::CancelRoundRequest;
using ::govinspect::coordinator::v1::CreateRoundRequest;
using ::govinspect::coordinator::v1::GetRoundRequest;
using ::govinspect::coordinator::v1::ImportRegistryRequest;
using ::govinspect::coordinator::v1::ImportRegistryResponse;
using ::govinspect::coordinator::v1::ListAccountsRequest;
using ::govinspect::coordinator::v1::ListAccountsResponse;
using ::govinspect::coordinator::v1::ListObservationsRequest;
using ::govinspect::coordinator::v1::ListObservationsResponse;
using ::govinspect::coordinator::v1::ListPortalsRequest;
using ::govinspect::coordinator::v1::ListPortalsResponse;
using ::govinspect::coordinator::v1::ListRoundsRequest;
using ::govinspect::coordinator::v1::ListRoundsResponse;
using ::govinspect::coordinator::v1::ListSitesRequest;
using ::govinspect::coordinator::v1::ListSitesResponse;
using ::govinspect::coordinator::v1::ListUnitsRequest;
using ::govinspect::coordinator::v1::ListUnitsResponse;
using ::govinspect::coordinator::v1::Round;
using ::govinspect::coordinator::v1::TaskKind;
using ::govinspect::coordinator::v1::WatchRoundRequest;

constexpr char kUsagePayloadUrl[] = "type.googleapis.com/govinspect.cli.UsageError";
constexpr char kReportedPayloadUrl[] = "type.googleapis.com/govinspect.cli.Reported";
constexpr int kDefaultPortBase = 50051;

// ---------------------------------------------------------------------------------------------
// Command-line tables.

struct FlagSpec {
  const char* name;
  char short_name;  // 0: none
  bool takes_value;
  bool repeated;
  bool global;
  const char* value_name;
  const char* help;
};

constexpr FlagSpec kFlags[] = {
    {"output", 0, true, false, true, "text|json", "output format (default text)"},
    {"deadline", 0, true, false, true, "DURATION",
     "deadline of every call, e.g. 10s, 500ms (default 10s; watch has none)"},
    {"token", 0, true, false, true, "TOKEN", "API token (default: $GOVINSPECT_TOKEN)"},
    {"coordinator", 0, true, false, true, "HOST:PORT",
     "coordinator address (default $GOVINSPECT_COORDINATOR or 127.0.0.1:50051)"},
    {"crawler", 0, true, false, true, "HOST:PORT", "crawler address (default 127.0.0.1:50052)"},
    {"newmedia", 0, true, false, true, "HOST:PORT", "newmedia address (default 127.0.0.1:50053)"},
    {"dataopen", 0, true, false, true, "HOST:PORT", "dataopen address (default 127.0.0.1:50054)"},
    {"scoring", 0, true, false, true, "HOST:PORT", "scoring address (default 127.0.0.1:50055)"},
    {"report", 0, true, false, true, "HOST:PORT", "report address (default 127.0.0.1:50056)"},
    {"help", 'h', false, false, true, "", "print usage"},
    {"validate-only", 0, false, false, false, "", "only validate, import nothing"},
    {"unit", 0, true, true, false, "ID",
     "unit id (units/ID or ID); round start: repeatable or comma-separated"},
    {"page-size", 0, true, false, false, "N", "items per page (server default when 0)"},
    {"page-token", 0, true, false, false, "TOKEN", "start at this page (with --all=false)"},
    {"all", 0, false, false, false, "",
     "follow next_page_token to the end (default: on for text output, off for json)"},
    {"as-of", 0, true, false, false, "YYYY-MM-DD", "the round's 监测时间点 (required)"},
    {"ruleset", 0, true, false, false, "NAME", "ruleset (server default gov-2019)"},
    {"id", 0, true, false, false, "ROUND_ID", "round id, lowercase DNS label (default: generated)"},
    {"name", 0, true, false, false, "TEXT", "display name, e.g. 2020年第二季度"},
    {"kinds", 0, true, false, false, "LIST", "comma-separated crawl,account,portal (default all)"},
    {"request-id", 0, true, false, false, "UUID",
     "idempotency key; reuse it to retry without creating a second round (default: generated)"},
    {"watch", 0, false, false, false, "", "continue as `round watch`"},
    {"any-as-of", 0, false, false, false, "",
     "accept an as-of before 2015-01-01 or after tomorrow (refused otherwise)"},
    {"file", 'o', true, false, false, "FILE",
     "output file (- for stdout); report units: a directory"},
    {"format", 0, true, false, false, "FORMAT", "report get: pdf, html, xlsx, md or json"},
    {"list", 0, false, false, false, "",
     "health: also list each server's gRPC services through server reflection"},
    {"service", 0, true, true, false, "NAME",
     "check only these services (repeatable or comma-separated)"},
    {"failed", 0, false, false, false, "", "scores list: only targets that failed"},
    {"connect-to", 0, true, false, false, "HOST:PORT",
     "site check --local: send every fetch to this address (the simulated province)"},
    {"local", 0, false, false, false, "", "site check: crawl in this process instead of the crawler"},
    {"public-service", 0, false, false, false, "",
     "site check --local: the site's unit has public-service duties (办事服务 is judged)"},
};

struct CommandSpec {
  const char* group;
  const char* verb;
  const char* args;  // for usage
  int min_args;
  int max_args;
  const char* flags;  // space-separated long names; "!name" is required
  const char* summary;
};

constexpr CommandSpec kCommands[] = {
    {"registry", "import", "DIR", 1, 1, "validate-only",
     "import a registry bundle (units.csv, sites.csv, accounts.csv, portals.csv, "
     "site_overrides.csv)"},
    {"registry", "list", "units|sites|accounts|portals", 1, 1, "unit page-size page-token all",
     "list the registry (--unit filters sites and accounts)"},
    {"round", "start", "", 0, 0, "!as-of ruleset id name unit kinds request-id watch any-as-of",
     "create a round"},
    {"round", "get", "ROUND", 1, 1, "", "show a round"},
    {"round", "list", "", 0, 0, "page-size page-token all", "list rounds, newest first"},
    {"round", "cancel", "ROUND", 1, 1, "", "cancel a round that has not finished"},
    {"round", "watch", "ROUND", 1, 1, "",
     "follow a round's progress until it ends (exit 0 DONE, 1 FAILED/CANCELLED)"},
    {"round", "export", "ROUND", 1, 1, "!file",
     "write the round's observations as JSON (docs/observations-export.md)"},
    {"round", "rescore", "ROUND", 1, 1, "!ruleset",
     "score the round's observations again with a ruleset (nothing is fetched)"},
    {"scores", "list", "ROUND", 1, 1, "unit failed ruleset",
     "list a round's scorecards with its 合格率 and 达标率"},
    {"scores", "show", "ROUND TARGET", 2, 2, "ruleset",
     "explain one target's scorecard: each rule, its points and evidence"},
    {"site", "check", "URL", 1, 1, "as-of connect-to local public-service",
     "crawl one site now and print what was found (--local: in this process)"},
    {"report", "get", "ROUND", 1, 1, "!format !file",
     "download the round's 通报 (its newest finished report) in one format"},
    {"report", "units", "ROUND", 1, 1, "!file",
     "download every unit's 整改通知单 (PDF) of the round's newest report into a directory"},
    {"health", "", "", 0, 0, "service list",
     "check grpc.health.v1 of every service (--list: also list its gRPC services by reflection)"},
};

const FlagSpec* FindFlag(absl::string_view name) {
  for (const FlagSpec& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const FlagSpec* FindShortFlag(char c) {
  for (const FlagSpec& f : kFlags) {
    if (f.short_name != 0 && f.short_name == c) return &f;
  }
  return nullptr;
}

bool IsGroup(absl::string_view group) {
  return std::any_of(std::begin(kCommands), std::end(kCommands),
                     [group](const CommandSpec& c) { return group == c.group; });
}

const CommandSpec* FindCommand(absl::string_view group, absl::string_view verb) {
  for (const CommandSpec& c : kCommands) {
    if (group == c.group && verb == c.verb) return &c;
  }
  return nullptr;
}

// The command's flags as (long name, required).
std::vector<std::pair<std::string, bool>> CommandFlags(const CommandSpec& command) {
  std::vector<std::pair<std::string, bool>> out;
  for (absl::string_view f : absl::StrSplit(command.flags, ' ', absl::SkipEmpty())) {
    const bool required = absl::ConsumePrefix(&f, "!");
    out.emplace_back(std::string(f), required);
  }
  return out;
}

bool CommandTakesFlag(const CommandSpec& command, absl::string_view flag) {
  for (const auto& [name, required] : CommandFlags(command)) {
    if (name == flag) return true;
  }
  return false;
}

std::string FlagUsage(const FlagSpec& f) {
  std::string head = absl::StrCat("  --", f.name);
  if (f.short_name != 0) head = absl::StrCat("  -", std::string(1, f.short_name), ", --", f.name);
  if (f.takes_value) absl::StrAppend(&head, " ", f.value_name);
  const int pad = std::max(2, 30 - DisplayWidth(head));
  return absl::StrCat(head, std::string(static_cast<size_t>(pad), ' '), f.help, "\n");
}

std::string CommandLine(const CommandSpec& c) {
  std::string line = absl::StrCat("govinspect ", c.group);
  if (*c.verb != '\0') absl::StrAppend(&line, " ", c.verb);
  if (*c.args != '\0') absl::StrAppend(&line, " ", c.args);
  for (const auto& [name, required] : CommandFlags(c)) {
    const FlagSpec* spec = FindFlag(name);
    if (spec == nullptr) continue;
    const std::string flag = spec->short_name != 0
                                 ? absl::StrCat("-", std::string(1, spec->short_name))
                                 : absl::StrCat("--", name);
    const std::string value = spec->takes_value ? absl::StrCat(" ", spec->value_name) : "";
    if (required) {
      absl::StrAppend(&line, " ", flag, value);
    } else {
      absl::StrAppend(&line, " [", flag, value, spec->repeated ? " ..." : "", "]");
    }
  }
  return line;
}

bool ParseBool(absl::string_view value, bool* out) {
  const std::string v = absl::AsciiStrToLower(value);
  if (v == "true" || v == "1" || v == "yes") {
    *out = true;
    return true;
  }
  if (v == "false" || v == "0" || v == "no") {
    *out = false;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Flag values of an Invocation.

std::string FlagValue(const Invocation& inv, const std::string& name) {
  auto it = inv.flags.find(name);
  return it == inv.flags.end() || it->second.empty() ? "" : it->second.back();
}

bool HasFlag(const Invocation& inv, const std::string& name) { return inv.flags.count(name) > 0; }

bool BoolFlag(const Invocation& inv, const std::string& name, bool default_value) {
  if (!HasFlag(inv, name)) return default_value;
  return FlagValue(inv, name) == "true";
}

// All values of a repeatable flag, comma-split, empty items dropped.
std::vector<std::string> ListFlag(const Invocation& inv, const std::string& name) {
  std::vector<std::string> out;
  auto it = inv.flags.find(name);
  if (it == inv.flags.end()) return out;
  for (const std::string& v : it->second) {
    for (absl::string_view item : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(item));
    }
  }
  return out;
}

absl::StatusOr<int32_t> PageSizeFlag(const Invocation& inv) {
  if (!HasFlag(inv, "page-size")) return 0;
  int32_t n = 0;
  if (!absl::SimpleAtoi(FlagValue(inv, "page-size"), &n) || n < 0) {
    return UsageError(absl::StrCat("--page-size must be a non-negative integer, got \"",
                                   FlagValue(inv, "page-size"), "\""));
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers.

bool IsDnsLabel(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) return false;
  }
  return id.front() != '-' && id.back() != '-';
}

bool IsDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(s[i])) return false;
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  const absl::CivilDay day(y, m, d);  // normalizes out-of-range fields
  return day.year() == y && day.month() == m && day.day() == d;
}

// "r1" or "rounds/r1" → "rounds/r1"; a usage error for anything else.
absl::StatusOr<std::string> ResourceName(absl::string_view collection, absl::string_view arg) {
  absl::string_view id = arg;
  const std::string prefix = absl::StrCat(collection, "/");
  if (absl::StartsWith(id, prefix)) id.remove_prefix(prefix.size());
  if (!IsDnsLabel(id)) {
    return UsageError(absl::StrCat("\"", arg, "\" is not a valid ", collection,
                                   " id (lowercase letters, digits and '-')"));
  }
  return absl::StrCat(prefix, id);
}

std::string NewUuid() {
  absl::BitGen gen;
  uint8_t b[16];
  for (uint8_t& x : b) x = absl::Uniform<uint8_t>(gen);
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    absl::StrAppendFormat(&hex, "%02x", b[i]);
  }
  return hex;
}

absl::Status Reported(const absl::Status& status) {
  absl::Status out = status;
  out.SetPayload(kReportedPayloadUrl, absl::Cord("1"));
  return out;
}

bool IsReported(const absl::Status& status) {
  return status.GetPayload(kReportedPayloadUrl).has_value();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view content) {
  std::string tmp = absl::StrCat(path, ".tmp.XXXXXX");
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    return absl::UnknownError(
        absl::StrCat("cannot create a temporary file next to ", path, ": ", std::strerror(errno)));
  }
  auto fail = [&](absl::string_view what) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return absl::UnknownError(absl::StrCat("cannot ", what, " ", path, ": ", reason));
  };
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) return fail("set the mode of");
  if (::fsync(fd) != 0) return fail("sync");
  if (::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    return absl::UnknownError(absl::StrCat("cannot write ", path, ": ", reason));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    return absl::UnknownError(absl::StrCat("cannot rename onto ", path, ": ", reason));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Text rendering of registry and rounds.

std::string UnitKindText(common::v1::UnitKind kind) {
  switch (kind) {
    case common::v1::UNIT_KIND_GOVERNMENT: return "本级政府";
    case common::v1::UNIT_KIND_DEPARTMENT: return "部门";
    case common::v1::UNIT_KIND_TOWN: return "镇区";
    default: return "?";
  }
}

std::string SiteKindText(common::v1::SiteKind kind) {
  switch (kind) {
    case common::v1::SITE_KIND_PORTAL: return "门户网站";
    case common::v1::SITE_KIND_DEPARTMENT: return "部门网站";
    default: return "?";
  }
}

std::string PlatformText(common::v1::Platform platform) {
  switch (platform) {
    case common::v1::PLATFORM_WECHAT: return "微信";
    case common::v1::PLATFORM_WEIBO: return "微博";
    case common::v1::PLATFORM_DOUYIN: return "抖音";
    case common::v1::PLATFORM_TOUTIAO: return "头条";
    case common::v1::PLATFORM_APP: return "客户端";
    case common::v1::PLATFORM_OTHER: return "其他";
    default: return "?";
  }
}

std::string ScopeText(const Round& round) {
  std::vector<std::string> units;
  for (const std::string& u : round.scope().units()) units.push_back(ResourceId(u));
  std::vector<std::string> kinds;
  for (int k : round.scope().kinds()) kinds.push_back(TaskKindName(static_cast<TaskKind>(k)));
  return absl::StrCat(units.empty() ? "全部单位" : absl::StrJoin(units, ", "), "；",
                      kinds.empty() ? "全部类型" : absl::StrJoin(kinds, ", "));
}

std::string RoundSummary(const Round& round) {
  int64_t total = 0;
  int64_t finished = 0;
  for (const auto& p : round.progress()) {
    total += p.total();
    finished += p.done() + p.dead();
  }
  return absl::StrCat(finished, "/", total);
}

std::string FinalRoundText(const Round& round) {
  switch (round.state()) {
    case Round::DONE: return absl::StrCat("轮次 ", round.name(), " 已完成");
    case Round::FAILED:
      return absl::StrCat("轮次 ", round.name(), " 失败",
                          round.error().empty() ? "" : absl::StrCat("：", round.error()));
    case Round::CANCELLED: return absl::StrCat("轮次 ", round.name(), " 已取消");
    default: return absl::StrCat("轮次 ", round.name(), " 状态 ", RoundStateName(round.state()));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parsing.

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayloadUrl, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayloadUrl).has_value();
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  if (IsUsageError(status)) return kExitUsage;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return kExitInvalid;
    case absl::StatusCode::kNotFound: return kExitNotFound;
    case absl::StatusCode::kAlreadyExists: return kExitAlreadyExists;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied: return kExitAuth;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded: return kExitUnavailable;
    case absl::StatusCode::kResourceExhausted: return kExitResourceExhausted;
    default: return kExitFailure;
  }
}

std::string Usage(const std::string& group) {
  const bool known = IsGroup(group);
  std::string out = "Usage:\n";
  std::vector<std::string> command_flags;
  for (const CommandSpec& c : kCommands) {
    if (known && group != c.group) continue;
    absl::StrAppend(&out, "  ", CommandLine(c), "\n      ", c.summary, "\n");
    for (const auto& [name, required] : CommandFlags(c)) {
      if (std::find(command_flags.begin(), command_flags.end(), name) == command_flags.end()) {
        command_flags.push_back(name);
      }
    }
  }
  if (known) {
    absl::StrAppend(&out, "\nFlags:\n");
    for (const FlagSpec& f : kFlags) {
      if (std::find(command_flags.begin(), command_flags.end(), f.name) != command_flags.end()) {
        absl::StrAppend(&out, FlagUsage(f));
      }
    }
  }
  absl::StrAppend(&out, "\nGlobal flags (any command):\n");
  for (const FlagSpec& f : kFlags) {
    if (f.global) absl::StrAppend(&out, FlagUsage(f));
  }
  absl::StrAppend(&out,
                  "\nROUND is rounds/ID or ID. Exit codes: 0 ok, 1 failed, 2 usage, 3 invalid, "
                  "4 not found, 5 already exists, 6 unauthenticated, 7 unavailable, 8 resource "
                  "exhausted (docs/cli.md).\n");
  return out;
}

std::string ShortUsage(const std::string& group) {
  const bool known = IsGroup(group);
  std::string out = "Usage:\n";
  for (const CommandSpec& c : kCommands) {
    if (!known || group == c.group) absl::StrAppend(&out, "  ", CommandLine(c), "\n");
  }
  absl::StrAppend(&out, "Run `govinspect ", known ? absl::StrCat(group, " ") : "",
                  "--help` for the flags.\n");
  return out;
}

std::string UsageFor(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (IsGroup(a)) return ShortUsage(a);
  }
  return ShortUsage("");
}

absl::StatusOr<Invocation> ParseCommandLine(const std::vector<std::string>& args,
                                            const EnvLookup& env) {
  Invocation inv;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (flags_done || a.size() < 2 || a[0] != '-') {
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> value;
    std::string shown;  // the flag as typed, for messages
    if (a[1] == '-') {
      std::string name = a.substr(2);
      const size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      spec = FindFlag(name);
      shown = absl::StrCat("--", name);
    } else if (a.size() == 2) {
      spec = FindShortFlag(a[1]);
      shown = a;
    } else {
      shown = a;
    }
    if (spec == nullptr) return UsageError(absl::StrCat("unknown flag ", shown));
    if (spec->takes_value) {
      if (!value.has_value()) {
        if (i + 1 >= args.size()) return UsageError(absl::StrCat(shown, " needs a value"));
        value = args[++i];
      }
    } else {
      bool b = true;
      if (value.has_value() && !ParseBool(*value, &b)) {
        return UsageError(absl::StrCat(shown, " takes true or false, got \"", *value, "\""));
      }
      value = b ? "true" : "false";
    }
    std::vector<std::string>& values = flags[spec->name];
    if (!spec->repeated && !values.empty()) {
      return UsageError(absl::StrCat("--", spec->name, " given more than once"));
    }
    values.push_back(*std::move(value));
  }

  bool help = false;
  if (flags.count("help") > 0) help = flags["help"].back() == "true";
  if (!positional.empty() && positional[0] == "help") {
    help = true;
    positional.erase(positional.begin());
  }
  if (positional.empty()) {
    if (help) {
      inv.help = true;
      return inv;
    }
    return UsageError("no command given");
  }
  inv.group = positional[0];
  if (!IsGroup(inv.group)) {
    const std::string unknown = inv.group;
    inv.group.clear();
    return UsageError(absl::StrCat("unknown command \"", unknown, "\""));
  }
  size_t first_arg = 1;
  if (FindCommand(inv.group, "") == nullptr) {  // groups with verbs
    if (positional.size() < 2) {
      if (help) {
        inv.help = true;
        return inv;
      }
      return UsageError(absl::StrCat("\"", inv.group, "\" needs a command"));
    }
    inv.verb = positional[1];
    first_arg = 2;
  }
  if (help) {
    inv.help = true;
    return inv;
  }
  const CommandSpec* command = FindCommand(inv.group, inv.verb);
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command \"", inv.group, " ", inv.verb, "\""));
  }
  inv.args.assign(positional.begin() + static_cast<std::ptrdiff_t>(first_arg), positional.end());
  const int n = static_cast<int>(inv.args.size());
  if (n < command->min_args) {
    return UsageError(
        absl::StrCat("\"", CommandLine(*command), "\": missing argument ", command->args));
  }
  if (n > command->max_args) {
    return UsageError(absl::StrCat("unexpected argument \"", inv.args[command->max_args], "\""));
  }

  // Global flags → Options; command flags are kept as strings.
  Options& o = inv.options;
  for (auto& [name, values] : flags) {
    const FlagSpec* spec = FindFlag(name);
    if (spec->global) continue;
    if (!CommandTakesFlag(*command, name)) {
      return UsageError(absl::StrCat("--", name, " does not apply to \"", inv.group,
                                     inv.verb.empty() ? "" : " ", inv.verb, "\""));
    }
    inv.flags[name] = values;
  }
  for (const auto& [name, required] : CommandFlags(*command)) {
    if (required && inv.flags.count(name) == 0) {
      const FlagSpec* spec = FindFlag(name);
      return UsageError(absl::StrCat("\"", inv.group, " ", inv.verb, "\" needs ",
                                     spec->short_name != 0
                                         ? absl::StrCat("-", std::string(1, spec->short_name))
                                         : absl::StrCat("--", name),
                                     spec->takes_value ? absl::StrCat(" ", spec->value_name) : ""));
    }
  }
  auto global = [&flags](const std::string& name) -> std::string {
    auto it = flags.find(name);
    return it == flags.end() ? "" : it->second.back();
  };
  auto from_env = [&env](const std::string& name) -> std::string {
    std::optional<std::string> v = env ? env(name) : std::nullopt;
    return v.has_value() ? *v : "";
  };
  if (const std::string output = global("output"); !output.empty()) {
    if (output == "text") {
      o.output = OutputFormat::kText;
    } else if (output == "json") {
      o.output = OutputFormat::kJson;
    } else {
      return UsageError(absl::StrCat("--output must be text or json, got \"", output, "\""));
    }
  }
  if (flags.count("deadline") > 0) {
    const std::string d = global("deadline");
    if (!absl::ParseDuration(d, &o.deadline) || o.deadline <= absl::ZeroDuration() ||
        o.deadline == absl::InfiniteDuration()) {
      return UsageError(absl::StrCat(
          "--deadline must be a positive duration like 10s or 500ms, got \"", d, "\""));
    }
  }
  o.token = global("token");
  const bool token_from_flag = !o.token.empty();
  if (o.token.empty()) o.token = from_env("GOVINSPECT_TOKEN");
  // A token gRPC cannot send (a line break, a space, non-ASCII) would abort inside the library;
  // it is refused here, without printing it.
  if (!common::IsVisibleAsciiToken(o.token)) {
    return UsageError(absl::StrCat(token_from_flag ? "--token" : "GOVINSPECT_TOKEN",
                                   " 含有空格、换行、控制字符或非 ASCII 字符（令牌只能由可见 ASCII 字符组成；"
                                   "令牌内容不予显示）"));
  }
  int port = kDefaultPortBase;
  for (const char* service : kServiceNames) {
    std::string address = global(service);
    if (address.empty())
      address = from_env(absl::StrCat("GOVINSPECT_", absl::AsciiStrToUpper(service)));
    if (address.empty()) address = absl::StrCat("127.0.0.1:", port);
    o.addresses[service] = address;
    ++port;
  }
  return inv;
}

// ---------------------------------------------------------------------------------------------
// Clients.

ChannelClients::ChannelClients(
    std::map<std::string, std::shared_ptr<::grpc::ChannelInterface>> channels) {
  registry_ = coordinator::v1::RegistryService::NewStub(channels["coordinator"]);
  crawler_ = crawler::v1::CrawlerService::NewStub(channels["crawler"]);
  rounds_ = coordinator::v1::RoundService::NewStub(channels["coordinator"]);
  scoring_ = scoring::v1::ScoringService::NewStub(channels["scoring"]);
  report_ = ::govinspect::report::v1::ReportService::NewStub(channels["report"]);
  for (const char* service : kServiceNames) {
    health_[service] = ::grpc::health::v1::Health::NewStub(channels[service]);
    reflection_[service] =
        ::grpc::reflection::v1alpha::ServerReflection::NewStub(channels[service]);
  }
}

::grpc::reflection::v1alpha::ServerReflection::StubInterface* ChannelClients::reflection(
    const std::string& service) {
  auto it = reflection_.find(service);
  return it == reflection_.end() ? nullptr : it->second.get();
}

::grpc::health::v1::Health::StubInterface* ChannelClients::health(const std::string& service) {
  auto it = health_.find(service);
  return it == health_.end() ? nullptr : it->second.get();
}

std::unique_ptr<Clients> MakeGrpcClients(const Options& options) {
  std::map<std::string, std::shared_ptr<::grpc::ChannelInterface>> channels;
  for (const char* service : kServiceNames) {
    auto it = options.addresses.find(service);
    const std::string address = it == options.addresses.end() ? "" : it->second;
    channels[service] = ::grpc::CreateChannel(address, ::grpc::InsecureChannelCredentials());
  }
  return std::make_unique<ChannelClients>(std::move(channels));
}

// ---------------------------------------------------------------------------------------------
// Cli.

Cli::Cli(Options options, Clients* clients, std::ostream& out, std::ostream& err)
    : options_(std::move(options)), clients_(clients), out_(out), err_(err) {}

bool Cli::Interrupt() {
  absl::MutexLock lock(&mu_);
  interrupted_ = true;
  if (active_stream_ == nullptr) return false;
  active_stream_->TryCancel();
  return true;
}

int Cli::Run(const Invocation& inv) {
  if (inv.help) {
    out_ << Usage(inv.group);
    return kExitOk;
  }
  Result result = Dispatch(inv);
  out_.flush();
  if (result.ok()) return *result;
  const absl::Status& status = result.status();
  if (IsUsageError(status)) {
    err_ << "govinspect: " << status.message() << "\n\n" << ShortUsage(inv.group);
    return kExitUsage;
  }
  if (!IsReported(status)) err_ << "error: " << status.message() << "\n";
  err_.flush();
  return ExitCodeFor(status);
}

Cli::Result Cli::Dispatch(const Invocation& inv) {
  if (inv.group == "registry") {
    if (inv.verb == "import") return RegistryImport(inv);
    if (inv.verb == "list") return RegistryList(inv);
  } else if (inv.group == "round") {
    if (inv.verb == "start") return RoundStart(inv);
    if (inv.verb == "get") return RoundGet(inv);
    if (inv.verb == "list") return RoundList(inv);
    if (inv.verb == "cancel") return RoundCancel(inv);
    if (inv.verb == "export") return RoundExport(inv);
    if (inv.verb == "rescore") return RoundRescore(inv);
    if (inv.verb == "watch") {
      absl::StatusOr<std::string> name = ResourceName("rounds", inv.args.at(0));
      if (!name.ok()) return name.status();
      return RoundWatch(*name);
    }
  } else if (inv.group == "health") {
    return Health(inv);
  } else if (inv.group == "scores") {
    if (inv.verb == "list") return ScoresList(inv);
    if (inv.verb == "show") return ScoresShow(inv);
  } else if (inv.group == "site") {
    if (inv.verb == "check") return SiteCheck(inv);
  } else if (inv.group == "report") {
    if (inv.verb == "get") return ReportGet(inv);
    if (inv.verb == "units") return ReportUnits(inv);
  }
  return UsageError(absl::StrCat("unknown command \"", inv.group, " ", inv.verb, "\""));
}

std::string Cli::Address(const std::string& service) const {
  auto it = options_.addresses.find(service);
  return it == options_.addresses.end() ? "?" : it->second;
}

void Cli::PrepareContext(::grpc::ClientContext* context, bool with_deadline) const {
  if (with_deadline) context->set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  common::AddBearerToken(context, options_.token);
}

absl::Status Cli::Describe(const std::string& service, absl::string_view method,
                           const ::grpc::Status& status) const {
  const absl::Status s = common::FromGrpcStatus(status);
  std::string message;
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
      message = absl::StrCat(service, " at ", Address(service), " unavailable: ", s.message());
      break;
    case absl::StatusCode::kDeadlineExceeded:
      message = absl::StrCat(service, " at ", Address(service), ": ", method,
                             " did not finish within ", absl::FormatDuration(options_.deadline),
                             " (raise --deadline?): ", s.message());
      break;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      message = absl::StrCat(
          method, ": ", s.message(),
          options_.token.empty() ? " (no token given: pass --token or set GOVINSPECT_TOKEN)" : "");
      break;
    default: message = absl::StrCat(method, ": ", s.message()); break;
  }
  return absl::Status(s.code(), message);
}

absl::Status Cli::Call(const std::string& service, absl::string_view method, bool idempotent,
                       const std::function<::grpc::Status(::grpc::ClientContext*)>& rpc) {
  const int attempts = std::max(1, options_.max_attempts);
  absl::Duration backoff = options_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    ::grpc::ClientContext context;
    PrepareContext(&context, /*with_deadline=*/true);
    const ::grpc::Status status = rpc(&context);
    if (status.ok()) return absl::OkStatus();
    if (status.error_code() == ::grpc::StatusCode::UNAVAILABLE && idempotent &&
        attempt < attempts) {
      absl::SleepFor(backoff);
      backoff *= 2;
      continue;
    }
    return Describe(service, method, status);
  }
}

template <typename Response>
absl::Status Cli::ListPages(
    absl::string_view method, bool all, const std::string& first_token,
    const std::function<::grpc::Status(::grpc::ClientContext*, const std::string&, Response*)>&
        fetch,
    Response* merged) {
  std::string token = first_token;
  while (true) {
    Response page;
    absl::Status status =
        Call("coordinator", method, /*idempotent=*/true, [&](::grpc::ClientContext* context) {
          page.Clear();
          return fetch(context, token, &page);
        });
    if (!status.ok()) return status;
    const std::string next = page.next_page_token();
    merged->MergeFrom(page);
    merged->set_next_page_token(next);
    if (!all || next.empty()) break;
    if (next == token) {
      return absl::InternalError(absl::StrCat(method, ": the server returned the same page token"));
    }
    token = next;
  }
  if (all) merged->clear_next_page_token();
  return absl::OkStatus();
}

absl::Status Cli::PrintJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) return json.status();
  out_ << *json;
  if (json->empty() || json->back() != '\n') out_ << '\n';
  return absl::OkStatus();
}

Cli::Result Cli::RegistryImport(const Invocation& inv) {
  absl::StatusOr<ImportRegistryRequest> request = ReadRegistryBundle(inv.args.at(0));
  if (!request.ok()) return request.status();
  request->set_validate_only(BoolFlag(inv, "validate-only", false));
  ImportRegistryResponse response;
  ::grpc::Status raw;
  absl::Status status = Call(
      "coordinator", "ImportRegistry", /*idempotent=*/false, [&](::grpc::ClientContext* context) {
        raw = clients_->registry().ImportRegistry(context, *request, &response);
        return raw;
      });
  if (!status.ok()) {
    if (status.code() == absl::StatusCode::kInvalidArgument) {
      err_ << (request->validate_only() ? "注册表有误：\n" : "注册表有误，未导入任何内容：\n")
           << raw.error_message() << "\n";
      return Reported(status);
    }
    return status;
  }
  if (json()) {
    if (absl::Status s = PrintJson(response); !s.ok()) return s;
    return kExitOk;
  }
  out_ << (response.imported() ? "已导入：" : "校验通过（未导入）：") << "单位 "
       << response.unit_count() << " 个，网站 " << response.site_count() << " 个，新媒体账号 "
       << response.account_count() << " 个，开放数据平台 " << response.portal_count() << " 个";
  if (response.site_override_count() > 0) {
    out_ << "，网站覆盖规则 " << response.site_override_count() << " 条";
  }
  out_ << "\n";
  return kExitOk;
}

Cli::Result Cli::RegistryList(const Invocation& inv) {
  const std::string& what = inv.args.at(0);
  if (what != "units" && what != "sites" && what != "accounts" && what != "portals") {
    return UsageError(
        absl::StrCat("registry list takes units, sites, accounts or portals, got \"", what, "\""));
  }
  std::string unit;
  if (HasFlag(inv, "unit")) {
    if (what != "sites" && what != "accounts") {
      return UsageError("--unit applies to sites and accounts only");
    }
    absl::StatusOr<std::string> name = ResourceName("units", FlagValue(inv, "unit"));
    if (!name.ok()) return name.status();
    unit = *name;
  }
  absl::StatusOr<int32_t> page_size = PageSizeFlag(inv);
  if (!page_size.ok()) return page_size.status();
  const bool all = BoolFlag(inv, "all", !json());
  const std::string first_token = FlagValue(inv, "page-token");

  auto finish = [&](const google::protobuf::Message& merged, const Table& table, int total,
                    const std::string& next) -> Result {
    if (json()) {
      if (absl::Status s = PrintJson(merged); !s.ok()) return s;
      return kExitOk;
    }
    table.Render(out_);
    out_ << "共 " << std::max<int64_t>(total, static_cast<int64_t>(table.size())) << " 个";
    if (!next.empty()) out_ << "（未列完；继续：--page-token " << next << "，或用 --all）";
    out_ << "\n";
    return kExitOk;
  };

  if (what == "units") {
    ListUnitsResponse merged;
    std::function<::grpc::Status(::grpc::ClientContext*, const std::string&, ListUnitsResponse*)>
        fetch = [&](::grpc::ClientContext* c, const std::string& token, ListUnitsResponse* r) {
          ListUnitsRequest req;
          req.set_page_size(*page_size);
          req.set_page_token(token);
          return clients_->registry().ListUnits(c, req, r);
        };
    if (absl::Status s = ListPages("ListUnits", all, first_token, fetch, &merged); !s.ok())
      return s;
    Table t({"ID", "名称", "简称", "类型", "上级", "公共服务", "开放数据机构", "数据集指标"});
    for (const Unit& u : merged.units()) {
      t.AddRow({ResourceId(u.name()), u.display_name(), u.short_name(), UnitKindText(u.kind()),
                ResourceId(u.parent()), u.public_service() ? "是" : "否", u.open_data_org(),
                absl::StrCat(u.open_data_quota())});
    }
    return finish(merged, t, merged.total_size(), merged.next_page_token());
  }
  if (what == "sites") {
    ListSitesResponse merged;
    std::function<::grpc::Status(::grpc::ClientContext*, const std::string&, ListSitesResponse*)>
        fetch = [&](::grpc::ClientContext* c, const std::string& token, ListSitesResponse* r) {
          ListSitesRequest req;
          req.set_page_size(*page_size);
          req.set_page_token(token);
          req.set_unit(unit);
          return clients_->registry().ListSites(c, req, r);
        };
    if (absl::Status s = ListPages("ListSites", all, first_token, fetch, &merged); !s.ok())
      return s;
    Table t({"ID", "单位", "名称", "类型", "首页", "标识码"});
    for (const Site& x : merged.sites()) {
      t.AddRow({ResourceId(x.name()), ResourceId(x.unit()), x.display_name(),
                SiteKindText(x.kind()), x.home_url(), x.site_code()});
    }
    return finish(merged, t, merged.total_size(), merged.next_page_token());
  }
  if (what == "accounts") {
    ListAccountsResponse merged;
    std::function<::grpc::Status(::grpc::ClientContext*, const std::string&, ListAccountsResponse*)>
        fetch = [&](::grpc::ClientContext* c, const std::string& token, ListAccountsResponse* r) {
          ListAccountsRequest req;
          req.set_page_size(*page_size);
          req.set_page_token(token);
          req.set_unit(unit);
          return clients_->registry().ListAccounts(c, req, r);
        };
    if (absl::Status s = ListPages("ListAccounts", all, first_token, fetch, &merged); !s.ok()) {
      return s;
    }
    Table t({"ID", "单位", "平台", "平台账号", "名称", "开通", "备案", "注销"});
    for (const Account& a : merged.accounts()) {
      t.AddRow({ResourceId(a.name()), ResourceId(a.unit()), PlatformText(a.platform()),
                a.platform_account_id(), a.display_name(), a.opened_date(), a.filed_date(),
                a.closed_date()});
    }
    return finish(merged, t, merged.total_size(), merged.next_page_token());
  }
  ListPortalsResponse merged;
  std::function<::grpc::Status(::grpc::ClientContext*, const std::string&, ListPortalsResponse*)>
      fetch = [&](::grpc::ClientContext* c, const std::string& token, ListPortalsResponse* r) {
        ListPortalsRequest req;
        req.set_page_size(*page_size);
        req.set_page_token(token);
        return clients_->registry().ListPortals(c, req, r);
      };
  if (absl::Status s = ListPages("ListPortals", all, first_token, fetch, &merged); !s.ok())
    return s;
  Table t({"ID", "名称", "API"});
  for (const Portal& p : merged.portals()) {
    t.AddRow({ResourceId(p.name()), p.display_name(), p.api_url()});
  }
  return finish(merged, t, merged.total_size(), merged.next_page_token());
}

Cli::Result Cli::RoundStart(const Invocation& inv) {
  const std::string as_of = FlagValue(inv, "as-of");
  if (as_of.empty()) return UsageError("round start needs --as-of YYYY-MM-DD");
  if (!IsDate(as_of)) {
    return UsageError(absl::StrCat("--as-of must be a date YYYY-MM-DD, got \"", as_of, "\""));
  }
  CreateRoundRequest request;
  Round* round = request.mutable_round();
  round->set_as_of(as_of);
  round->set_ruleset(FlagValue(inv, "ruleset"));
  round->set_display_name(FlagValue(inv, "name"));
  request.set_allow_any_as_of(BoolFlag(inv, "any-as-of", false));
  if (HasFlag(inv, "id")) {
    absl::StatusOr<std::string> name = ResourceName("rounds", FlagValue(inv, "id"));
    if (!name.ok()) return name.status();
    request.set_round_id(ResourceId(*name));
  }
  for (const std::string& u : ListFlag(inv, "unit")) {
    absl::StatusOr<std::string> name = ResourceName("units", u);
    if (!name.ok()) return name.status();
    round->mutable_scope()->add_units(*name);
  }
  for (const std::string& k : ListFlag(inv, "kinds")) {
    TaskKind kind;
    if (k == "crawl") {
      kind = coordinator::v1::TASK_KIND_CRAWL;
    } else if (k == "account") {
      kind = coordinator::v1::TASK_KIND_ACCOUNT;
    } else if (k == "portal") {
      kind = coordinator::v1::TASK_KIND_PORTAL;
    } else {
      return UsageError(absl::StrCat("--kinds takes crawl, account and portal, got \"", k, "\""));
    }
    round->mutable_scope()->add_kinds(kind);
  }
  const bool generated_id = FlagValue(inv, "request-id").empty();
  request.set_request_id(generated_id ? NewUuid() : FlagValue(inv, "request-id"));

  Round created;
  absl::Status status =
      Call("coordinator", "CreateRound", /*idempotent=*/false, [&](::grpc::ClientContext* c) {
        return clients_->rounds().CreateRound(c, request, &created);
      });
  if (!status.ok()) {
    switch (status.code()) {
      case absl::StatusCode::kUnavailable:
      case absl::StatusCode::kDeadlineExceeded:
      case absl::StatusCode::kUnknown:
      case absl::StatusCode::kInternal:
      case absl::StatusCode::kCancelled:
        // The round may or may not exist now; the same request_id makes the retry safe.
        return absl::Status(status.code(),
                            absl::StrCat(status.message(),
                                         "\nthe round may have been created; "
                                         "retry with --request-id ",
                                         request.request_id(), " so that it is not created twice"));
      default: return status;
    }
  }
  if (BoolFlag(inv, "watch", false)) {
    if (!json()) {
      out_ << "已创建轮次 " << created.name() << "，监测时间点 " << created.as_of() << "\n";
      out_.flush();
    }
    return RoundWatch(created.name());
  }
  if (json()) {
    if (absl::Status s = PrintJson(created); !s.ok()) return s;
    return kExitOk;
  }
  out_ << "已创建轮次 " << created.name();
  if (!created.display_name().empty()) out_ << "（" << created.display_name() << "）";
  out_ << "\n监测时间点 " << created.as_of() << "，规则 "
       << (created.ruleset().empty() ? "默认" : created.ruleset()) << "，范围 "
       << ScopeText(created) << "\n";
  err_ << "request_id: " << request.request_id() << "\n";
  return kExitOk;
}

Cli::Result Cli::RoundGet(const Invocation& inv) {
  absl::StatusOr<std::string> name = ResourceName("rounds", inv.args.at(0));
  if (!name.ok()) return name.status();
  GetRoundRequest request;
  request.set_name(*name);
  Round round;
  absl::Status status = Call(
      "coordinator", "GetRound", /*idempotent=*/true,
      [&](::grpc::ClientContext* c) { return clients_->rounds().GetRound(c, request, &round); });
  if (!status.ok()) return status;
  if (json()) {
    if (absl::Status s = PrintJson(round); !s.ok()) return s;
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"轮次", round.name()},
      {"名称", round.display_name()},
      {"状态", RoundStateName(round.state())},
      {"监测时间点", round.as_of()},
      {"规则", round.ruleset()},
      {"范围", ScopeText(round)},
      {"进度", ProgressBar(round)},
      {"创建时间", FormatTimestamp(round.create_time())},
      {"更新时间", FormatTimestamp(round.update_time())},
  };
  if (round.has_end_time()) fields.emplace_back("结束时间", FormatTimestamp(round.end_time()));
  for (const std::string& note : round.notes()) fields.emplace_back("说明", note);
  if (!round.error().empty()) fields.emplace_back("错误", round.error());
  RenderFields(out_, fields);
  return kExitOk;
}

Cli::Result Cli::RoundList(const Invocation& inv) {
  absl::StatusOr<int32_t> page_size = PageSizeFlag(inv);
  if (!page_size.ok()) return page_size.status();
  ListRoundsResponse merged;
  std::function<::grpc::Status(::grpc::ClientContext*, const std::string&, ListRoundsResponse*)>
      fetch = [&](::grpc::ClientContext* c, const std::string& token, ListRoundsResponse* r) {
        ListRoundsRequest req;
        req.set_page_size(*page_size);
        req.set_page_token(token);
        return clients_->rounds().ListRounds(c, req, r);
      };
  absl::Status status = ListPages("ListRounds", BoolFlag(inv, "all", !json()),
                                  FlagValue(inv, "page-token"), fetch, &merged);
  if (!status.ok()) return status;
  if (json()) {
    if (absl::Status s = PrintJson(merged); !s.ok()) return s;
    return kExitOk;
  }
  Table t({"轮次", "名称", "状态", "监测时间点", "进度", "创建时间"});
  for (const Round& r : merged.rounds()) {
    t.AddRow({r.name(), r.display_name(), RoundStateName(r.state()), r.as_of(), RoundSummary(r),
              FormatTimestamp(r.create_time())});
  }
  t.Render(out_);
  out_ << "共 " << t.size() << " 个轮次";
  if (!merged.next_page_token().empty()) {
    out_ << "（未列完；继续：--page-token " << merged.next_page_token() << "，或用 --all）";
  }
  out_ << "\n";
  return kExitOk;
}

Cli::Result Cli::RoundCancel(const Invocation& inv) {
  absl::StatusOr<std::string> name = ResourceName("rounds", inv.args.at(0));
  if (!name.ok()) return name.status();
  CancelRoundRequest request;
  request.set_name(*name);
  Round round;
  absl::Status status = Call(
      "coordinator", "CancelRound", /*idempotent=*/false,
      [&](::grpc::ClientContext* c) { return clients_->rounds().CancelRound(c, request, &round); });
  if (!status.ok()) return status;
  if (json()) {
    if (absl::Status s = PrintJson(round); !s.ok()) return s;
    return kExitOk;
  }
  out_ << "已取消轮次 " << round.name() << "（状态 " << RoundStateName(round.state()) << "）\n";
  return kExitOk;
}

Cli::Result Cli::RoundWatch(const std::string& round_name) {
  WatchRoundRequest request;
  request.set_name(round_name);
  const bool tty = options_.stdout_is_tty && !json();
  Round last;
  bool have_last = false;
  int last_width = 0;  // of the line on screen (tty)
  int failures = 0;
  absl::Duration backoff = options_.initial_backoff;
  auto end_line = [&] {
    if (tty && last_width > 0) {
      out_ << "\n";
      last_width = 0;
    }
    out_.flush();
  };
  while (true) {
    ::grpc::ClientContext context;
    PrepareContext(&context, /*with_deadline=*/false);
    {
      absl::MutexLock lock(&mu_);
      if (interrupted_) break;
      active_stream_ = &context;
    }
    std::unique_ptr<::grpc::ClientReaderInterface<Round>> reader =
        clients_->rounds().WatchRound(&context, request);
    Round update;
    while (reader->Read(&update)) {
      if (failures > 0) {
        end_line();
        err_ << "已重新连接协调服务\n";
        err_.flush();
      }
      failures = 0;
      backoff = options_.initial_backoff;
      last = update;
      have_last = true;
      if (json()) continue;
      const std::string line = ProgressLine(update);
      if (tty) {
        const int width = DisplayWidth(line);
        out_ << '\r' << line
             << std::string(static_cast<size_t>(std::max(0, last_width - width)), ' ');
        last_width = width;
      } else {
        out_ << line << '\n';
      }
      out_.flush();
    }
    const ::grpc::Status status = reader->Finish();
    bool interrupted;
    {
      absl::MutexLock lock(&mu_);
      active_stream_ = nullptr;
      interrupted = interrupted_;
    }
    if (interrupted) break;
    if (status.ok()) {
      end_line();
      if (!have_last) return absl::UnavailableError("WatchRound ended without sending the round");
      if (!IsTerminal(last.state())) {
        return absl::UnavailableError(absl::StrCat(
            "the coordinator ended the watch while ", round_name, " is ",
            RoundStateName(last.state()), "; run `govinspect round watch ", round_name, "` again"));
      }
      if (json()) {
        if (absl::Status s = PrintJson(last); !s.ok()) return s;
      } else {
        out_ << FinalRoundText(last) << "\n";
        for (const std::string& note : last.notes()) out_ << "说明：" << note << "\n";
      }
      return last.state() == Round::DONE ? kExitOk : kExitFailure;
    }
    // The coordinator restarting, or the network between: reconnect for as long as it takes
    // (Ctrl-C ends the wait), saying so.
    if (status.error_code() == ::grpc::StatusCode::UNAVAILABLE) {
      ++failures;
      end_line();
      err_ << "协调服务暂时不可用（" << status.error_message() << "），正在重新连接（第 " << failures
           << " 次，" << absl::FormatDuration(backoff) << " 后）…\n";
      err_.flush();
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&interrupted_), backoff);
      if (interrupted_) break;
      backoff = std::min(backoff * 2, std::max(options_.max_watch_backoff, options_.initial_backoff));
      continue;
    }
    end_line();
    return Describe("coordinator", "WatchRound", status);
  }
  end_line();
  err_ << "已中断（轮次仍在进行；可用 govinspect round watch " << round_name << " 继续查看）\n";
  return kExitInterrupted;
}

Cli::Result Cli::RoundExport(const Invocation& inv) {
  absl::StatusOr<std::string> name = ResourceName("rounds", inv.args.at(0));
  if (!name.ok()) return name.status();
  const std::string file = FlagValue(inv, "file");
  if (file.empty()) return UsageError("round export needs -o FILE");

  GetRoundRequest get;
  get.set_name(*name);
  Round round;
  absl::Status status =
      Call("coordinator", "GetRound", /*idempotent=*/true,
           [&](::grpc::ClientContext* c) { return clients_->rounds().GetRound(c, get, &round); });
  if (!status.ok()) return status;

  ListObservationsResponse merged;
  std::function<::grpc::Status(::grpc::ClientContext*, const std::string&,
                               ListObservationsResponse*)>
      fetch = [&](::grpc::ClientContext* c, const std::string& token, ListObservationsResponse* r) {
        ListObservationsRequest req;
        req.set_parent(*name);
        req.set_page_size(1000);
        req.set_page_token(token);
        return clients_->rounds().ListObservations(c, req, r);
      };
  status = ListPages("ListObservations", /*all=*/true, "", fetch, &merged);
  if (!status.ok()) return status;

  std::vector<Observation> observations(merged.observations().begin(), merged.observations().end());
  absl::StatusOr<std::string> doc = ExportDocument(round, observations);
  if (!doc.ok()) return doc.status();
  if (file == "-") {
    out_ << *doc;
    return kExitOk;
  }
  if (absl::Status s = WriteFileAtomically(file, *doc); !s.ok()) return s;

  int64_t assessed = 0, not_assessed = 0, findings = 0;
  for (const Observation& o : observations) {
    (o.status() == common::v1::TARGET_STATUS_ASSESSED ? assessed : not_assessed) += 1;
    findings += o.findings_size();
  }
  if (json()) {
    nlohmann::ordered_json j = {
        {"file", file},         {"round", round.name()},        {"targets", observations.size()},
        {"assessed", assessed}, {"not_assessed", not_assessed}, {"findings", findings}};
    out_ << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  out_ << "已导出 " << round.name() << " 的 " << observations.size() << " 个监测对象（已评估 "
       << assessed << " 个，无法评估 " << not_assessed << " 个，问题 " << findings << " 条）到 "
       << file << "\n";
  if (!IsTerminal(round.state())) {
    err_ << "注意：轮次 " << round.name() << " 尚未结束（" << RoundStateName(round.state())
         << "），导出的内容不完整\n";
  }
  return kExitOk;
}

Cli::Result Cli::Health(const Invocation& inv) {
  std::vector<std::string> services = ListFlag(inv, "service");
  for (const std::string& s : services) {
    if (clients_->health(s) == nullptr) {
      return UsageError(absl::StrCat("--service must be one of ",
                                     absl::StrJoin(kServiceNames, ", "), ", got \"", s, "\""));
    }
  }
  if (services.empty()) services.assign(std::begin(kServiceNames), std::end(kServiceNames));

  const bool list = BoolFlag(inv, "list", false);
  struct Outcome {
    absl::Status status;
    ::grpc::Status raw;
    ::grpc::health::v1::HealthCheckResponse response;
    std::vector<std::string> services;  // with --list
    std::string list_error;
  };
  std::vector<Outcome> outcomes(services.size());
  {
    // In parallel, so that unreachable services cost one deadline, not one each.
    std::vector<std::thread> threads;
    for (size_t i = 0; i < services.size(); ++i) {
      threads.emplace_back([this, &services, &outcomes, i, list] {
        ::grpc::health::v1::HealthCheckRequest request;
        ::grpc::health::v1::Health::StubInterface* stub = clients_->health(services[i]);
        outcomes[i].status =
            Call(services[i], "Health/Check", /*idempotent=*/true, [&](::grpc::ClientContext* c) {
              outcomes[i].raw = stub->Check(c, request, &outcomes[i].response);
              return outcomes[i].raw;
            });
        if (list && outcomes[i].status.ok()) ListServices(services[i], &outcomes[i].services,
                                                          &outcomes[i].list_error);
      });
    }
    for (std::thread& t : threads) t.join();
  }

  absl::Status first_failure;
  Table table(list ? std::vector<std::string>{"service", "address", "status", "grpc services"}
                   : std::vector<std::string>{"service", "address", "status"});
  table.set_show_header(false);
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (size_t i = 0; i < services.size(); ++i) {
    const Outcome& o = outcomes[i];
    std::string state;
    std::string error;
    if (!o.status.ok()) {
      state = absl::StatusCodeToString(o.status.code());
      error = o.raw.error_message();
      if (first_failure.ok()) first_failure = o.status;
    } else {
      state = ::grpc::health::v1::HealthCheckResponse::ServingStatus_Name(o.response.status());
      if (o.response.status() != ::grpc::health::v1::HealthCheckResponse::SERVING &&
          first_failure.ok()) {
        first_failure = absl::UnavailableError(absl::StrCat(services[i], " is ", state));
      }
    }
    std::vector<std::string> row = {services[i], Address(services[i]),
                                    error.empty() ? state : absl::StrCat(state, ": ", error)};
    if (list) {
      row.push_back(o.list_error.empty() ? absl::StrJoin(o.services, " ") : o.list_error);
      if (!o.list_error.empty() && first_failure.ok()) {
        first_failure = absl::UnavailableError(absl::StrCat(services[i], ": ", o.list_error));
      }
    }
    table.AddRow(row);
    nlohmann::ordered_json entry = {{"service", services[i]},
                                    {"address", Address(services[i])},
                                    {"status", state},
                                    {"error", error}};
    if (list) entry["grpc_services"] = o.services;
    entries.push_back(std::move(entry));
  }
  if (json()) {
    nlohmann::ordered_json doc = {{"ok", first_failure.ok()}, {"services", std::move(entries)}};
    out_ << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    table.Render(out_);
  }
  if (first_failure.ok()) return kExitOk;
  return Reported(first_failure);  // the table already says what failed
}

void Cli::ListServices(const std::string& service, std::vector<std::string>* names,
                       std::string* error) {
  ::grpc::reflection::v1alpha::ServerReflection::StubInterface* stub =
      clients_->reflection(service);
  if (stub == nullptr) {
    *error = "reflection not available";
    return;
  }
  ::grpc::ClientContext context;
  PrepareContext(&context, /*with_deadline=*/true);
  auto stream = stub->ServerReflectionInfo(&context);
  ::grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ::grpc::reflection::v1alpha::ServerReflectionResponse response;
  if (stream->Write(request) && stream->WritesDone() && stream->Read(&response)) {
    for (const auto& s : response.list_services_response().service()) {
      names->push_back(s.name());
    }
    while (stream->Read(&response)) {
    }
  }
  ::grpc::Status status = stream->Finish();
  if (!status.ok()) {
    *error = absl::StrCat("reflection: ", status.error_message());
  } else if (names->empty() && response.has_error_response()) {
    *error = absl::StrCat("reflection: ", response.error_response().error_message());
  }
  std::sort(names->begin(), names->end());
}

// ---------------------------------------------------------------------------------------------
// site check.

namespace {

const char* FindingKindName(const std::string& kind) {
  if (kind == "broken_link") return "错误链接";
  if (kind == "missing_image") return "图片缺失";
  if (kind == "missing_attachment") return "附件缺失";
  if (kind == "site_unreachable") return "首页无法访问";
  return "问题";
}

std::string FetchErrorText(common::v1::FetchError e, int http_status) {
  switch (e) {
    case common::v1::FETCH_ERROR_NONE: return absl::StrCat("HTTP ", http_status);
    case common::v1::FETCH_ERROR_DNS: return "域名无法解析";
    case common::v1::FETCH_ERROR_REFUSED: return "连接被拒绝";
    case common::v1::FETCH_ERROR_RESET: return "连接被重置";
    case common::v1::FETCH_ERROR_TIMEOUT: return "访问超时";
    case common::v1::FETCH_ERROR_TLS: return "证书或加密连接错误";
    case common::v1::FETCH_ERROR_HTTP_STATUS: return absl::StrCat("HTTP ", http_status);
    case common::v1::FETCH_ERROR_REDIRECT_LOOP: return "循环跳转";
    case common::v1::FETCH_ERROR_TOO_MANY_REDIRECTS: return "跳转次数过多";
    case common::v1::FETCH_ERROR_BODY_TOO_LARGE: return "页面过大";
    case common::v1::FETCH_ERROR_BLOCKED: return "被防火墙或验证码拦截";
    case common::v1::FETCH_ERROR_FORBIDDEN_ADDRESS: return "指向内网或保留地址，已拒绝访问";
    default: return "其他错误";
  }
}

}  // namespace

Cli::Result Cli::SiteCheck(const Invocation& inv) {
  const std::string url = inv.args.at(0);
  if (!(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://"))) {
    return UsageError(absl::StrCat("site check: \"", url, "\" is not an http(s) URL"));
  }
  const std::string as_of = FlagValue(inv, "as-of");
  absl::CivilDay day;
  if (!as_of.empty() && !absl::ParseCivilTime(as_of, &day)) {
    return UsageError(absl::StrCat("--as-of \"", as_of, "\": want YYYY-MM-DD"));
  }
  const bool local = BoolFlag(inv, "local", false);
  const std::string connect_to = FlagValue(inv, "connect-to");
  if (!connect_to.empty() && !local) {
    return UsageError("--connect-to needs --local (the crawler service uses its own --connect_to)");
  }
  const bool public_service = BoolFlag(inv, "public-service", false);
  if (public_service && !local) return UsageError("--public-service needs --local");
  crawler::v1::CheckSiteResponse response;
  if (local) {
    crawler::CrawlOptions o;
    o.engine.fetch.connect_to = connect_to;
    o.engine.fetch.max_attempts = 3;
    o.time_budget = std::max(options_.deadline, absl::Minutes(10));
    common::v1::Site site;
    site.set_name("sites/adhoc");
    site.set_home_url(url);
    crawler::MemoryLinkCache cache;
    // Without a registry the unit's duties are unknown: 办事服务 is judged only when told.
    common::v1::Unit unit;
    unit.set_name("units/adhoc");
    unit.set_public_service(public_service);
    *response.mutable_observation() =
        crawler::CrawlSite(site, as_of, o, &cache, nullptr, nullptr, public_service ? &unit : nullptr);
  } else {
    if (clients_->crawler() == nullptr) return absl::UnavailableError("no crawler client");
    crawler::v1::CheckSiteRequest request;
    request.set_home_url(url);
    request.set_as_of(as_of);
    ::grpc::ClientContext context;
    // A crawl takes minutes: the deadline is at least 10 minutes.
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + std::max(options_.deadline, absl::Minutes(10))));
    common::AddBearerToken(&context, options_.token);
    ::grpc::Status status = clients_->crawler()->CheckSite(&context, request, &response);
    if (!status.ok()) return Describe("crawler", "CheckSite", status);
  }
  if (json()) {
    if (absl::Status s = PrintJson(response); !s.ok()) return s;
    return kExitOk;
  }
  const common::v1::Observation& o = response.observation();
  const common::v1::SiteEvidence& ev = o.site();
  out_ << "网站 " << url << " 检查完成" << (as_of.empty() ? "" : absl::StrCat("（监测时间点 ", as_of, "）"))
       << "：抓取页面 " << ev.pages_crawled() << " 个，发现链接 " << ev.links_found() << " 个，检查 "
       << ev.links_checked() << " 个，用时 " << absl::StrFormat("%.1f", ev.crawl_seconds()) << " 秒"
       << (ev.truncated() ? "（达到页面或时间上限，未抓取完整）" : "") << "\n";
  out_ << "首页：" << FetchErrorText(ev.home().error(), ev.home().http_status()) << "，"
       << absl::StrFormat("%.2f", ev.home().latency_seconds()) << " 秒"
       << (ev.home().charset().empty() ? "" : absl::StrCat("，编码 ", ev.home().charset())) << "\n";
  if (o.findings_size() == 0) {
    out_ << "未发现错误链接、图片缺失或附件缺失。\n";
    return kExitOk;
  }
  out_ << "发现问题 " << o.findings_size() << " 条：\n";
  for (const auto& f : o.findings()) {
    out_ << "  【" << FindingKindName(f.kind()) << "】" << f.url();
    if (!f.text().empty()) out_ << "（链接文字：" << f.text() << "）";
    if (!f.source_url().empty()) out_ << "，所在页面 " << f.source_url();
    if (!f.detail().empty()) out_ << "，原因 " << f.detail();
    out_ << "\n";
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// Scores (the scoring service): scores list|show, round rescore.

namespace {

namespace sv1 = ::govinspect::scoring::v1;

std::string VerdictText(sv1::Scorecard::Verdict v, sv1::TargetType type) {
  const bool account = type == sv1::TARGET_TYPE_ACCOUNT;
  switch (v) {
    case sv1::Scorecard::PASS: return account ? "达标" : "合格";
    case sv1::Scorecard::FAIL: return account ? "不达标" : "不合格";
    case sv1::Scorecard::NOT_ASSESSED: return "无法评估";
    case sv1::Scorecard::NOT_APPLICABLE: return "不适用";
    default: return "?";
  }
}

std::string TargetTypeText(sv1::TargetType t) {
  switch (t) {
    case sv1::TARGET_TYPE_PORTAL_SITE: return "门户网站";
    case sv1::TARGET_TYPE_DEPARTMENT_SITE: return "部门网站";
    case sv1::TARGET_TYPE_ACCOUNT: return "政务新媒体";
    case sv1::TARGET_TYPE_UNIT: return "单位";
    case sv1::TARGET_TYPE_OPEN_DATA_PORTAL: return "开放数据平台";
    default: return "?";
  }
}

std::string Pts(double x) { return absl::StrFormat("%.1f", x); }

std::string RateLine(const char* what, const char* pass, const char* fail,
                     const sv1::VerdictCounts& c, double rate) {
  std::string line = absl::StrCat(what, "：", pass, "率 ", absl::StrFormat("%.1f%%", rate * 100),
                                  "（", pass, " ", c.passed(), " 个，", fail, " ", c.failed(),
                                  " 个，无法评估 ", c.not_assessed(), " 个");
  if (c.not_applicable() > 0) absl::StrAppend(&line, "，不适用 ", c.not_applicable(), " 个");
  absl::StrAppend(&line, "；无法评估和不适用的不计入", pass, "率）");
  return line;
}

// "sites/x" or "sites~x" → "sites~x"; a usage error otherwise.
absl::StatusOr<std::string> TargetSegmentArg(absl::string_view arg) {
  std::string s(arg);
  const size_t sep = s.find_first_of("/~");
  if (sep != std::string::npos) s[sep] = '~';
  const std::string collection = sep == std::string::npos ? "" : s.substr(0, sep);
  if ((collection != "sites" && collection != "accounts" && collection != "units" &&
       collection != "portals") ||
      !IsDnsLabel(s.substr(sep + 1))) {
    return UsageError(absl::StrCat("\"", arg,
                                   "\" is not a target: want sites/ID, accounts/ID, units/ID or "
                                   "portals/ID"));
  }
  return s;
}

void RenderHit(std::ostream& out, const sv1::RuleHit& h, const std::string& head) {
  out << "  " << head << h.indicator_name() << " [" << h.indicator() << "/" << h.rule() << "] "
      << h.rule_description() << "（" << h.count() << " 处";
  if (h.measured() >= 0) out << "，实测 " << h.measured();
  if (h.capped()) out << "，计 " << Pts(h.raw_points()) << " 分，已达上限";
  if (h.provisional()) out << "，暂定标准";
  out << "）\n";
  constexpr int kShown = 5;
  for (int i = 0; i < h.evidence_size() && i < kShown; ++i) {
    const common::v1::Finding& f = h.evidence(i);
    std::vector<std::string> parts;
    if (!f.url().empty()) parts.push_back(f.url());
    if (!f.source_url().empty() && f.source_url() != f.url()) {
      parts.push_back(absl::StrCat("（见于 ", f.source_url(), "）"));
    }
    if (!f.text().empty()) parts.push_back(absl::StrCat("“", f.text(), "”"));
    if (!f.date().empty()) parts.push_back(f.date());
    if (!f.detail().empty()) parts.push_back(f.detail());
    if (parts.empty()) parts.push_back(f.kind());
    out << "      证据：" << absl::StrJoin(parts, " ") << "\n";
  }
  const int more = std::max(0, h.evidence_size() - kShown) + h.evidence_omitted();
  if (more > 0) out << "      …另有 " << more << " 条\n";
}

}  // namespace

Cli::Result Cli::ScoresList(const Invocation& inv) {
  absl::StatusOr<std::string> round = ResourceName("rounds", inv.args.at(0));
  if (!round.ok()) return round.status();
  sv1::ScoringService::StubInterface* stub = clients_->scoring();
  if (stub == nullptr) return absl::UnavailableError("no scoring service client");
  sv1::ListScorecardsRequest req;
  req.set_parent(*round);
  req.set_ruleset(FlagValue(inv, "ruleset"));
  req.set_page_size(1000);
  if (HasFlag(inv, "unit")) {
    absl::StatusOr<std::string> unit = ResourceName("units", FlagValue(inv, "unit"));
    if (!unit.ok()) return unit.status();
    req.set_unit(*unit);
  }
  if (BoolFlag(inv, "failed", false)) req.set_verdict(sv1::Scorecard::FAIL);
  sv1::ListScorecardsResponse merged;
  for (int pages = 0;; ++pages) {
    sv1::ListScorecardsResponse page;
    absl::Status status = Call("scoring", "ListScorecards", /*idempotent=*/true,
                               [&](::grpc::ClientContext* c) {
                                 page.Clear();
                                 return stub->ListScorecards(c, req, &page);
                               });
    if (!status.ok()) return status;
    for (auto& card : *page.mutable_scorecards()) *merged.add_scorecards() = std::move(card);
    merged.set_total_size(page.total_size());
    if (page.next_page_token().empty() || pages > 10000) break;
    req.set_page_token(page.next_page_token());
  }
  // The scoring's summary (rates): its ruleset is the flag's, the cards', or the round's.
  std::string ruleset = req.ruleset();
  if (ruleset.empty() && merged.scorecards_size() > 0) ruleset = merged.scorecards(0).ruleset();
  if (ruleset.empty()) {
    GetRoundRequest get;
    get.set_name(*round);
    Round r;
    absl::Status status =
        Call("coordinator", "GetRound", /*idempotent=*/true,
             [&](::grpc::ClientContext* c) { return clients_->rounds().GetRound(c, get, &r); });
    if (!status.ok()) return status;
    ruleset = r.ruleset().empty() ? "gov-2019" : r.ruleset();
  }
  sv1::GetScoringRequest gs;
  gs.set_name(absl::StrCat(*round, "/scorings/", ruleset));
  sv1::Scoring scoring;
  absl::Status status = Call("scoring", "GetScoring", /*idempotent=*/true,
                             [&](::grpc::ClientContext* c) {
                               return stub->GetScoring(c, gs, &scoring);
                             });
  if (!status.ok()) return status;
  if (json()) {
    absl::StatusOr<std::string> s = ToJson(scoring, /*pretty=*/false);
    if (!s.ok()) return s.status();
    nlohmann::ordered_json doc = {{"scoring", nlohmann::ordered_json::parse(*s)},
                                  {"scorecards", nlohmann::ordered_json::array()}};
    for (const auto& card : merged.scorecards()) {
      absl::StatusOr<std::string> c = ToJson(card, /*pretty=*/false);
      if (!c.ok()) return c.status();
      doc["scorecards"].push_back(nlohmann::ordered_json::parse(*c));
    }
    out_ << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  Table t({"对象", "名称", "类型", "单位", "结论", "得分", "说明"});
  for (const auto& c : merged.scorecards()) {
    t.AddRow({c.target(), c.display_name(), TargetTypeText(c.target_type()), ResourceId(c.unit()),
              VerdictText(c.verdict(), c.target_type()), c.scored() ? Pts(c.score()) : "-",
              c.reason()});
  }
  t.Render(out_);
  out_ << "轮次 " << *round << "，规则 " << ruleset << "（第 " << scoring.generation()
       << " 次评分，监测时间点 " << scoring.as_of() << "）\n";
  out_ << RateLine("网站", "合格", "不合格", scoring.sites(), scoring.site_pass_rate()) << "\n";
  out_ << RateLine("政务新媒体", "达标", "不达标", scoring.accounts(), scoring.account_pass_rate())
       << "\n";
  out_ << "共列出 " << t.size() << " 张评分卡";
  std::vector<std::string> filters;
  if (!req.unit().empty()) filters.push_back(absl::StrCat("单位 ", ResourceId(req.unit())));
  if (req.verdict() == sv1::Scorecard::FAIL) filters.push_back("仅不合格");
  if (!filters.empty()) out_ << "（筛选：" << absl::StrJoin(filters, "，") << "）";
  out_ << "\n";
  return kExitOk;
}

Cli::Result Cli::ScoresShow(const Invocation& inv) {
  absl::StatusOr<std::string> round = ResourceName("rounds", inv.args.at(0));
  if (!round.ok()) return round.status();
  absl::StatusOr<std::string> segment = TargetSegmentArg(inv.args.at(1));
  if (!segment.ok()) return segment.status();
  sv1::ScoringService::StubInterface* stub = clients_->scoring();
  if (stub == nullptr) return absl::UnavailableError("no scoring service client");
  const std::string ruleset = FlagValue(inv, "ruleset");
  sv1::GetScorecardRequest req;
  req.set_name(ruleset.empty()
                   ? absl::StrCat(*round, "/scorecards/", *segment)
                   : absl::StrCat(*round, "/scorings/", ruleset, "/scorecards/", *segment));
  sv1::Scorecard c;
  absl::Status status = Call("scoring", "GetScorecard", /*idempotent=*/true,
                             [&](::grpc::ClientContext* ctx) {
                               return stub->GetScorecard(ctx, req, &c);
                             });
  if (!status.ok()) return status;
  if (json()) {
    if (absl::Status s = PrintJson(c); !s.ok()) return s;
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"对象", c.display_name().empty() ? c.target()
                                        : absl::StrCat(c.target(), "（", c.display_name(), "）")},
      {"类型", TargetTypeText(c.target_type())},
      {"单位", ResourceId(c.unit())},
      {"规则", c.ruleset()},
      {"结论", VerdictText(c.verdict(), c.target_type())},
      {"说明", c.reason()},
  };
  if (c.scored()) {
    std::string score = absl::StrCat(Pts(c.score()), "（100 − 扣分 ", Pts(c.deduction_total()));
    if (c.score_scale() != 1) absl::StrAppend(&score, " × ", absl::StrFormat("%.4g", c.score_scale()));
    absl::StrAppend(&score, " = ", Pts(c.base_score()), "，加分 ", Pts(c.bonus_total()), "）");
    fields.emplace_back("得分", score);
  }
  RenderFields(out_, fields);
  if (c.vetoes_size() > 0) {
    out_ << "单项否决（" << c.vetoes_size() << " 项）：\n";
    for (const auto& h : c.vetoes()) RenderHit(out_, h, "✗ ");
  }
  if (c.deductions_size() > 0) {
    out_ << "扣分（共 " << Pts(c.deduction_total()) << " 分）：\n";
    for (const auto& h : c.deductions()) {
      RenderHit(out_, h, absl::StrCat("−", Pts(h.points()), " 分 ", h.group_name(), "·"));
    }
  }
  if (c.bonuses_size() > 0) {
    out_ << "加分（共 " << Pts(c.bonus_total()) << " 分）：\n";
    for (const auto& h : c.bonuses()) RenderHit(out_, h, absl::StrCat("+", Pts(h.points()), " 分 "));
  }
  if (c.problems_size() > 0) {
    out_ << "其他问题（不计分，列入通报）：\n";
    for (const auto& h : c.problems()) RenderHit(out_, h, "· ");
  }
  if (c.vetoes_size() + c.deductions_size() + c.bonuses_size() + c.problems_size() == 0 &&
      c.verdict() != sv1::Scorecard::NOT_ASSESSED) {
    out_ << "未发现问题\n";
  }
  return kExitOk;
}

Cli::Result Cli::RoundRescore(const Invocation& inv) {
  absl::StatusOr<std::string> round = ResourceName("rounds", inv.args.at(0));
  if (!round.ok()) return round.status();
  sv1::ScoringService::StubInterface* stub = clients_->scoring();
  if (stub == nullptr) return absl::UnavailableError("no scoring service client");
  sv1::RescoreRoundRequest req;
  req.set_round(*round);
  req.set_ruleset(FlagValue(inv, "ruleset"));
  sv1::Scoring scoring;
  absl::Status status = Call("scoring", "RescoreRound", /*idempotent=*/false,
                             [&](::grpc::ClientContext* c) {
                               return stub->RescoreRound(c, req, &scoring);
                             });
  if (!status.ok()) return status;
  if (json()) {
    if (absl::Status s = PrintJson(scoring); !s.ok()) return s;
    return kExitOk;
  }
  out_ << "已用规则 " << scoring.ruleset() << " 重新评分 " << *round << "（第 "
       << scoring.generation() << " 次评分，评分卡 " << scoring.scorecard_count() << " 张）\n";
  out_ << RateLine("网站", "合格", "不合格", scoring.sites(), scoring.site_pass_rate()) << "\n";
  out_ << RateLine("政务新媒体", "达标", "不达标", scoring.accounts(), scoring.account_pass_rate())
       << "\n";
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// report get / report units

namespace rv1 = ::govinspect::report::v1;

absl::StatusOr<rv1::Report> Cli::LatestReport(const std::string& round) {
  rv1::ReportService::StubInterface* stub = clients_->report();
  if (stub == nullptr) return absl::UnavailableError("no report service client");
  rv1::ListReportsRequest req;
  req.set_round(round);
  req.set_page_size(50);
  rv1::ListReportsResponse resp;
  absl::Status status = Call("report", "ListReports", /*idempotent=*/true,
                             [&](::grpc::ClientContext* c) { return stub->ListReports(c, req, &resp); });
  if (!status.ok()) return status;
  for (const rv1::Report& r : resp.reports()) {  // newest first
    if (r.state() == rv1::Report::SUCCEEDED) return r;
  }
  if (resp.reports_size() > 0 && resp.reports(0).state() == rv1::Report::RUNNING) {
    return absl::FailedPreconditionError(
        absl::StrCat(round, " 的通报正在生成（", resp.reports(0).name(), "），请稍后再试"));
  }
  return absl::NotFoundError(absl::StrCat(round, " 还没有已生成的通报"));
}

absl::StatusOr<std::string> Cli::DownloadReport(const std::string& report,
                                                rv1::ReportFormat format,
                                                const std::string& unit) {
  rv1::ReportService::StubInterface* stub = clients_->report();
  if (stub == nullptr) return absl::UnavailableError("no report service client");
  rv1::DownloadReportRequest req;
  req.set_name(report);
  req.set_format(format);
  req.set_unit(unit);
  std::string data;
  absl::Status status = Call("report", "DownloadReport", /*idempotent=*/true,
                             [&](::grpc::ClientContext* c) {
                               data.clear();
                               auto reader = stub->DownloadReport(c, req);
                               rv1::ReportChunk chunk;
                               while (reader->Read(&chunk)) data += chunk.data();
                               return reader->Finish();
                             });
  if (!status.ok()) return status;
  return data;
}

Cli::Result Cli::ReportGet(const Invocation& inv) {
  absl::StatusOr<std::string> round = ResourceName("rounds", inv.args.at(0));
  if (!round.ok()) return round.status();
  const std::string format_name = absl::AsciiStrToLower(FlagValue(inv, "format"));
  rv1::ReportFormat format = rv1::REPORT_FORMAT_UNSPECIFIED;
  if (format_name == "pdf") format = rv1::REPORT_FORMAT_PDF;
  if (format_name == "html") format = rv1::REPORT_FORMAT_HTML;
  if (format_name == "xlsx") format = rv1::REPORT_FORMAT_XLSX;
  if (format_name == "md" || format_name == "markdown") format = rv1::REPORT_FORMAT_MARKDOWN;
  if (format_name == "json") format = rv1::REPORT_FORMAT_JSON;
  if (format == rv1::REPORT_FORMAT_UNSPECIFIED) {
    return UsageError(absl::StrCat("--format \"", format_name, "\": want pdf, html, xlsx, md or json"));
  }
  const std::string file = FlagValue(inv, "file");
  if (file.empty()) return UsageError("report get needs -o FILE");
  absl::StatusOr<rv1::Report> report = LatestReport(*round);
  if (!report.ok()) return report.status();
  absl::StatusOr<std::string> data = DownloadReport(report->name(), format, "");
  if (!data.ok()) return data.status();
  if (file == "-") {
    out_ << *data;
    return kExitOk;
  }
  if (absl::Status s = WriteFileAtomically(file, *data); !s.ok()) return s;
  if (json()) {
    nlohmann::ordered_json j = {{"file", file}, {"report", report->name()},
                                {"round", *round}, {"format", format_name},
                                {"size_bytes", data->size()}};
    out_ << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  out_ << "已下载 " << report->name() << "（" << report->title() << "）的 " << format_name
       << " 文件到 " << file << "（" << data->size() << " 字节）\n";
  return kExitOk;
}

Cli::Result Cli::ReportUnits(const Invocation& inv) {
  absl::StatusOr<std::string> round = ResourceName("rounds", inv.args.at(0));
  if (!round.ok()) return round.status();
  const std::string dir = FlagValue(inv, "file");
  if (dir.empty() || dir == "-") return UsageError("report units needs -o DIR");
  absl::StatusOr<rv1::Report> report = LatestReport(*round);
  if (!report.ok()) return report.status();
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::UnknownError(absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  int index = 0;
  for (const rv1::UnitSheet& sheet : report->unit_sheets()) {
    absl::StatusOr<std::string> data = DownloadReport(report->name(), rv1::REPORT_FORMAT_PDF, sheet.unit());
    if (!data.ok()) return data.status();
    // Named by the unit's id, never by its name (a name may hold '/', "..", NUL).
    const std::string path = absl::StrCat(dir, "/", common::UnitSheetFileName(sheet.unit(), ++index));
    if (absl::Status s = WriteFileAtomically(path, *data); !s.ok()) return s;
    files.push_back({{"unit", sheet.unit()}, {"name", sheet.display_name()}, {"file", path},
                     {"problems", sheet.problems()}});
  }
  if (json()) {
    nlohmann::ordered_json j = {{"report", report->name()}, {"dir", dir}, {"files", files}};
    out_ << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  out_ << "已下载 " << report->unit_sheets_size() << " 个单位的整改通知单到 " << dir << "\n";
  return kExitOk;
}

}  // namespace govinspect::cli
