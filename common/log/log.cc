#include "common/log/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace govinspect::common {
namespace {

std::string& ServiceName() {
  static std::string* name = new std::string("govinspect");
  return *name;
}
std::atomic<int> g_min_severity{static_cast<int>(Severity::kINFO)};

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kDEBUG: return "DEBUG";
    case Severity::kINFO: return "INFO";
    case Severity::kWARNING: return "WARNING";
    case Severity::kERROR: return "ERROR";
    case Severity::kCRITICAL: return "CRITICAL";
  }
  return "INFO";
}

}  // namespace

void SetLogServiceName(std::string service) { ServiceName() = std::move(service); }
void SetMinLogSeverity(Severity severity) { g_min_severity = static_cast<int>(severity); }

LogMessage::LogMessage(Severity severity, const char* file, int line)
    : severity_(severity),
      file_(file),
      line_(line),
      enabled_(static_cast<int>(severity) >= g_min_severity.load(std::memory_order_relaxed)) {}

LogMessage& LogMessage::With(absl::string_view key, absl::string_view value) {
  if (enabled_) fields_.emplace_back(std::string(key), std::string(value));
  return *this;
}

LogMessage& LogMessage::With(absl::string_view key, int64_t value) {
  if (enabled_) int_fields_.emplace_back(std::string(key), value);
  return *this;
}

LogMessage::~LogMessage() {
  if (!enabled_) return;
  nlohmann::json j;
  j["timestamp"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  j["severity"] = SeverityName(severity_);
  j["message"] = stream_.str();
  j["service"] = ServiceName();
  std::string f(file_);
  if (auto pos = f.rfind('/'); pos != std::string::npos) f = f.substr(pos + 1);
  j["source"] = f + ":" + std::to_string(line_);
  for (auto& [k, v] : fields_) j[k] = v;
  for (auto& [k, v] : int_fields_) j[k] = v;
  std::string line =
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // One write() per line keeps lines whole across threads.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

bool LogRateLimit(std::atomic<int64_t>* last_ns, double seconds) {
  // Used as a for-loop condition: true once, then false to end the loop.
  thread_local const std::atomic<int64_t>* fired_for = nullptr;
  if (fired_for == last_ns) {
    fired_for = nullptr;
    return false;
  }
  int64_t now = absl::GetCurrentTimeNanos();
  int64_t prev = last_ns->load(std::memory_order_relaxed);
  if (prev != 0 && now - prev < static_cast<int64_t>(seconds * 1e9)) return false;
  if (!last_ns->compare_exchange_strong(prev, now)) return false;
  fired_for = last_ns;
  return true;
}

}  // namespace govinspect::common
