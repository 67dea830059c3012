#ifndef GOVINSPECT_SERVICES_REPORT_REPORT_SERVICE_H_
#define GOVINSPECT_SERVICES_REPORT_REPORT_SERVICE_H_

#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "govinspect/report/v1/report_service.grpc.pb.h"
#include "services/report/report_manager.h"

namespace govinspect::report {

// Thin callback handlers: check the token, run the manager on an executor, map the status.
// Reports are written on `render_executor` (long); reads and downloads use `executor`.
class ReportServiceImpl final : public v1::ReportService::CallbackService {
 public:
  ReportServiceImpl(ReportManager* manager, common::BoundedExecutor* executor,
                    common::BoundedExecutor* render_executor, const common::RpcAuthorizer* auth)
      : manager_(manager), executor_(executor), render_executor_(render_executor), auth_(auth) {}

  grpc::ServerUnaryReactor* CreateReport(grpc::CallbackServerContext* context,
                                         const v1::CreateReportRequest* request,
                                         v1::Report* response) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context,
                                      const v1::GetReportRequest* request,
                                      v1::Report* response) override;
  grpc::ServerUnaryReactor* ListReports(grpc::CallbackServerContext* context,
                                        const v1::ListReportsRequest* request,
                                        v1::ListReportsResponse* response) override;
  grpc::ServerWriteReactor<v1::ReportChunk>* DownloadReport(
      grpc::CallbackServerContext* context, const v1::DownloadReportRequest* request) override;

 private:
  ReportManager* manager_;
  common::BoundedExecutor* executor_;
  common::BoundedExecutor* render_executor_;
  const common::RpcAuthorizer* auth_;
};

// Chunk size of DownloadReport.
inline constexpr size_t kDownloadChunkBytes = 64 * 1024;

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_REPORT_SERVICE_H_
