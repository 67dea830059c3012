// The HTTP server of the simulated province: every site, the platform APIs and the CKAN
// portal on one listen address, chosen by the Host header; fault injection per host.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_SERVER_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/simprovince/model.h"
#include "tools/simprovince/render.h"

struct event_base;
struct evhttp;
struct evhttp_request;

namespace govinspect::simprovince {

enum class FailureKind { kHttp5xx, kTimeout, kReset };

// One --fault flag: HOST:key[=value],key[=value]...  (HOST "*" = every host).
struct FaultSpec {
  std::string host = "*";
  int latency_ms = 0;
  double fail_ratio = 0.0;  // of all requests to the host, spread by error diffusion
  FailureKind fail_mode = FailureKind::kHttp5xx;
  bool redirect_loop = false;  // adds a link to /__loop/0, which redirects forever
  bool url_trap = false;       // adds a link to /__calendar/YYYY-MM, an endless calendar
  bool malformed = false;      // truncated, unbalanced HTML
  bool lying_charset = false;  // the Content-Type charset contradicts the body
  bool gzip_bomb = false;      // Content-Encoding: gzip body that inflates to gzip_bomb_mb
  int gzip_bomb_mb = 256;
  size_t oversize_bytes = 0;   // pads every HTML page to this size
};
absl::StatusOr<FaultSpec> ParseFault(absl::string_view spec);

struct ServerOptions {
  std::string listen = "127.0.0.1:0";
  int threads = 2;
  int hang_ms = 20000;  // how long a "timeout" failure holds the response
  size_t cache_bytes_per_thread = 64u << 20;
  std::vector<FaultSpec> faults;
  PageWeight page_weight = PageWeight::kLight;  // what every page weighs (page_weight.h)
};

// Error diffusion: the k-th event (0-based) fails iff floor((k+1)·r) > floor(k·r), so over
// any N consecutive events the failures are floor or ceil of N·r.
inline bool DiffusedFailure(uint64_t k, uint32_t ppm) {
  return ((k + 1) * ppm) / 1000000 > (k * ppm) / 1000000;
}

class Server {
 public:
  Server(const Province& p, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  absl::Status Start();
  // "127.0.0.1:PORT" once started.
  std::string address() const { return address_; }
  int port() const { return port_; }
  // Stops every event loop and joins the threads. Idempotent.
  void Stop();
  uint64_t requests() const;

  struct Worker;

 private:
  friend struct Worker;
  const Province& p_;
  ServerOptions o_;
  SiteRenderer renderer_;
  std::string address_;
  int port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  // Per-site home-page request counters (planted failure ratios) and per-fault counters.
  std::unique_ptr<std::atomic<uint64_t>[]> home_counters_;
  std::unique_ptr<std::atomic<uint64_t>[]> fault_counters_;
  absl::flat_hash_map<std::string, int> fault_by_host_;
  int fault_all_ = -1;
  std::string gzip_bomb_;
  std::string padding_;
  bool stopped_ = false;

 public:
  // Used by the request callback.
  void Handle(Worker& w, evhttp_request* req);
};

// One JSON object per line on stderr.
void LogEvent(const std::string& severity, const std::string& message,
              const std::vector<std::pair<std::string, std::string>>& fields = {});

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_SERVER_H_
