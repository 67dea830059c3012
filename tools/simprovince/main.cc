// simprovince: the simulated province with ground truth (see docs/simprovince.md).
//
//   simprovince generate --seed N --as-of YYYY-MM-DD --profile tiny|city|province --out DIR [--rate NAME=X]...
//   simprovince serve DIR [--listen 127.0.0.1:0] [--threads N] [--hang-ms MS] [--fault HOST:SPEC]...
//                     [--page-weight light|heavy]
//   simprovince export-site DIR --site SITE_ID --out WWWDIR [--page-weight light|heavy]
//   simprovince score-detection --truth T --observations O [--output table|json]
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/generate.h"
#include "tools/simprovince/registry_writer.h"
#include "tools/simprovince/render.h"
#include "tools/simprovince/score.h"
#include "tools/simprovince/server.h"

namespace govinspect::simprovince {
namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  simprovince generate --seed N --as-of YYYY-MM-DD --profile tiny|city|province --out DIR [--rate NAME=X]...\n"
    "  simprovince serve DIR [--listen 127.0.0.1:0] [--threads N] [--hang-ms MS] [--fault HOST:SPEC]...\n"
    "                    [--page-weight light|heavy]\n"
    "  simprovince export-site DIR --site SITE_ID --out WWWDIR [--page-weight light|heavy]\n"
    "  simprovince score-detection --truth T --observations O [--scorecards S] [--output table|json]\n";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;
  std::string Get(const std::string& k, const std::string& def = "") const {
    auto it = flags.find(k);
    return it == flags.end() || it->second.empty() ? def : it->second.back();
  }
};

absl::StatusOr<Args> ParseArgs(int argc, char** argv, int first) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      size_t eq = s.find('=');
      if (eq != std::string::npos) {
        a.flags[s.substr(2, eq - 2)].push_back(s.substr(eq + 1));
      } else if (i + 1 < argc) {
        a.flags[s.substr(2)].push_back(argv[++i]);
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag ", s, " needs a value"));
      }
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

int Fail(const absl::Status& st) {
  LogEvent("ERROR", std::string(st.message()), {{"code", absl::StatusCodeToString(st.code())}});
  return st.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

int Generate(const Args& a) {
  GenerateOptions o;
  if (!absl::SimpleAtoi(a.Get("seed", "1"), &o.seed)) return Fail(absl::InvalidArgumentError("--seed must be an integer"));
  absl::StatusOr<Day> as_of = ParseIsoDate(a.Get("as-of"));
  if (!as_of.ok()) return Fail(absl::InvalidArgumentError(absl::StrCat("--as-of: ", as_of.status().message())));
  o.as_of = *as_of;
  absl::StatusOr<Profile> profile = ParseProfile(a.Get("profile", "city"));
  if (!profile.ok()) return Fail(profile.status());
  o.profile = *profile;
  const std::string out = a.Get("out");
  if (out.empty()) return Fail(absl::InvalidArgumentError("--out DIR is required"));
  auto rates = a.flags.find("rate");
  if (rates != a.flags.end()) {
    for (const std::string& r : rates->second) {
      std::vector<std::string> kv = absl::StrSplit(r, absl::MaxSplits('=', 1));
      double v;
      if (kv.size() != 2 || !absl::SimpleAtod(kv[1], &v)) {
        return Fail(absl::InvalidArgumentError(absl::StrCat("--rate \"", r, "\": expected NAME=NUMBER")));
      }
      o.rates[kv[0]] = v;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<Province> p = GenerateProvince(o);
  if (!p.ok()) return Fail(p.status());
  absl::Status st = WriteProvince(*p, out);
  if (!st.ok()) return Fail(st);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  LogEvent("INFO", "generated", {{"profile", ProfileName(o.profile)}, {"out", out},
                                 {"units", absl::StrCat(p->units.size())}, {"sites", absl::StrCat(p->sites.size())},
                                 {"accounts", absl::StrCat(p->accounts.size())},
                                 {"datasets", absl::StrCat(p->portal.datasets.size())},
                                 {"seconds", absl::StrCat(secs)}});
  return 0;
}

int Serve(const Args& a) {
  if (a.positional.size() != 1) return Fail(absl::InvalidArgumentError("serve needs the generated DIR"));
  ServerOptions o;
  o.listen = a.Get("listen", "127.0.0.1:0");
  if (!absl::SimpleAtoi(a.Get("threads", "2"), &o.threads)) return Fail(absl::InvalidArgumentError("--threads"));
  if (!absl::SimpleAtoi(a.Get("hang-ms", "20000"), &o.hang_ms) || o.hang_ms < 0) {
    return Fail(absl::InvalidArgumentError("--hang-ms"));
  }
  absl::StatusOr<PageWeight> weight = ParsePageWeight(a.Get("page-weight", "light"));
  if (!weight.ok()) return Fail(weight.status());
  o.page_weight = *weight;
  auto faults = a.flags.find("fault");
  if (faults != a.flags.end()) {
    for (const std::string& f : faults->second) {
      absl::StatusOr<FaultSpec> spec = ParseFault(f);
      if (!spec.ok()) return Fail(spec.status());
      o.faults.push_back(*spec);
      LogEvent("INFO", "fault configured", {{"fault", f}});
    }
  }
  // Block the signals before any thread exists; main waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<Province> p = LoadProvince(a.positional[0]);
  if (!p.ok()) return Fail(p.status());
  Server server(*p, o);
  absl::Status st = server.Start();
  if (!st.ok()) return Fail(st);
  std::printf("listening on %s\n", server.address().c_str());
  std::fflush(stdout);
  LogEvent("INFO", "listening", {{"address", server.address()}, {"threads", absl::StrCat(o.threads)},
                                 {"sites", absl::StrCat(p->sites.size())}, {"portal", p->portal.host}});
  int sig = 0;
  sigwait(&set, &sig);
  server.Stop();
  LogEvent("INFO", "stopped", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                               {"requests", absl::StrCat(server.requests())}});
  return 0;
}

int ExportSite(const Args& a) {
  if (a.positional.size() != 1) return Fail(absl::InvalidArgumentError("export-site needs the generated DIR"));
  const std::string site_id = a.Get("site"), out = a.Get("out");
  if (site_id.empty() || out.empty()) return Fail(absl::InvalidArgumentError("--site and --out are required"));
  absl::StatusOr<PageWeight> weight = ParsePageWeight(a.Get("page-weight", "light"));
  if (!weight.ok()) return Fail(weight.status());
  absl::StatusOr<Province> p = LoadProvince(a.positional[0]);
  if (!p.ok()) return Fail(p.status());
  int site = -1;
  for (size_t i = 0; i < p->sites.size(); ++i) {
    if (p->sites[i].id == site_id) site = static_cast<int>(i);
  }
  if (site < 0) return Fail(absl::NotFoundError(absl::StrCat("no site \"", site_id, "\"")));
  SiteRenderer renderer(*p, *weight);
  size_t files = 0, bytes = 0, html_files = 0, html_bytes = 0;
  for (const std::string& path : renderer.Paths(site)) {
    std::string rel = path;
    if (rel.back() == '/') rel += "index.html";
    std::string file = out + rel;
    // Create the directories.
    for (size_t pos = out.size() + 1; (pos = file.find('/', pos)) != std::string::npos; ++pos) {
      ::mkdir(file.substr(0, pos).c_str(), 0755);
    }
    ::mkdir(out.c_str(), 0755);
    HttpResponse r = renderer.Render(site, path);
    absl::Status st = WriteFile(file, r.body);
    if (!st.ok()) return Fail(st);
    ++files;
    bytes += r.body.size();
    if (r.status == 200 && r.content_type.rfind("text/html", 0) == 0) {
      ++html_files;
      html_bytes += r.body.size();
    }
  }
  LogEvent("INFO", "exported", {{"site", site_id}, {"out", out}, {"page_weight", PageWeightId(*weight)},
                                {"files", absl::StrCat(files)}, {"bytes", absl::StrCat(bytes)},
                                {"html_files", absl::StrCat(html_files)}, {"html_bytes", absl::StrCat(html_bytes)}});
  return 0;
}

int ScoreCmd(const Args& a) {
  absl::StatusOr<std::string> t = ReadFile(a.Get("truth"));
  if (!t.ok()) return Fail(t.status());
  absl::StatusOr<std::string> o = ReadFile(a.Get("observations"));
  if (!o.ok()) return Fail(o.status());
  nlohmann::json tj = nlohmann::json::parse(*t, nullptr, false);
  nlohmann::json oj = nlohmann::json::parse(*o, nullptr, false);
  if (tj.is_discarded()) return Fail(absl::InvalidArgumentError("--truth is not valid JSON"));
  if (oj.is_discarded()) return Fail(absl::InvalidArgumentError("--observations is not valid JSON"));
  absl::StatusOr<DetectionScore> s = ScoreDetection(tj, oj);
  if (!s.ok()) return Fail(s.status());
  std::optional<VerdictScore> v;
  if (!a.Get("scorecards").empty()) {
    absl::StatusOr<std::string> c = ReadFile(a.Get("scorecards"));
    if (!c.ok()) return Fail(c.status());
    nlohmann::json cj = nlohmann::json::parse(*c, nullptr, false);
    if (cj.is_discarded()) return Fail(absl::InvalidArgumentError("--scorecards is not valid JSON"));
    absl::StatusOr<VerdictScore> vs = ScoreVerdicts(tj, cj);
    if (!vs.ok()) return Fail(vs.status());
    v = *std::move(vs);
  }
  if (a.Get("output", "table") == "json") {
    nlohmann::json j = s->ToJson();
    if (v) j["verdicts"] = v->ToJson();
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(s->ToTable().c_str(), stdout);
    if (v) std::fputs(v->ToTable().c_str(), stdout);
  }
  return 0;
}

}  // namespace
}  // namespace govinspect::simprovince

int main(int argc, char** argv) {
  using namespace govinspect::simprovince;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  absl::StatusOr<Args> args = ParseArgs(argc, argv, 2);
  if (!args.ok()) return Fail(args.status());
  const std::string cmd = argv[1];
  if (cmd == "generate") return Generate(*args);
  if (cmd == "serve") return Serve(*args);
  if (cmd == "export-site") return ExportSite(*args);
  if (cmd == "score-detection") return ScoreCmd(*args);
  std::fputs(kUsage, stderr);
  return 2;
}
