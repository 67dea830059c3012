#ifndef GOVINSPECT_SERVICES_REPORT_REPORT_MANAGER_H_
#define GOVINSPECT_SERVICES_REPORT_REPORT_MANAGER_H_

// Reports as resources (reports/{report}): records in Redis, artifacts in a directory. Create
// writes the report to completion (idempotent by request_id); Get, List and ArtifactPath read.
//
// Redis keys (prefix `govinspect`):
//   <p>:report:<id>              hash   blob = serialized govinspect.report.v1.Report
//   <p>:reports                  zset   report ids by creation time (ms)
//   <p>:round:<round>:reports    zset   the round's report ids by creation time
//   <p>:round:<round>:report_seq string counter for report ids (<round>, <round>-2, …)
//   <p>:report:request:<id>      string report id of a request_id (expires after 400 days)
// Files: <reports_dir>/<id>/report.{html,pdf,xlsx,md,json} and units/<unit>.pdf.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "govinspect/report/v1/report_service.pb.h"
#include "services/report/report_templates.h"
#include "services/report/sources.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace govinspect::report {

// Metric children built once by the server (any may be null).
struct ReportMetrics {
  prometheus::Counter* succeeded = nullptr;
  prometheus::Counter* failed = nullptr;
  prometheus::Gauge* running = nullptr;
  // By format id (html, pdf, xlsx, markdown, json) and "unit_sheet".
  std::map<std::string, prometheus::Histogram*> render_seconds;
};

struct ReportManagerOptions {
  std::string key_prefix = "govinspect";
  std::string reports_dir;
  // The report date when the templates do not fix one: today in Beijing time.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class ReportManager {
 public:
  // All pointers must outlive the manager.
  ReportManager(ReportManagerOptions options, common::RedisPool* pool, ScoringReader* scoring,
                const ReportTemplates* templates, const ReportMetrics* metrics);

  absl::StatusOr<v1::Report> Create(const v1::Report& request, const std::string& request_id);
  absl::StatusOr<v1::Report> Get(const std::string& name);
  absl::StatusOr<v1::ListReportsResponse> List(int page_size, const std::string& page_token,
                                               const std::string& round);
  // The file of one artifact of a SUCCEEDED report.
  absl::StatusOr<std::string> ArtifactPath(const std::string& name, v1::ReportFormat format,
                                           const std::string& unit);

 private:
  struct Job {
    absl::Notification done;
    absl::StatusOr<v1::Report> result;
  };

  absl::StatusOr<v1::Report> Load(common::RedisConnection& conn, const std::string& id);
  absl::Status Save(common::RedisConnection& conn, const v1::Report& report);
  // Runs the report `id` (its record is written RUNNING first), or waits for the run already
  // going on in this process.
  absl::StatusOr<v1::Report> RunOrWait(const std::string& id, const std::string& round_id,
                                       v1::Report report);
  absl::Status Render(const std::string& id, const std::string& round_id, v1::Report* report);

  ReportManagerOptions options_;
  common::RedisPool* pool_;
  ScoringReader* scoring_;
  const ReportTemplates* templates_;
  const ReportMetrics* metrics_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Job>> jobs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_REPORT_MANAGER_H_
