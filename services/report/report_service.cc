#include "services/report/report_service.h"

#include <cstdio>

#include "common/grpc/unary.h"
#include "common/status/grpc_status.h"

namespace govinspect::report {
namespace {

// Streams one file in kDownloadChunkBytes chunks; every read runs on the executor.
class DownloadReactor : public grpc::ServerWriteReactor<v1::ReportChunk> {
 public:
  DownloadReactor(ReportManager* manager, common::BoundedExecutor* executor,
                  v1::DownloadReportRequest request)
      : manager_(manager), executor_(executor), request_(std::move(request)) {
    if (!executor_->TrySubmit([this] { Open(); })) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry later"));
    }
  }
  ~DownloadReactor() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    if (!executor_->TrySubmit([this] { ReadNext(); })) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry later"));
    }
  }
  void OnDone() override { delete this; }

 private:
  void Open() {
    auto path = manager_->ArtifactPath(request_.name(), request_.format(), request_.unit());
    if (!path.ok()) {
      Finish(common::ToGrpcStatus(path.status()));
      return;
    }
    file_ = std::fopen(path->c_str(), "rb");
    if (file_ == nullptr) {
      Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "the report's file is missing from the reports directory"));
      return;
    }
    ReadNext();
  }
  void ReadNext() {
    std::string* data = chunk_.mutable_data();
    data->resize(kDownloadChunkBytes);
    const size_t n = std::fread(data->data(), 1, data->size(), file_);
    if (n == 0) {
      Finish(std::ferror(file_) ? grpc::Status(grpc::StatusCode::INTERNAL, "reading the file failed")
                                : grpc::Status::OK);
      return;
    }
    data->resize(n);
    StartWrite(&chunk_);
  }

  ReportManager* manager_;
  common::BoundedExecutor* executor_;
  v1::DownloadReportRequest request_;
  FILE* file_ = nullptr;
  v1::ReportChunk chunk_;
};

}  // namespace

grpc::ServerUnaryReactor* ReportServiceImpl::CreateReport(grpc::CallbackServerContext* context,
                                                          const v1::CreateReportRequest* request,
                                                          v1::Report* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return common::FinishNow(context, s);
  return common::RunOnExecutor(context, response, render_executor_, [this, request] {
    return manager_->Create(request->report(), request->request_id());
  });
}

grpc::ServerUnaryReactor* ReportServiceImpl::GetReport(grpc::CallbackServerContext* context,
                                                       const v1::GetReportRequest* request,
                                                       v1::Report* response) {
  return common::RunOnExecutor(context, response, executor_,
                               [this, request] { return manager_->Get(request->name()); });
}

grpc::ServerUnaryReactor* ReportServiceImpl::ListReports(grpc::CallbackServerContext* context,
                                                         const v1::ListReportsRequest* request,
                                                         v1::ListReportsResponse* response) {
  return common::RunOnExecutor(context, response, executor_, [this, request] {
    return manager_->List(request->page_size(), request->page_token(), request->round());
  });
}

grpc::ServerWriteReactor<v1::ReportChunk>* ReportServiceImpl::DownloadReport(
    grpc::CallbackServerContext* /*context*/, const v1::DownloadReportRequest* request) {
  return new DownloadReactor(manager_, executor_, *request);
}

}  // namespace govinspect::report
