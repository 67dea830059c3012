// Fuzz target: the open-data client's reading of CKAN Action API answers
// (services/dataopen/ckan_client.h): the envelope (success / error / result), HTML error pages,
// and the results of organization_list, organization_show, package_search (with paging),
// package_show and datastore_search; and UpdatePeriodDays, which reads a portal's declared
// update frequency.
//
// Input: an action byte, an HTTP status byte, then the answer body. For the paged listing the
// body may hold several pages separated by lines "#@@" (answered in turn, the last repeated).
// The transport is in memory; no request leaves the process.

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_support.h"
#include "services/dataopen/ckan_client.h"

namespace {

using govinspect::common::FetchResult;
using namespace govinspect::dataopen;  // NOLINT

class PagesTransport : public HttpTransport {
 public:
  PagesTransport(int status, std::string content_type, std::vector<std::string> bodies)
      : status_(status), content_type_(std::move(content_type)), bodies_(std::move(bodies)) {}
  FetchResult Get(const std::string& url) override {
    FetchResult r;
    r.requested_url = url;
    r.final_url = url;
    r.http_status = status_;
    r.error = status_ >= 400 ? govinspect::common::v1::FETCH_ERROR_HTTP_STATUS
                             : govinspect::common::v1::FETCH_ERROR_NONE;
    r.content_type = content_type_;
    r.body = bodies_[std::min(next_, bodies_.size() - 1)];
    ++next_;
    return r;
  }
  FetchResult Head(const std::string& url) override { return Get(url); }
  FetchResult GetRange(const std::string& url, int64_t) override { return Get(url); }

 private:
  int status_;
  std::string content_type_;
  std::vector<std::string> bodies_;
  size_t next_ = 0;
};

void CheckPackage(const CkanPackage& p) {
  FUZZ_CHECK(!p.name.empty());
  FUZZ_CHECK(p.update_frequency_days == -1 || p.update_frequency_days > 0);
  const int days = UpdatePeriodDays(p.update_frequency);
  FUZZ_CHECK(days == -1 || days > 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int kStatuses[] = {200, 200, 200, 404, 409, 400, 403, 500, 502, 429, 301};
  govinspect::fuzz::FuzzInput in(data, size);
  const size_t action = in.Pick(7);
  const int status = kStatuses[in.Pick(sizeof(kStatuses) / sizeof(kStatuses[0]))];
  const absl::string_view rest = in.Rest();

  if (action == 6) {
    const int days = UpdatePeriodDays(std::string(rest));
    FUZZ_CHECK(days == -1 || days > 0);
    return 0;
  }
  std::vector<std::string> bodies = absl::StrSplit(rest, "\n#@@\n");
  PagesTransport transport(status, status == 502 ? "text/html" : "application/json", bodies);
  CkanClientOptions options;
  options.attempts = 1;
  options.retry_backoff = absl::ZeroDuration();
  options.page_size = 2;
  options.max_pages = 6;
  CkanClient client("http://data.zs.gov.cn/", &transport, options, nullptr);

  switch (action) {
    case 0: {
      const auto names = client.OrganizationList();
      if (names.ok()) {
        for (const std::string& n : *names) FUZZ_CHECK(!n.empty());
      }
      break;
    }
    case 1:
      (void)client.OrganizationShow("zs-gov");
      break;
    case 2: {
      const auto page = client.PackageSearch("organization:\"zs-gov\"", 2, 0);
      if (page.ok()) {
        for (const CkanPackage& p : page->results) CheckPackage(p);
      }
      break;
    }
    case 3: {
      const auto listing = client.OrganizationPackages("zs-gov");
      if (listing.ok()) {
        FUZZ_CHECK(listing->pages >= 1 && listing->pages <= options.max_pages);
        std::set<std::string> names;
        for (const CkanPackage& p : listing->packages) {
          CheckPackage(p);
          FUZZ_CHECK(names.insert(p.name).second);
        }
      }
      break;
    }
    case 4: {
      const auto p = client.PackageShow("zs-gov-budget");
      if (p.ok()) CheckPackage(*p);
      break;
    }
    case 5: {
      const auto total = client.DatastoreTotal("5f6a2e0c");
      if (total.ok()) FUZZ_CHECK(*total >= 0);
      break;
    }
    default:
      break;
  }
  FUZZ_CHECK(client.calls() >= 1);
  return 0;
}
