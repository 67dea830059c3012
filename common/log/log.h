#ifndef GOVINSPECT_COMMON_LOG_LOG_H_
#define GOVINSPECT_COMMON_LOG_LOG_H_

// One JSON object per line on stderr: timestamp, severity, message, service, plus context.
//
//   GI_LOG(INFO).With("round", name) << "round created with " << n << " tasks";
//   GI_LOG_EVERY_N_SEC(WARNING, 10) << "redis unreachable: " << status;

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

enum class Severity { kDEBUG = 0, kINFO = 1, kWARNING = 2, kERROR = 3, kCRITICAL = 4 };

// Process-wide settings; call once from main() before threads start.
void SetLogServiceName(std::string service);
void SetMinLogSeverity(Severity severity);

class LogMessage {
 public:
  LogMessage(Severity severity, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;

  LogMessage& With(absl::string_view key, absl::string_view value);
  LogMessage& With(absl::string_view key, int64_t value);

  template <typename T>
  LogMessage& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }
  LogMessage& operator<<(const absl::Status& s) {
    stream_ << s.ToString();
    return *this;
  }

 private:
  Severity severity_;
  const char* file_;
  int line_;
  bool enabled_;
  std::ostringstream stream_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::pair<std::string, int64_t>> int_fields_;
};

// True at most once per `seconds` for the given call-site state.
bool LogRateLimit(std::atomic<int64_t>* last_ns, double seconds);

}  // namespace govinspect::common

#define GI_LOG(severity) \
  ::govinspect::common::LogMessage(::govinspect::common::Severity::k##severity, __FILE__, __LINE__)

#define GI_LOG_EVERY_N_SEC(severity, seconds)                                         \
  for (static std::atomic<int64_t> gi_log_last_ns_{0};                                \
       ::govinspect::common::LogRateLimit(&gi_log_last_ns_, (seconds));)             \
  GI_LOG(severity)

#endif  // GOVINSPECT_COMMON_LOG_LOG_H_
