#include "services/scoring/testing/truth_round.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/coordinator/registry_import.h"

namespace govinspect::scoring::testing {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || !it->is_string() ? "" : it->get<std::string>();
}

}  // namespace

absl::StatusOr<TruthRound> LoadTruthRound(const std::string& dir, const std::string& round) {
  TruthRound out;
  std::vector<coordinator::RegistryFile> files;
  for (const char* name : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
    absl::StatusOr<std::string> content = ReadFile(absl::StrCat(dir, "/", name));
    if (!content.ok()) return content.status();
    files.push_back({name, *std::move(content)});
  }
  absl::StatusOr<common::v1::Registry> registry = coordinator::ParseRegistryBundle(files);
  if (!registry.ok()) return registry.status();
  out.registry = *std::move(registry);
  std::set<std::string> registered;
  for (const auto& u : out.registry.units()) registered.insert(u.name());
  for (const auto& s : out.registry.sites()) registered.insert(s.name());
  for (const auto& a : out.registry.accounts()) registered.insert(a.name());

  absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir, "/truth.json"));
  if (!text.ok()) return text.status();
  nlohmann::json truth = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (truth.is_discarded() || !truth.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(dir, "/truth.json is not JSON"));
  }
  out.as_of = Str(truth, "as_of");
  for (const nlohmann::json& t : truth.value("targets", nlohmann::json::array())) {
    const std::string target = Str(t, "target");
    if (registered.count(target) == 0) {
      ++out.skipped_unregistered;
      continue;
    }
    common::v1::Observation o;
    o.set_name(absl::StrCat(round, "/observations/", target));
    o.set_round(round);
    o.set_target(target);
    o.set_unit(Str(t, "unit"));
    o.set_status(common::v1::TARGET_STATUS_ASSESSED);
    for (const nlohmann::json& f : t.value("findings", nlohmann::json::array())) {
      common::v1::Finding* x = o.add_findings();
      x->set_kind(Str(f, "kind"));
      x->set_indicator(Str(f, "indicator"));
      x->set_url(Str(f, "url"));
      x->set_source_url(Str(f, "source_url"));
      x->set_text(Str(f, "text"));
      x->set_excerpt(Str(f, "excerpt"));
      x->set_date(Str(f, "date"));
      x->set_detail(Str(f, "detail"));
    }
    TruthExpectation e;
    e.type = Str(t, "type");
    if (e.type == "account") {
      const nlohmann::json facts = t.value("facts", nlohmann::json::object());
      o.mutable_account()->set_platform_state(Str(facts, "status"));
    }
    if (t.contains("expected")) {
      const nlohmann::json& x = t["expected"];
      e.result = Str(x, "result");
      for (const nlohmann::json& v : x.value("veto_indicators", nlohmann::json::array())) {
        e.veto_indicators.insert(v.get<std::string>());
      }
    }
    out.expected[target] = std::move(e);
    out.observations.push_back(std::move(o));
  }
  return out;
}

absl::Status GenerateProvince(const std::string& simprovince, const std::string& profile, int seed,
                              const std::string& as_of, const std::string& out_dir) {
  const std::string cmd = absl::StrCat("'", simprovince, "' generate --seed ", seed, " --as-of ",
                                       as_of, " --profile ", profile, " --out '", out_dir,
                                       "' >/dev/null 2>&1");
  const int rc = std::system(cmd.c_str());
  if (rc != 0) return absl::InternalError(absl::StrCat("`", cmd, "` exited ", rc));
  return absl::OkStatus();
}

}  // namespace govinspect::scoring::testing
