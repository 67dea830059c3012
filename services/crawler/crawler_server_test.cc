// CrawlerService.CheckSite with bad requests (docs/bad-input.md), in process: the token, the URL
// and the date are checked before anything is fetched; an internal address is refused by the
// SSRF guard. And the flags the crawler server refuses to start with.
#include "services/crawler/crawler_server.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "common/grpc/auth.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::crawler {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;

constexpr char kToken[] = "crawler-test-token";

class CrawlerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crawl_.engine.fetch.timeout = absl::Seconds(5);
    service_ = std::make_unique<CrawlerServiceImpl>(&executor_, &auth_, &crawl_, &metrics_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::CrawlerService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now());
    executor_.Shutdown();
  }

  grpc::Status Check(const std::string& url, const std::string& as_of,
                     v1::CheckSiteResponse* response, const std::string& token = kToken) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    common::AddBearerToken(&ctx, token);
    v1::CheckSiteRequest req;
    req.set_home_url(url);
    req.set_as_of(as_of);
    return stub_->CheckSite(&ctx, req, response);
  }

  prometheus::Registry registry_;
  FetchMetrics metrics_{registry_};
  common::BoundedExecutor executor_{"check", 1, 4};
  common::RpcAuthorizer auth_{kToken};
  CrawlOptions crawl_;
  std::unique_ptr<CrawlerServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CrawlerService::Stub> stub_;
};

TEST_F(CrawlerServiceTest, CheckSiteRejectsBadRequestsBeforeFetching) {
  v1::CheckSiteResponse resp;
  grpc::Status s = Check("http://www.zs.gov.cn/", "2020-06-30", &resp, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(),
            "this call changes state and needs the API token (authorization: Bearer …)");
  s = Check("http://www.zs.gov.cn/", "2020-06-30", &resp, "wrong");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "the API token is not valid");

  for (const std::string url : {"ftp://www.zs.gov.cn/", "www.zs.gov.cn", "", "http://"}) {
    s = Check(url, "2020-06-30", &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << url;
    EXPECT_EQ(s.error_message(), "home_url \"" + url + "\": want an http(s) URL");
  }
  s = Check("http://www.zs.gov.cn/", "30/06/2020", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "as_of \"30/06/2020\": want YYYY-MM-DD");
}

TEST_F(CrawlerServiceTest, InternalAddressesAreRefusedByTheSsrfGuard) {
  for (const char* url : {"http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/",
                          "http://127.0.0.1:1/"}) {
    v1::CheckSiteResponse resp;
    grpc::Status s = Check(url, "2020-06-30", &resp);
    ASSERT_TRUE(s.ok()) << url << ": " << s.error_message();
    const common::v1::HomePageFetch& home = resp.observation().site().home();
    EXPECT_EQ(home.error(), common::v1::FETCH_ERROR_FORBIDDEN_ADDRESS) << url;
    EXPECT_EQ(resp.observation().site().pages_crawled(), 0) << url;
  }
}

TEST(CrawlerServerTest, BadFlagsAreRefusedAtStartup) {
  auto with = [](auto change) {
    CrawlerServerOptions o;
    o.server.listen_address = "127.0.0.1:0";
    change(o);
    return ValidateOptions(o);
  };
  EXPECT_TRUE(with([](CrawlerServerOptions&) {}).ok());
  EXPECT_THAT(with([](CrawlerServerOptions& o) { o.crawl.engine.fetch.connect_to = "simulator"; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("--connect_to \"simulator\": want host:port")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) {
                o.crawl.engine.fetch.allow_networks = {"10.0.0.0/33"};
              }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--allow_networks: ")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) { o.crawl.engine.fetch.max_body_bytes = 100; }),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("--max_body_bytes must be ≥ 1024")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) {
                o.crawl.engine.fetch.timeout = absl::ZeroDuration();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("--fetch_timeout must be positive")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) { o.crawl.max_pages = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("--max_pages must be ≥ 1")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) { o.crawl.page_threads = -1; }),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("--page_threads must be ≥ 0")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) { o.crawl.max_links_per_page = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("--max_links_per_page must be ≥ 1")));
  EXPECT_THAT(with([](CrawlerServerOptions& o) { o.crawl.max_images_per_page = -1; }),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("--max_images_per_page must be ≥ 0")));
}

}  // namespace
}  // namespace govinspect::crawler
