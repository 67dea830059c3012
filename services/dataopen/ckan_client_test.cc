// CKAN client: envelopes and shapes of CKAN 2.9 and 2.10 (fixtures written from CKAN's API
// documentation), error envelopes, paging edge cases, transport failures.
#include "services/dataopen/ckan_client.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/dataopen/fake_transport.h"

namespace govinspect::dataopen {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Answer;
using testing::FakeTransport;
using testing::Failure;
using testing::Query;

std::string Fixture(const std::string& name) {
  std::ifstream in(absl::StrCat(GOVINSPECT_SOURCE_DIR, "/services/dataopen/testdata/", name),
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CkanClientOptions FastOptions() {
  CkanClientOptions o;
  o.retry_backoff = absl::Milliseconds(1);
  return o;
}

class CkanClientTest : public ::testing::Test {
 protected:
  FakeTransport transport_;
  CkanClient client_{"http://data.example.gov.cn", &transport_, FastOptions(), nullptr};
};

TEST_F(CkanClientTest, OrganizationListNames29AndObjects210) {
  transport_.On("organization_list",
                [](const Query&) { return Answer(200, Fixture("ckan-2.9/organization_list.json")); });
  auto names = client_.OrganizationList();
  ASSERT_THAT(names, IsOk());
  EXPECT_THAT(*names, ElementsAre("zs-gov", "zs-jtj", "zs-qxj"));

  transport_.On("organization_list", [](const Query&) {
    return Answer(200, Fixture("ckan-2.10/organization_list.json"));
  });
  names = client_.OrganizationList();
  ASSERT_THAT(names, IsOk());
  EXPECT_THAT(*names, ElementsAre("zs-gov", "zs-jtj"));
}

// Entries that name no organization are skipped (found by the ckan_json fuzzer:
// fuzz/regressions/ckan_json/organization_list_empty_name).
TEST_F(CkanClientTest, OrganizationListSkipsEntriesWithoutAName) {
  transport_.On("organization_list", [](const Query&) {
    return Answer(200, R"({"success": true, "result": ["zs-gov", "", "  ", true, 7, {"title": "x"},
                                                       {"name": ""}, {"name": "zs-jtj"}]})");
  });
  auto names = client_.OrganizationList();
  ASSERT_THAT(names, IsOk());
  EXPECT_THAT(*names, ElementsAre("zs-gov", "zs-jtj"));
}

TEST_F(CkanClientTest, OrganizationShowBothVersions) {
  for (const char* v : {"ckan-2.9", "ckan-2.10"}) {
    std::string body = Fixture(absl::StrCat(v, "/organization_show.json"));
    std::string asked;
    transport_.On("organization_show", [&](const Query& q) {
      asked = q.at("id");
      return Answer(200, body);
    });
    auto org = client_.OrganizationShow("zs-jtj");
    ASSERT_THAT(org, IsOk()) << v;
    EXPECT_EQ(asked, "zs-jtj");
    EXPECT_EQ(org->name, "zs-jtj");
    EXPECT_EQ(org->title, "中山市交通运输局");
    EXPECT_EQ(org->package_count, 3);
  }
}

TEST_F(CkanClientTest, ErrorEnvelopesMapToStatusCodes) {
  struct Case {
    const char* file;
    int http;
    absl::StatusCode code;
    const char* text;
  } cases[] = {
      {"errors/not_found.json", 404, absl::StatusCode::kNotFound, "Not Found Error: Not found"},
      {"errors/authorization_error.json", 403, absl::StatusCode::kPermissionDenied,
       "Authorization Error: Access denied"},
      // Validation errors carry field errors instead of a message.
      {"errors/validation_error.json", 409, absl::StatusCode::kInvalidArgument,
       "rows: [\"Invalid integer\"]"},
      {"errors/search_query_error.json", 409, absl::StatusCode::kInvalidArgument,
       "Search Query Error"},
      {"errors/unknown_action.json", 400, absl::StatusCode::kInvalidArgument,
       "Action name not known"},
      {"errors/internal_error.json", 500, absl::StatusCode::kUnavailable, "HTTP 500"},
  };
  for (const Case& c : cases) {
    std::string body = Fixture(c.file);
    transport_.On("package_show", [&](const Query&) { return Answer(c.http, body); });
    EXPECT_THAT(client_.PackageShow("x"), StatusIs(c.code, HasSubstr(c.text))) << c.file;
  }
}

TEST_F(CkanClientTest, PackageSearch29ExtrasFrequencyAndResources) {
  Query seen;
  transport_.On("package_search", [&](const Query& q) {
    seen = q;
    return Answer(200, Fixture("ckan-2.9/package_search.json"));
  });
  auto page = client_.PackageSearch("organization:\"zs-jtj\"", 50, 0);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(seen["fq"], "organization:\"zs-jtj\"");
  EXPECT_EQ(seen["rows"], "50");
  EXPECT_EQ(seen["start"], "0");
  EXPECT_EQ(page->count, 2);
  ASSERT_EQ(page->results.size(), 2u);
  const CkanPackage& bus = page->results[0];
  EXPECT_EQ(bus.name, "zs-jtj-bus-lines");
  EXPECT_EQ(bus.organization, "zs-jtj");
  EXPECT_EQ(bus.metadata_modified, "2020-06-20T03:12:45.602814");
  EXPECT_EQ(bus.update_frequency, "每月");
  EXPECT_EQ(UpdatePeriodDays(bus.update_frequency), 30);
  ASSERT_TRUE(bus.has_resources);
  ASSERT_EQ(bus.resources.size(), 1u);
  EXPECT_TRUE(bus.resources[0].datastore_active);
  EXPECT_EQ(bus.resources[0].id, "r-bus-1");
  EXPECT_EQ(bus.resources[0].url,
            "http://data.example.gov.cn/dataset/zs-jtj-bus-lines/resource/r-bus-1/download/bus.csv");
  EXPECT_FALSE(page->results[1].resources[0].datastore_active);
  EXPECT_EQ(UpdatePeriodDays(page->results[1].update_frequency), 91);
}

TEST_F(CkanClientTest, PackageSearch210TopLevelIsoFrequency) {
  transport_.On("package_search",
                [](const Query&) { return Answer(200, Fixture("ckan-2.10/package_search.json")); });
  auto page = client_.PackageSearch("organization:zs-qxj", 10, 0);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->results.size(), 2u);
  EXPECT_EQ(page->results[0].update_frequency, "R/P1D");
  EXPECT_EQ(UpdatePeriodDays(page->results[0].update_frequency), 1);
  EXPECT_EQ(page->results[0].resources.size(), 2u);
  EXPECT_EQ(page->results[1].update_frequency, "");  // none declared
}

TEST_F(CkanClientTest, DatastoreTotalWithLimitZero) {
  Query seen;
  transport_.On("datastore_search", [&](const Query& q) {
    seen = q;
    return Answer(200, Fixture("ckan-2.9/datastore_search.json"));
  });
  auto total = client_.DatastoreTotal("r-bus-1");
  ASSERT_THAT(total, IsOk());
  EXPECT_EQ(*total, 1532);
  EXPECT_EQ(seen["limit"], "0");
  EXPECT_EQ(seen["resource_id"], "r-bus-1");
  transport_.On("datastore_search", [](const Query&) {
    return Answer(200, Fixture("ckan-2.10/datastore_search.json"));
  });
  total = client_.DatastoreTotal("r-rain-1");
  ASSERT_THAT(total, IsOk());
  EXPECT_EQ(*total, 0);
}

// A portal with `n` packages named p001…, answering at most `cap` rows per page.
void ServePackages(FakeTransport& t, int n, int cap, std::function<int(int page)> count_of = {}) {
  auto page_no = std::make_shared<int>(0);
  t.On("package_search", [=](const Query& q) {
    int rows = std::stoi(q.at("rows")), start = std::stoi(q.at("start"));
    int count = count_of ? count_of((*page_no)++) : n;
    std::string results;
    for (int i = start; i < std::min(count, start + std::min(rows, cap)); ++i) {
      if (!results.empty()) results += ",";
      char name[16];
      std::snprintf(name, sizeof name, "p%03d", i + 1);
      results += absl::StrCat("{\"name\":\"", name, "\",\"metadata_modified\":\"2020-06-01T00:00:00\","
                              "\"resources\":[]}");
    }
    return Answer(200, absl::StrCat("{\"help\":\"h\",\"success\":true,\"result\":{\"count\":", count,
                                    ",\"results\":[", results, "]}}"));
  });
}

TEST_F(CkanClientTest, PagingLastPageShort) {
  CkanClientOptions o = FastOptions();
  o.page_size = 10;
  CkanClient client("http://data.example.gov.cn/", &transport_, o, nullptr);
  ServePackages(transport_, 25, 1000);
  auto listing = client.OrganizationPackages("zs-gov");
  ASSERT_THAT(listing, IsOk());
  EXPECT_EQ(listing->count, 25);
  EXPECT_EQ(listing->packages.size(), 25u);
  EXPECT_EQ(listing->pages, 3);
  EXPECT_EQ(listing->packages.back().name, "p025");
}

TEST_F(CkanClientTest, PagingFollowsServerRowCap) {
  CkanClientOptions o = FastOptions();
  o.page_size = 100;
  CkanClient client("http://data.example.gov.cn/", &transport_, o, nullptr);
  ServePackages(transport_, 23, 5);  // asked 100, the portal answers 5 per page
  auto listing = client.OrganizationPackages("zs-gov");
  ASSERT_THAT(listing, IsOk());
  EXPECT_EQ(listing->packages.size(), 23u);
  EXPECT_EQ(listing->count, 23);
  EXPECT_EQ(listing->pages, 5);
}

TEST_F(CkanClientTest, PagingCountChangingBetweenPages) {
  CkanClientOptions o = FastOptions();
  o.page_size = 10;
  CkanClient client("http://data.example.gov.cn/", &transport_, o, nullptr);
  // 20 datasets when the first page is read, 24 afterwards: the last count wins.
  ServePackages(transport_, 0, 1000, [](int page) { return page == 0 ? 20 : 24; });
  auto listing = client.OrganizationPackages("zs-gov");
  ASSERT_THAT(listing, IsOk());
  EXPECT_TRUE(listing->count_changed);
  EXPECT_EQ(listing->count, 24);
  EXPECT_EQ(listing->packages.size(), 24u);

  // Shrinking: stop when start passes the new count.
  ServePackages(transport_, 0, 1000, [](int page) { return page == 0 ? 30 : 12; });
  listing = client.OrganizationPackages("zs-gov");
  ASSERT_THAT(listing, IsOk());
  EXPECT_EQ(listing->count, 12);
  EXPECT_EQ(listing->packages.size(), 12u);
}

TEST_F(CkanClientTest, PagingThatRepeatsIsAnErrorNotAShortList) {
  // A portal that ignores `start` returns the first page forever.
  transport_.On("package_search", [](const Query&) {
    return Answer(200, "{\"success\":true,\"result\":{\"count\":250,\"results\":["
                       "{\"name\":\"a\",\"resources\":[]},{\"name\":\"b\",\"resources\":[]}]}}");
  });
  EXPECT_THAT(client_.OrganizationPackages("zs-gov"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("paging repeats")));
  EXPECT_LE(transport_.Calls("package_search"), 3);
}

TEST_F(CkanClientTest, HtmlErrorPageOn5xxIsTransientAndRetried) {
  transport_.On("organization_list", [](const Query&) {
    return Answer(502, Fixture("errors/proxy_502.html"), "text/html");
  });
  EXPECT_THAT(client_.OrganizationList(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTML page")));
  EXPECT_EQ(transport_.Calls("organization_list"), 3);  // attempts
  EXPECT_EQ(client_.calls(), 3);
}

TEST_F(CkanClientTest, HtmlOn200AndMalformedJsonAreNotCkanAnswers) {
  transport_.On("organization_list", [](const Query&) {
    return Answer(200, "<!DOCTYPE html><html><body>系统维护中</body></html>", "text/html");
  });
  EXPECT_THAT(client_.OrganizationList(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("HTML page")));
  EXPECT_EQ(transport_.Calls("organization_list"), 1);  // not retried
  transport_.On("package_search",
                [](const Query&) { return Answer(200, Fixture("errors/truncated.json")); });
  EXPECT_THAT(client_.PackageSearch("organization:x", 10, 0),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed JSON")));
  // Well-formed JSON of the wrong shape does not throw either.
  transport_.On("package_search", [](const Query&) {
    return Answer(200, "{\"success\":true,\"result\":{\"count\":\"many\",\"results\":{\"a\":1}}}");
  });
  EXPECT_THAT(client_.PackageSearch("organization:x", 10, 0),
              StatusIs(absl::StatusCode::kDataLoss));
  transport_.On("package_search", [](const Query&) { return Answer(200, "[1,2,3]"); });
  EXPECT_THAT(client_.PackageSearch("organization:x", 10, 0),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(CkanClientTest, TimeoutsAreRetriedThenDeadlineExceeded) {
  int n = 0;
  transport_.On("organization_list", [&](const Query&) {
    return ++n < 3 ? Failure(common::v1::FETCH_ERROR_TIMEOUT)
                   : Answer(200, Fixture("ckan-2.9/organization_list.json"));
  });
  EXPECT_THAT(client_.OrganizationList(), IsOk());  // third attempt answers
  transport_.On("organization_list",
                [](const Query&) { return Failure(common::v1::FETCH_ERROR_TIMEOUT); });
  EXPECT_THAT(client_.OrganizationList(), StatusIs(absl::StatusCode::kDeadlineExceeded));
  transport_.On("organization_list",
                [](const Query&) { return Failure(common::v1::FETCH_ERROR_RESET); });
  EXPECT_THAT(client_.OrganizationList(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(CkanClientTest, ResourceHeadFallsBackToRangedGet) {
  transport_.OnFile([](const std::string& method, const std::string& url) {
    if (method == "HEAD") return Answer(405, "");  // HEAD not allowed
    if (absl::StrContains(url, "gone")) return Answer(404, "<html>404</html>", "text/html");
    return Answer(206, "", "text/csv");
  });
  ResourceCheck ok = client_.CheckResource("http://data.example.gov.cn/dataset/a/download/a.csv");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.method, "GET");
  EXPECT_EQ(ok.http_status, 206);
  ResourceCheck gone = client_.CheckResource("http://data.example.gov.cn/dataset/gone.csv");
  EXPECT_FALSE(gone.ok);
  EXPECT_TRUE(gone.broken);
  EXPECT_EQ(gone.detail, "http_404");
  // Relative URLs resolve against the portal.
  transport_.OnFile([](const std::string& method, const std::string& url) {
    EXPECT_EQ(url, "http://data.example.gov.cn/dataset/x/download/x.csv");
    return method == "HEAD" ? Answer(200, "") : Answer(500, "");
  });
  EXPECT_TRUE(client_.CheckResource("/dataset/x/download/x.csv").ok);
}

TEST_F(CkanClientTest, ResourceThatTimesOutIsUnknownNotBroken) {
  transport_.OnFile([](const std::string&, const std::string&) {
    return Failure(common::v1::FETCH_ERROR_TIMEOUT);
  });
  ResourceCheck r = client_.CheckResource("http://data.example.gov.cn/dataset/slow.csv");
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.broken);
  EXPECT_EQ(r.detail, "timeout");
}

TEST(UpdatePeriodDaysTest, KnownForms) {
  EXPECT_EQ(UpdatePeriodDays("每日"), 1);
  EXPECT_EQ(UpdatePeriodDays("实时"), 1);
  EXPECT_EQ(UpdatePeriodDays("每周"), 7);
  EXPECT_EQ(UpdatePeriodDays("每月"), 30);
  EXPECT_EQ(UpdatePeriodDays("每季度"), 91);
  EXPECT_EQ(UpdatePeriodDays("每半年"), 182);
  EXPECT_EQ(UpdatePeriodDays("每年"), 365);
  EXPECT_EQ(UpdatePeriodDays("monthly"), 30);
  EXPECT_EQ(UpdatePeriodDays("Quarterly"), 91);
  EXPECT_EQ(UpdatePeriodDays("http://purl.org/cld/freq/weekly"), 7);
  EXPECT_EQ(UpdatePeriodDays("R/P1M"), 30);
  EXPECT_EQ(UpdatePeriodDays("P1Y"), 365);
  EXPECT_EQ(UpdatePeriodDays("14"), 14);
  EXPECT_EQ(UpdatePeriodDays("不定期"), -1);
  EXPECT_EQ(UpdatePeriodDays(""), -1);
  EXPECT_EQ(UpdatePeriodDays("whenever"), -1);
}

// Found by fuzz/ckan_json_fuzzer.cc (fuzz/regressions/ckan_json/): numbers a portal may send
// that do not fit. A period of 4294967296 days became 0 (int truncation), 7 × a huge ISO count
// overflowed (undefined behaviour), and a float count beyond int64 was converted (undefined).
TEST(UpdatePeriodDaysTest, OutOfRangeNumbersAreUnknown) {
  EXPECT_EQ(UpdatePeriodDays("4294967296"), -1);
  EXPECT_EQ(UpdatePeriodDays("9223372036854775807"), -1);
  EXPECT_EQ(UpdatePeriodDays("P2000000000000000000W"), -1);
  EXPECT_EQ(UpdatePeriodDays("R/P3000000000D"), -1);
  EXPECT_EQ(UpdatePeriodDays("P200Y"), -1);
  EXPECT_EQ(UpdatePeriodDays("36525"), 36525);
  EXPECT_EQ(UpdatePeriodDays("P100Y"), 36500);
}

TEST_F(CkanClientTest, OutOfRangeNumbersInAnswersAreUnreadable) {
  transport_.On("package_show", [](const Query&) {
    return Answer(200, R"({"success": true, "result": {"name": "zs-gov-budget",
      "update_frequency_days": 4294967296, "update_frequency": "每月"}})");
  });
  auto p = client_.PackageShow("zs-gov-budget");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->update_frequency_days, -1);  // not 0: the declared text is used instead
  transport_.On("datastore_search", [](const Query&) {
    return Answer(200, R"({"success": true, "result": {"total": 1e300}})");
  });
  EXPECT_THAT(client_.DatastoreTotal("r1"), StatusIs(absl::StatusCode::kDataLoss));
  transport_.On("datastore_search", [](const Query&) {
    return Answer(200, R"({"success": true, "result": {"total": 18446744073709551615}})");
  });
  EXPECT_THAT(client_.DatastoreTotal("r1"), StatusIs(absl::StatusCode::kDataLoss));
  transport_.On("datastore_search", [](const Query&) {
    return Answer(200, R"({"success": true, "result": {"total": 1.2e3}})");
  });
  EXPECT_EQ(*client_.DatastoreTotal("r1"), 1200);
}

// Found while fuzzing (fuzz/ckan_json_fuzzer.cc with a deep input): an error object nested
// 100,000 levels deep was copied and printed recursively and overflowed the stack.
TEST_F(CkanClientTest, DeeplyNestedAnswersAreMalformedNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  transport_.On("package_show", [&](const Query&) {
    return Answer(409, absl::StrCat(R"({"success": false, "error": {"__type": "Validation Error", "id": )",
                                    deep, "}}"));
  });
  EXPECT_THAT(client_.PackageShow("x"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("nested more than 64 levels")));
  // Ordinary nesting is fine.
  transport_.On("package_show", [&](const Query&) {
    return Answer(200, absl::StrCat(R"({"success": true, "result": {"name": "x", "extras": )",
                                    std::string(30, '['), std::string(30, ']'), "}}"));
  });
  EXPECT_THAT(client_.PackageShow("x"), IsOk());
}

}  // namespace
}  // namespace govinspect::dataopen
