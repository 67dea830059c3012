// Queue throughput through a real redis-server: enqueue (pipelined) + take (batched) + complete
// (pipelined Lua, exactly-once counting), printed beside the XADD ceiling that redis-benchmark
// measures against the same server in the same run.
//
//   queue_bench [--tasks N] [--batch B] [--consumers C]

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/work_queue.h"
#include "common/testing/redis_server.h"

namespace {

using govinspect::common::RedisConnection;
using govinspect::common::Task;
using govinspect::common::TaskSpec;
using govinspect::common::WorkQueue;
using govinspect::common::WorkQueueOptions;

double XaddCeiling(int port, int n) {
  std::string cmd = absl::StrCat("redis-benchmark -h 127.0.0.1 -p ", port, " -P 16 -n ", n,
                                 " -q XADD ceiling '*' round r target t payload p 2>/dev/null");
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return 0;
  char buf[4096];
  std::string out;
  while (fgets(buf, sizeof(buf), f) != nullptr) out += buf;
  pclose(f);
  // "XADD ceiling ...: 781250.00 requests per second, p50=..."
  size_t colon = out.rfind(": ");
  double rps = 0;
  if (colon != std::string::npos) {
    std::string num = out.substr(colon + 2);
    num = num.substr(0, num.find(' '));
    absl::SimpleAtod(num, &rps);
  }
  return rps;
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 200000, batch = 200, consumers = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (f == "--tasks") tasks = v;
    else if (f == "--batch") batch = v;
    else if (f == "--consumers") consumers = v;
  }
  govinspect::testing::RedisServer::Options ro;
  ro.tcp = true;
  govinspect::testing::RedisServer redis(ro);
  if (absl::Status s = redis.Start(); !s.ok()) {
    fprintf(stderr, "redis: %s\n", s.ToString().c_str());
    return 1;
  }
  double ceiling = XaddCeiling(redis.port(), 500000);

  govinspect::common::RedisOptions co;
  co.host = "127.0.0.1";
  co.port = redis.port();
  RedisConnection conn(co);
  WorkQueueOptions qo;
  qo.enqueue_batch = 1000;
  WorkQueue q(&conn, qo);
  std::vector<TaskSpec> specs;
  specs.reserve(tasks);
  for (int i = 0; i < tasks; ++i) {
    specs.push_back({"crawl", absl::StrCat("sites/s", i), std::string(64, 'p')});
  }
  absl::Time t0 = absl::Now();
  if (absl::Status s = q.EnqueueRound("bench", specs); !s.ok()) {
    fprintf(stderr, "enqueue: %s\n", s.ToString().c_str());
    return 1;
  }
  absl::Time t1 = absl::Now();
  std::vector<std::thread> threads;
  std::atomic<int64_t> counted{0};
  std::atomic<int> finished{0};
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      RedisConnection cc(co);
      WorkQueue wq(&cc, qo);
      std::string consumer = absl::StrCat("bench-", c);
      while (true) {
        auto got = wq.Take("crawl", consumer, batch, absl::Milliseconds(100));
        if (!got.ok() || got->empty()) break;
        auto done = wq.CompleteMany(*got);
        if (!done.ok()) {
          fprintf(stderr, "complete: %s\n", done.status().ToString().c_str());
          break;
        }
        for (const auto& d : *done) {
          counted += d.counted;
          finished += d.round_finished;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  absl::Time t2 = absl::Now();
  double enqueue_s = absl::ToDoubleSeconds(t1 - t0);
  double work_s = absl::ToDoubleSeconds(t2 - t1);
  double total_s = absl::ToDoubleSeconds(t2 - t0);
  double rate = tasks / total_s;
  printf("queue bench: %d tasks, take batch %d, %d consumer(s), redis-server on loopback TCP\n",
         tasks, batch, consumers);
  printf("  enqueue (pipelined XADD)        %10.0f tasks/s  (%.2f s)\n", tasks / enqueue_s,
         enqueue_s);
  printf("  take + complete (Lua, piped)    %10.0f tasks/s  (%.2f s)\n", tasks / work_s, work_s);
  printf("  end to end (enqueue+take+ack)   %10.0f tasks/s\n", rate);
  printf("  XADD ceiling (redis-benchmark -P 16)  %10.0f ops/s\n", ceiling);
  printf("  ratio end-to-end / ceiling      %10.3f\n", ceiling > 0 ? rate / ceiling : 0.0);
  printf("  counted %lld of %d, round finished %d time(s)\n",
         static_cast<long long>(counted.load()), tasks, finished.load());
  printf("  target >= 50000 tasks/s: %s\n", rate >= 50000 ? "met" : "NOT met");
  return counted.load() == tasks && finished.load() == 1 ? 0 : 1;
}
