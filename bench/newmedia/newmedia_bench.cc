// Accounts checked per second for the province profile: generate the province, serve it with
// `simprovince serve` (a subprocess on loopback), check every filed account (plus the units
// without one) with N threads through the real HTTP adapter, and report accounts/s, platform
// requests/s, and the content checker's share of this process's CPU time.
//
//   build/<dir>/bench/newmedia_bench [--threads 8] [--profile province] [--qps 0]

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "services/newmedia/newmedia_server.h"
#include "services/newmedia/sim_harness.h"

namespace nm = govinspect::newmedia;

namespace {
double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}
}  // namespace

int main(int argc, char** argv) {
  int threads = 8;
  double qps = 0;
  std::string profile = "province";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--qps") == 0) qps = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--profile") == 0) profile = argv[i + 1];
  }
  const std::string dir = std::filesystem::temp_directory_path().string() + "/newmedia_bench_" +
                          std::to_string(getpid());
  auto gen = nm::sim::Run(GOVINSPECT_SIMPROVINCE, {"generate", "--seed", "1", "--as-of",
                                                   "2020-06-30", "--profile", profile, "--out", dir});
  if (!gen.ok() || gen->first != 0) {
    std::fprintf(stderr, "generate failed\n");
    return 1;
  }
  int rc = 0;
  {
    auto sim = nm::sim::SimServer::Start(GOVINSPECT_SIMPROVINCE, dir, {});
    auto registry = nm::sim::RegistryFromBundle(dir);
    auto tasks = nm::sim::AccountTasks(dir, "2020-06-30");
    if (!sim.ok() || !registry.ok() || !tasks.ok()) {
      std::fprintf(stderr, "setup failed\n");
      std::filesystem::remove_all(dir);
      return 1;
    }
    nm::NewMediaServerOptions o;
    o.platform_api = *nm::ParsePlatformApi(nm::kDefaultPlatformApi);
    o.fetch.connect_to = (*sim)->address();
    o.platform_qps = qps;
    auto checker = nm::AccountChecker::Create(o, nullptr);
    if (!checker.ok()) return 1;
    const nm::OrphanUnitPlan plan = nm::PlanOrphanUnits(*registry);

    std::atomic<size_t> next{0};
    std::atomic<int> not_assessed{0};
    std::vector<double> content(threads, 0);
    const double cpu0 = CpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i; (i = next++) < tasks->size();) {
          nm::AccountCheckResult r = (*checker)->Check((*tasks)[i]);
          content[t] += r.content_seconds;
          if (r.account.status() != govinspect::common::v1::TARGET_STATUS_ASSESSED) ++not_assessed;
        }
      });
    }
    for (auto& th : pool) th.join();
    for (const auto& u : plan.units) {
      (void)nm::CheckUnitAccounts("rounds/bench", u, (*checker)->adapters(), nm::AccountCheckOptions{});
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = CpuSeconds() - cpu0;
    double content_s = 0;
    for (double c : content) content_s += c;
    const int64_t requests = (*checker)->requests();
    std::printf("{\"profile\":\"%s\",\"threads\":%d,\"accounts\":%zu,\"units_without_accounts\":%zu,"
                "\"not_assessed\":%d,\"seconds\":%.2f,\"accounts_per_second\":%.1f,"
                "\"platform_requests\":%lld,\"requests_per_second\":%.1f,"
                "\"cpu_seconds\":%.2f,\"content_check_cpu_seconds\":%.3f,"
                "\"content_check_cpu_share\":%.3f}\n",
                profile.c_str(), threads, tasks->size(), plan.units.size(), not_assessed.load(),
                wall, static_cast<double>(tasks->size()) / wall, static_cast<long long>(requests),
                static_cast<double>(requests) / wall, cpu, content_s, cpu > 0 ? content_s / cpu : 0);
    rc = not_assessed.load() == 0 ? 0 : 1;
  }
  std::filesystem::remove_all(dir);
  return rc;
}
