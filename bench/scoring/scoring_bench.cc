// Scorecards per second for the province profile's truth-derived observations.
//
//   scoring_bench [--profile province] [--seed 1] [--iterations 5]
//
// Generates the province with simprovince into a temp dir, turns the ground truth's planted
// findings into observations (services/scoring/testing/truth_round.h), then scores the whole
// round `iterations` times with gov-2019. Baseline measured in the same run: parsing the same
// observations from their serialized bytes (what ScoreRound must do anyway after reading Redis).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/testing/redis_server.h"
#include "services/scoring/engine.h"
#include "services/scoring/ruleset.h"
#include "services/scoring/testing/truth_round.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string profile = "province";
  int seed = 1;
  int iterations = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--profile") profile = argv[i + 1];
    if (flag == "--seed" && !absl::SimpleAtoi(argv[i + 1], &seed)) return 2;
    if (flag == "--iterations" && !absl::SimpleAtoi(argv[i + 1], &iterations)) return 2;
  }
  using govinspect::scoring::Engine;
  using govinspect::scoring::RulesetCatalog;
  govinspect::testing::TempDir dir;
  auto t0 = std::chrono::steady_clock::now();
  if (auto s = govinspect::scoring::testing::GenerateProvince(GOVINSPECT_SIMPROVINCE, profile, seed,
                                                              "2020-06-30", dir.path());
      !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  auto truth = govinspect::scoring::testing::LoadTruthRound(dir.path(), "rounds/bench");
  if (!truth.ok()) {
    std::cerr << truth.status() << "\n";
    return 1;
  }
  const double setup = Seconds(t0);
  auto catalog = RulesetCatalog::LoadDir(std::string(GOVINSPECT_SOURCE_DIR) + "/rulesets");
  if (!catalog.ok()) {
    std::cerr << catalog.status() << "\n";
    return 1;
  }
  auto rs = catalog->Find("gov-2019");
  Engine engine(rs->ruleset, rs->digest);
  int64_t findings = 0;
  std::vector<std::string> bytes;
  for (const auto& o : truth->observations) {
    findings += o.findings_size();
    bytes.push_back(o.SerializeAsString());
  }

  // Baseline: parse every observation from bytes.
  auto b0 = std::chrono::steady_clock::now();
  int64_t parsed = 0;
  for (int it = 0; it < iterations; ++it) {
    for (const std::string& b : bytes) {
      govinspect::common::v1::Observation o;
      parsed += o.ParseFromString(b);
    }
  }
  const double parse_s = Seconds(b0);

  auto s0 = std::chrono::steady_clock::now();
  int64_t cards = 0;
  double site_rate = 0;
  for (int it = 0; it < iterations; ++it) {
    auto r = engine.ScoreRound("rounds/bench", truth->as_of, truth->observations, truth->registry);
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
    cards += static_cast<int64_t>(r->cards.size());
    site_rate = r->scoring.site_pass_rate();
  }
  const double score_s = Seconds(s0);
  std::printf("profile %s seed %d: %zu observations, %lld findings (setup %.2f s)\n",
              profile.c_str(), seed, truth->observations.size(),
              static_cast<long long>(findings), setup);
  std::printf("score round (engine, gov-2019): %d rounds in %.3f s = %.0f scorecards/s "
              "(%.1f ms per round; site pass rate %.4f)\n",
              iterations, score_s, cards / score_s, 1000 * score_s / iterations, site_rate);
  std::printf("baseline parse of the same observations: %.0f observations/s (%lld parsed)\n",
              static_cast<double>(parsed) / parse_s, static_cast<long long>(parsed));
  std::printf("ratio scoring/parsing time: %.2f\n", score_s / parse_s);
  return 0;
}
