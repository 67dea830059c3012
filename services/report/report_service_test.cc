// ReportService against a real redis-server, with the round records written the way the
// coordinator writes them and a fake scoring service.

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/redis/observation_store.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "govinspect/coordinator/v1/round_service.pb.h"
#include "govinspect/report/v1/report_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/report/report_server.h"
#include "services/report/tiny_fixture.h"

namespace govinspect::report {
namespace {

using govinspect::testing::IsOk;
using ::testing::HasSubstr;

constexpr char kToken[] = "report-test-token";

class FakeScoring : public ScoringReader {
 public:
  void Add(const ReportInput& in) {
    absl::MutexLock l(&mu_);
    scorings_[in.scoring.name()] = {in.scoring, in.cards};
  }
  absl::StatusOr<scoring::v1::Scoring> GetScoring(const std::string& name) override {
    absl::MutexLock l(&mu_);
    auto it = scorings_.find(name);
    if (it == scorings_.end()) return absl::NotFoundError(absl::StrCat(name, " not found"));
    return it->second.first;
  }
  absl::StatusOr<std::vector<scoring::v1::Scorecard>> ListScorecards(
      const std::string& name) override {
    absl::MutexLock l(&mu_);
    auto it = scorings_.find(name);
    if (it == scorings_.end()) return absl::NotFoundError(absl::StrCat(name, " not found"));
    return it->second.second;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::pair<scoring::v1::Scoring, std::vector<scoring::v1::Scorecard>>>
      scorings_ ABSL_GUARDED_BY(mu_);
};

class ReportServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(redis_.Start(), IsOk());
    auto in = report::testing::TinyInput("tiny-2020q2");
    ASSERT_THAT(in, IsOk());
    input_ = *std::move(in);
    common::RedisConnection conn(redis_.connection_options());
    PreviousRound prev = report::testing::PreviousOf(input_);
    WriteRound(conn, "tiny-2020q1", prev.round.as_of, coordinator::v1::Round::DONE, 1000,
               prev.observations);
    WriteRound(conn, "tiny-2020q2", input_.round.as_of, coordinator::v1::Round::REPORTING, 2000,
               input_.observations);
    // A round with observations but no scoring.
    WriteRound(conn, "unscored", input_.round.as_of, coordinator::v1::Round::REPORTING, 3000,
               input_.observations);

    auto scoring = std::make_unique<FakeScoring>();
    scoring->Add(input_);
    ReportServerOptions o;
    o.server.service_name = "report";
    o.server.listen_address = "127.0.0.1:0";
    o.redis = redis_.connection_options();
    o.api_token = kToken;
    o.reports_dir = dir_.path() + "/reports";
    o.executor_threads = 2;
    o.render_threads = 1;
    ASSERT_THAT(server_.BuildAndStart(o, std::move(scoring)), IsOk());
    stub_ = v1::ReportService::NewStub(server_.runner()->InProcessChannel());
  }

  void WriteRound(common::RedisConnection& conn, const std::string& id, const std::string& as_of,
                  coordinator::v1::Round::State state, int64_t created_ms,
                  const std::vector<common::v1::Observation>& observations) {
    coordinator::v1::Round r;
    r.set_name("rounds/" + id);
    r.set_as_of(as_of);
    r.set_ruleset("gov-2019");
    r.set_state(state);
    ASSERT_THAT(conn.Command({"HSET", "govinspect:round:" + id + ":meta", "state",
                              coordinator::v1::Round::State_Name(state), "blob",
                              r.SerializeAsString()}),
                IsOk());
    ASSERT_THAT(conn.Command({"SET", "govinspect:round:" + id + ":registry",
                              input_.registry.SerializeAsString()}),
                IsOk());
    ASSERT_THAT(conn.Command({"ZADD", "govinspect:rounds", absl::StrCat(created_ms), id}), IsOk());
    common::ObservationStore store(&conn, "govinspect");
    for (auto o : observations) {
      o.set_round(r.name());
      ASSERT_THAT(store.Put(id, o), IsOk());
    }
  }

  grpc::Status Create(const std::string& round, const std::string& request_id, v1::Report* out,
                      bool token = true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    if (token) ctx.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    v1::CreateReportRequest req;
    req.mutable_report()->set_round(round);
    req.set_request_id(request_id);
    return stub_->CreateReport(&ctx, req, out);
  }

  grpc::Status Download(const std::string& name, v1::ReportFormat format, const std::string& unit,
                        std::string* data, int* chunks) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::DownloadReportRequest req;
    req.set_name(name);
    req.set_format(format);
    req.set_unit(unit);
    auto reader = stub_->DownloadReport(&ctx, req);
    v1::ReportChunk chunk;
    *chunks = 0;
    while (reader->Read(&chunk)) {
      EXPECT_LE(chunk.data().size(), kDownloadChunkBytes);
      data->append(chunk.data());
      ++*chunks;
    }
    return reader->Finish();
  }

  std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  govinspect::testing::RedisServer redis_;
  govinspect::testing::TempDir dir_;
  ReportInput input_;
  ReportServer server_;
  std::unique_ptr<v1::ReportService::Stub> stub_;
};

TEST_F(ReportServiceTest, CreateWritesEverythingAndIsIdempotent) {
  v1::Report r;
  ASSERT_TRUE(Create("rounds/tiny-2020q2", "req-1", &r).ok());
  EXPECT_EQ(r.name(), "reports/tiny-2020q2");
  EXPECT_EQ(r.state(), v1::Report::SUCCEEDED);
  EXPECT_EQ(r.formats_size(), 5);
  EXPECT_EQ(r.previous_round(), "rounds/tiny-2020q1");
  EXPECT_EQ(r.summary().followup_fixed(), 1);
  EXPECT_EQ(r.summary().followup_unverified(), 1);
  EXPECT_EQ(r.summary().followup_new(), 1);
  EXPECT_EQ(r.summary().sites_total(), 6);
  EXPECT_EQ(r.summary().accounts_not_assessed(), 1);
  EXPECT_THAT(r.title(), HasSubstr("2020年第二季度"));
  EXPECT_FALSE(r.unit_sheets().empty());
  EXPECT_EQ(r.artifacts_size(), 5 + r.unit_sheets_size());
  for (const auto& a : r.artifacts()) EXPECT_GT(a.size_bytes(), 0) << a.file_name();

  v1::Report again;
  ASSERT_TRUE(Create("rounds/tiny-2020q2", "req-1", &again).ok());
  EXPECT_EQ(again.name(), r.name());
  EXPECT_EQ(again.create_time().seconds(), r.create_time().seconds());

  // A new request writes a second report of the round.
  v1::Report second;
  ASSERT_TRUE(Create("rounds/tiny-2020q2", "req-2", &second).ok());
  EXPECT_EQ(second.name(), "reports/tiny-2020q2-2");

  grpc::ClientContext ctx;
  v1::ListReportsRequest lr;
  lr.set_round("rounds/tiny-2020q2");
  lr.set_page_size(1);
  v1::ListReportsResponse page;
  ASSERT_TRUE(stub_->ListReports(&ctx, lr, &page).ok());
  ASSERT_EQ(page.reports_size(), 1);
  EXPECT_EQ(page.reports(0).name(), "reports/tiny-2020q2-2");  // newest first
  ASSERT_FALSE(page.next_page_token().empty());
  grpc::ClientContext ctx2;
  lr.set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListReports(&ctx2, lr, &page).ok());
  ASSERT_EQ(page.reports_size(), 1);
  EXPECT_EQ(page.reports(0).name(), "reports/tiny-2020q2");
  EXPECT_TRUE(page.next_page_token().empty());

  grpc::ClientContext ctx3;
  v1::GetReportRequest gr;
  gr.set_name("reports/tiny-2020q2");
  v1::Report got;
  ASSERT_TRUE(stub_->GetReport(&ctx3, gr, &got).ok());
  EXPECT_EQ(got.state(), v1::Report::SUCCEEDED);
}

TEST_F(ReportServiceTest, DownloadStreamsTheFilesInChunks) {
  v1::Report r;
  ASSERT_TRUE(Create("rounds/tiny-2020q2", "", &r).ok());
  std::string pdf;
  int chunks = 0;
  ASSERT_TRUE(Download(r.name(), v1::REPORT_FORMAT_PDF, "", &pdf, &chunks).ok());
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf, ReadFile(dir_.path() + "/reports/tiny-2020q2/report.pdf"));
  EXPECT_GT(chunks, 1);  // larger than one chunk (fonts are embedded)

  std::string md;
  ASSERT_TRUE(Download(r.name(), v1::REPORT_FORMAT_MARKDOWN, "", &md, &chunks).ok());
  EXPECT_THAT(md, HasSubstr("## 二、发现的主要问题"));

  std::string sheet;
  ASSERT_TRUE(Download(r.name(), v1::REPORT_FORMAT_PDF, "units/zs-wjj", &sheet, &chunks).ok());
  EXPECT_EQ(sheet.substr(0, 5), "%PDF-");

  std::string none;
  EXPECT_EQ(Download(r.name(), v1::REPORT_FORMAT_PDF, "units/zs-tjj-none", &none, &chunks).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Download("reports/nosuch", v1::REPORT_FORMAT_PDF, "", &none, &chunks).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Download(r.name(), v1::REPORT_FORMAT_UNSPECIFIED, "", &none, &chunks).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReportServiceTest, ErrorsAreMapped) {
  v1::Report r;
  EXPECT_EQ(Create("rounds/tiny-2020q2", "", &r, /*token=*/false).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Create("rounds/nosuch", "", &r).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Create("rounds/unscored", "", &r).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Create("tiny-2020q2", "", &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext ctx;
  v1::GetReportRequest gr;
  gr.set_name("reports/nosuch");
  EXPECT_EQ(stub_->GetReport(&ctx, gr, &r).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext ctx2;
  v1::ListReportsRequest lr;
  lr.set_page_token("garbage");
  v1::ListReportsResponse resp;
  EXPECT_EQ(stub_->ListReports(&ctx2, lr, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace govinspect::report
