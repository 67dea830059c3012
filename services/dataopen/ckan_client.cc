#include "services/dataopen/ckan_client.h"

#include <chrono>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/http/fetch_engine.h"
#include "common/json/json_fields.h"
#include "nlohmann/json.hpp"

namespace govinspect::dataopen {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- JSON access without throwing

using common::JsonBool;
using common::JsonString;

// CKAN sends some counts as numeric strings.
int64_t Int(const json& j, const char* key) { return common::JsonInt(j, key, /*numeric_strings=*/true); }

// A declared update period longer than this (a century) is not a frequency: unknown.
constexpr int64_t kMaxPeriodDays = 36525;

CkanOrganization ParseOrganization(const json& j) {
  CkanOrganization o;
  o.id = JsonString(j, "id");
  o.name = JsonString(j, "name");
  o.title = JsonString(j, "title");
  o.package_count = Int(j, "package_count");
  return o;
}

absl::StatusOr<CkanPackage> ParsePackage(const json& j) {
  if (!j.is_object()) return absl::DataLossError("a package is not a JSON object");
  CkanPackage p;
  p.id = JsonString(j, "id");
  p.name = JsonString(j, "name");
  if (p.name.empty()) p.name = p.id;
  if (p.name.empty()) return absl::DataLossError("a package without name or id");
  p.title = JsonString(j, "title");
  p.metadata_modified = JsonString(j, "metadata_modified");
  if (auto org = j.find("organization"); org != j.end() && org->is_object()) {
    p.organization = JsonString(*org, "name");
  }
  if (p.organization.empty()) p.organization = JsonString(j, "owner_org");
  if (auto ex = j.find("extras"); ex != j.end()) {
    if (ex->is_array()) {
      for (const json& e : *ex) {
        std::string k = JsonString(e, "key");
        if (!k.empty()) p.extras[k] = JsonString(e, "value");
      }
    } else if (ex->is_object()) {  // some exports flatten extras into an object
      for (auto it = ex->begin(); it != ex->end(); ++it) {
        if (it->is_string()) p.extras[it.key()] = it->get<std::string>();
      }
    }
  }
  // Declared frequency: a number of days wins over a text.
  for (const char* k : {"update_frequency_days"}) {
    int64_t days = Int(j, k);
    if (days < 0) {
      if (auto it = p.extras.find(k); it != p.extras.end()) {
        int64_t v = 0;
        if (absl::SimpleAtoi(absl::StripAsciiWhitespace(it->second), &v)) days = v;
      }
    }
    if (days > 0 && days <= kMaxPeriodDays) p.update_frequency_days = static_cast<int>(days);
  }
  p.update_frequency = JsonString(j, "update_frequency");
  for (const char* k : {"update_frequency", "frequency", "accrual_periodicity",
                        "accrualPeriodicity", "更新频率"}) {
    if (!p.update_frequency.empty()) break;
    if (std::string v = JsonString(j, k); !v.empty()) {
      p.update_frequency = v;
    } else if (auto it = p.extras.find(k); it != p.extras.end()) {
      p.update_frequency = it->second;
    }
  }
  if (auto res = j.find("resources"); res != j.end() && res->is_array()) {
    p.has_resources = true;
    for (const json& r : *res) {
      if (!r.is_object()) continue;
      CkanResource cr;
      cr.id = JsonString(r, "id");
      cr.name = JsonString(r, "name");
      cr.format = JsonString(r, "format");
      cr.url = JsonString(r, "url");
      cr.datastore_active = JsonBool(r, "datastore_active");
      p.resources.push_back(std::move(cr));
    }
  }
  return p;
}

// The message of a CKAN error object: `message`, or (Validation Error) the field errors.
std::string ErrorMessage(const json& error) {
  std::string message = JsonString(error, "message");
  if (!message.empty() || !error.is_object()) return message;
  std::vector<std::string> fields;
  for (auto it = error.begin(); it != error.end(); ++it) {
    if (it.key() == "__type") continue;
    fields.push_back(absl::StrCat(
        it.key(), ": ", it->is_string() ? it->get<std::string>()
                                        : it->dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  return absl::StrJoin(fields, "; ");
}

absl::Status CkanErrorStatus(const std::string& type, const std::string& message,
                             const std::string& action) {
  std::string text = absl::StrCat(action, ": ", type.empty() ? "error" : type,
                                  message.empty() ? "" : ": ", message);
  if (type == "Not Found Error") return absl::NotFoundError(text);
  if (type == "Authorization Error") return absl::PermissionDeniedError(text);
  if (type == "Validation Error" || type == "Search Query Error" || type == "Bad Request" ||
      type == "Search Error") {
    return absl::InvalidArgumentError(text);
  }
  return absl::UnknownError(text);
}

bool LooksLikeHtml(const std::string& body, const std::string& content_type) {
  if (absl::StrContains(absl::AsciiStrToLower(content_type), "html")) return true;
  absl::string_view b = absl::StripLeadingAsciiWhitespace(body);
  return absl::StartsWithIgnoreCase(b, "<!doctype") || absl::StartsWithIgnoreCase(b, "<html");
}

std::string FetchLabel(const common::FetchResult& r) {
  switch (r.error) {
    case common::v1::FETCH_ERROR_TIMEOUT: return "timeout";
    case common::v1::FETCH_ERROR_HTTP_STATUS:
      return r.http_status >= 500 || r.http_status == 429 ? "http_5xx" : "http_4xx";
    default: return "network";
  }
}

// No CKAN answer nests deeper. A deeper document is refused while parsing: copying or printing
// it (error objects are copied and dumped) recurses once per level and overflows the stack.
constexpr int kMaxJsonDepth = 64;

// Result label and status of one API answer.
struct Classified {
  std::string label;
  absl::Status status;
  json result;
};

Classified Classify(const common::FetchResult& r, const std::string& action) {
  Classified c;
  const bool transport_error = r.error != common::v1::FETCH_ERROR_NONE &&
                               r.error != common::v1::FETCH_ERROR_HTTP_STATUS;
  if (transport_error) {
    c.label = FetchLabel(r);
    std::string what = absl::StrCat(action, ": ", common::FetchErrorLabel(r.error),
                                    r.error_detail.empty() ? "" : " (", r.error_detail,
                                    r.error_detail.empty() ? "" : ")");
    c.status = r.error == common::v1::FETCH_ERROR_TIMEOUT ? absl::DeadlineExceededError(what)
                                                          : absl::UnavailableError(what);
    return c;
  }
  const bool server_error = r.http_status >= 500 || r.http_status == 429;
  bool too_deep = false;
  json doc = common::ParseJsonBounded(r.body, kMaxJsonDepth, &too_deep);
  if (too_deep || doc.is_discarded() || !doc.is_object()) {
    std::string kind = too_deep ? absl::StrCat("JSON nested more than ", kMaxJsonDepth, " levels")
                       : LooksLikeHtml(r.body, r.content_type) ? "an HTML page"
                                                                : "malformed JSON";
    std::string what = absl::StrCat(action, ": HTTP ", r.http_status, " answered with ", kind,
                                    " instead of a CKAN response");
    if (server_error) {
      c.label = "http_5xx";
      c.status = absl::UnavailableError(what);
    } else {
      c.label = r.http_status >= 400 ? "http_4xx" : "malformed";
      c.status = r.http_status == 404 ? absl::NotFoundError(what) : absl::DataLossError(what);
    }
    return c;
  }
  auto success = doc.find("success");
  if (success == doc.end() || !success->is_boolean()) {
    c.label = server_error ? "http_5xx" : "malformed";
    std::string what = absl::StrCat(action, ": HTTP ", r.http_status,
                                    ": JSON without the CKAN envelope (no `success`)");
    c.status = server_error ? absl::UnavailableError(what) : absl::DataLossError(what);
    return c;
  }
  if (!success->get<bool>()) {
    json error = json::object();
    if (auto e = doc.find("error"); e != doc.end() && e->is_object()) error = *e;
    std::string type = JsonString(error, "__type");
    if (server_error) {
      c.label = "http_5xx";
      c.status = absl::UnavailableError(absl::StrCat(action, ": HTTP ", r.http_status, ": ",
                                                     type, " ", ErrorMessage(error)));
    } else {
      c.label = "ckan_error";
      c.status = CkanErrorStatus(type, ErrorMessage(error), action);
    }
    return c;
  }
  if (server_error) {
    c.label = "http_5xx";
    c.status = absl::UnavailableError(absl::StrCat(action, ": HTTP ", r.http_status));
    return c;
  }
  auto result = doc.find("result");
  if (result == doc.end()) {
    c.label = "malformed";
    c.status = absl::DataLossError(absl::StrCat(action, ": success without a `result`"));
    return c;
  }
  c.label = "ok";
  c.result = std::move(*result);
  return c;
}

const char* kCalls[] = {"organization_list", "organization_show", "package_search",
                        "package_show",      "datastore_search",  "resource_head",
                        "resource_get"};
const char* kResults[] = {"ok",      "ckan_error", "http_4xx", "http_5xx",
                          "timeout", "network",    "malformed"};

}  // namespace

bool IsTransient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

std::string UrlEncode(const std::string& value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : value) {
    if (absl::ascii_isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

int UpdatePeriodDays(const std::string& frequency) {
  std::string f(absl::StripAsciiWhitespace(frequency));
  if (f.empty()) return -1;
  int64_t n = 0;
  if (absl::SimpleAtoi(f, &n)) return n > 0 && n <= kMaxPeriodDays ? static_cast<int>(n) : -1;
  // DCAT / purl frequency URIs: take the last path segment.
  if (absl::StartsWith(f, "http://") || absl::StartsWith(f, "https://")) {
    f = f.substr(f.rfind('/') + 1);
  }
  std::string lower = absl::AsciiStrToLower(f);
  // ISO 8601 durations, optionally repeating: R/P1D, P1W, P3M, P1Y.
  absl::string_view iso = lower;
  absl::ConsumePrefix(&iso, "r/");
  if (absl::ConsumePrefix(&iso, "p") && iso.size() >= 2) {
    int64_t k = 0;
    if (absl::SimpleAtoi(iso.substr(0, iso.size() - 1), &k) && k > 0 && k <= kMaxPeriodDays) {
      int64_t days = -1;
      switch (iso.back()) {
        case 'd': days = k; break;
        case 'w': days = 7 * k; break;
        case 'm': days = k == 3 ? 91 : k == 6 ? 182 : 30 * k; break;
        case 'y': days = 365 * k; break;
        default: break;
      }
      if (days > 0) return days <= kMaxPeriodDays ? static_cast<int>(days) : -1;
    }
  }
  if (absl::StrContains(f, "不定期") || lower == "irregular" || lower == "unknown") return -1;
  struct Word {
    const char* text;
    int days;
  };
  // Longer words first (半年 before 年, 半月 before 月, 每季度 before 季).
  static const Word kWords[] = {
      {"实时", 1},      {"每日", 1},       {"每天", 1},         {"每周", 7},
      {"每半月", 15},   {"半月", 15},      {"每月", 30},        {"每季度", 91},
      {"每季", 91},     {"季度", 91},      {"每半年", 182},     {"半年", 182},
      {"每年", 365},    {"每两年", 730},   {"continuous", 1},   {"daily", 1},
      {"biweekly", 14}, {"fortnightly", 14}, {"weekly", 7},     {"semimonthly", 15},
      {"bimonthly", 61}, {"monthly", 30},  {"quarterly", 91},   {"semiannual", 182},
      {"biannual", 182}, {"annual", 365},  {"annually", 365},   {"yearly", 365},
      {"biennial", 730}, {"日", 1},        {"周", 7},           {"月", 30},
      {"季", 91},       {"年", 365}};
  for (const Word& w : kWords) {
    if (lower == w.text) return w.days;
  }
  for (const Word& w : kWords) {
    if (absl::StrContains(lower, w.text)) return w.days;
  }
  return -1;
}

// ------------------------------------------------------------------------------- transport

common::FetchResult FetchTransport::Get(const std::string& url) {
  return common::Fetch(url, options_);
}

common::FetchResult FetchTransport::Head(const std::string& url) {
  return Probe(url, /*head=*/true, 0);
}

common::FetchResult FetchTransport::GetRange(const std::string& url, int64_t bytes) {
  return Probe(url, /*head=*/false, bytes);
}

common::FetchResult FetchTransport::Probe(const std::string& url, bool head, int64_t bytes) {
  // HEAD and ranged GET go through the fetch engine (same options, SSRF guard, connect_to).
  common::FetchEngineOptions eo;
  eo.fetch = options_;
  eo.fetch.keep_body = false;
  eo.fetch.max_attempts = 1;  // the client retries
  if (bytes > 0) eo.fetch.max_body_bytes = std::max<int64_t>(bytes, 64 << 10);
  eo.max_in_flight = 1;
  eo.per_host_concurrency = 1;
  common::FetchEngine engine(eo);
  common::FetchRequest req;
  req.url = url;
  req.method = head ? common::FetchMethod::kHead : common::FetchMethod::kGet;
  req.range = !head;
  req.keep_body = false;
  req.max_attempts = 1;
  common::FetchResult out;
  out.requested_url = url;
  out.error = common::v1::FETCH_ERROR_TIMEOUT;
  out.error_detail = "no answer";
  engine.Submit(std::move(req), [&out](common::FetchResult r) { out = std::move(r); });
  engine.Run(absl::Now() + options_.timeout + options_.connect_timeout + absl::Seconds(1));
  // A server that ignores Range and sends a large file is still a working download.
  if (!head && out.error == common::v1::FETCH_ERROR_BODY_TOO_LARGE && out.http_status >= 200 &&
      out.http_status < 300) {
    out.error = common::v1::FETCH_ERROR_NONE;
    out.error_detail.clear();
  }
  return out;
}

// --------------------------------------------------------------------------------- metrics

CkanMetrics::CkanMetrics(prometheus::Registry& registry)
    : requests_(&prometheus::BuildCounter()
                     .Name("govinspect_dataopen_requests_total")
                     .Help("CKAN API calls and resource probes, by call and result.")
                     .Register(registry)),
      latency_(&prometheus::BuildHistogram()
                    .Name("govinspect_dataopen_request_duration_seconds")
                    .Help("Latency of CKAN API calls and resource probes.")
                    .Register(registry)) {
  absl::MutexLock lock(&mu_);
  for (const char* call : kCalls) {
    for (const char* result : kResults) counters_[{call, result}] = &requests_->Add({{"call", call}, {"result", result}});
    histograms_[call] = &latency_->Add(
        {{"call", call}}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1,
                                                                  0.25, 0.5, 1, 2.5, 5, 10, 30});
  }
}

void CkanMetrics::Record(const std::string& call, const std::string& result, double seconds) {
  prometheus::Counter* counter = nullptr;
  prometheus::Histogram* histogram = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = counters_.find({call, result}); it != counters_.end()) counter = it->second;
    if (auto it = histograms_.find(call); it != histograms_.end()) histogram = it->second;
  }
  if (counter != nullptr) counter->Increment();
  if (histogram != nullptr) histogram->Observe(seconds);
}

// ---------------------------------------------------------------------------------- client

CkanClient::CkanClient(std::string base_url, HttpTransport* transport, CkanClientOptions options,
                       CkanMetrics* metrics)
    : base_(std::move(base_url)), transport_(transport), options_(options), metrics_(metrics) {
  if (base_.empty() || base_.back() != '/') base_.push_back('/');
  if (options_.attempts < 1) options_.attempts = 1;
  if (options_.page_size < 1) options_.page_size = 1;
}

std::string CkanClient::DatasetUrl(const std::string& name) const {
  return absl::StrCat(base_, "dataset/", name);
}

template <typename T, typename Parse>
absl::StatusOr<T> CkanClient::Call(const std::string& action, const std::string& query,
                                   Parse parse) {
  const std::string url =
      absl::StrCat(base_, "api/3/action/", action, query.empty() ? "" : "?", query);
  absl::Status last;
  for (int attempt = 0; attempt < options_.attempts; ++attempt) {
    if (attempt > 0) {
      absl::SleepFor(options_.retry_backoff * (1 << (attempt - 1)));
    }
    ++calls_;
    auto t0 = std::chrono::steady_clock::now();
    common::FetchResult r = transport_->Get(url);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Classified c;
    absl::StatusOr<T> out = absl::UnknownError("not parsed");
    try {
      c = Classify(r, action);
      if (c.status.ok()) {
        out = parse(c.result);
        if (!out.ok()) c.label = "malformed";
      }
    } catch (const std::exception& e) {  // nlohmann type errors etc.: never escape
      c.label = "malformed";
      c.status = absl::DataLossError(absl::StrCat(action, ": unexpected answer: ", e.what()));
    }
    if (metrics_ != nullptr) metrics_->Record(action, c.label, seconds);
    if (!c.status.ok()) {
      last = c.status;
      if (IsTransient(last)) continue;
      return last;
    }
    if (!out.ok()) {
      return absl::DataLossError(absl::StrCat(action, ": ", out.status().message()));
    }
    return out;
  }
  return last;
}

absl::StatusOr<std::vector<std::string>> CkanClient::OrganizationList() {
  return Call<std::vector<std::string>>(
      "organization_list", "", [](const json& result) -> absl::StatusOr<std::vector<std::string>> {
        if (!result.is_array()) return absl::DataLossError("result is not a list");
        std::vector<std::string> names;
        // An entry without a name (an empty string, a number, an object without "name") is
        // not an organization: it would be asked for as organization_show?id=.
        for (const json& e : result) {
          std::string name = e.is_string() ? e.get<std::string>()
                             : e.is_object() ? JsonString(e, "name")
                                             : std::string();
          if (!absl::StripAsciiWhitespace(name).empty()) names.push_back(std::move(name));
        }
        return names;
      });
}

absl::StatusOr<CkanOrganization> CkanClient::OrganizationShow(const std::string& id) {
  return Call<CkanOrganization>(
      "organization_show", absl::StrCat("id=", UrlEncode(id), "&include_datasets=false"),
      [](const json& result) -> absl::StatusOr<CkanOrganization> {
        if (!result.is_object()) return absl::DataLossError("result is not an object");
        return ParseOrganization(result);
      });
}

absl::StatusOr<CkanPage> CkanClient::PackageSearch(const std::string& fq, int rows,
                                                   int64_t start) {
  std::string query = absl::StrCat("q=", UrlEncode("*:*"), "&fq=", UrlEncode(fq), "&rows=", rows,
                                   "&start=", start, "&sort=", UrlEncode("name asc"));
  return Call<CkanPage>("package_search", query, [](const json& result) -> absl::StatusOr<CkanPage> {
    if (!result.is_object()) return absl::DataLossError("result is not an object");
    CkanPage page;
    page.count = Int(result, "count");
    auto results = result.find("results");
    if (results == result.end() || !results->is_array()) {
      return absl::DataLossError("result without a `results` list");
    }
    for (const json& p : *results) {
      absl::StatusOr<CkanPackage> pkg = ParsePackage(p);
      if (!pkg.ok()) return pkg.status();
      page.results.push_back(*std::move(pkg));
    }
    return page;
  });
}

absl::StatusOr<CkanListing> CkanClient::OrganizationPackages(const std::string& organization) {
  const std::string fq = absl::StrCat("organization:\"", organization, "\"");
  CkanListing listing;
  std::set<std::string> seen;
  int64_t start = 0;
  int64_t first_count = -1;
  int64_t last_count = -1;
  for (int page_no = 0; page_no < options_.max_pages; ++page_no) {
    absl::StatusOr<CkanPage> page = PackageSearch(fq, options_.page_size, start);
    if (!page.ok()) return page.status();
    ++listing.pages;
    if (page->count >= 0) {
      if (first_count < 0) first_count = page->count;
      if (last_count >= 0 && page->count != last_count) listing.count_changed = true;
      last_count = page->count;
    }
    int fresh = 0;
    for (CkanPackage& p : page->results) {
      if (seen.insert(p.name).second) {
        listing.packages.push_back(std::move(p));
        ++fresh;
      }
    }
    // Advance by what came back: a portal may cap rows below what was asked.
    start += static_cast<int64_t>(page->results.size());
    if (page->results.empty()) break;
    if (last_count >= 0 && start >= last_count) break;
    if (last_count < 0 && static_cast<int>(page->results.size()) < options_.page_size) break;
    if (fresh == 0) {
      // The same page again while the portal says there is more: we cannot list them all.
      if (listing.count_changed) break;  // shifted by a concurrent change; the rest is seen
      return absl::FailedPreconditionError(absl::StrCat(
          "package_search: paging repeats at start=", start - page->results.size(), " (",
          listing.packages.size(), " of ", last_count, " datasets listed)"));
    }
    if (page_no + 1 == options_.max_pages) {
      return absl::FailedPreconditionError(absl::StrCat("package_search: more than ",
                                                        options_.max_pages, " pages"));
    }
  }
  listing.count = last_count >= 0 ? last_count : static_cast<int64_t>(listing.packages.size());
  return listing;
}

absl::StatusOr<CkanPackage> CkanClient::PackageShow(const std::string& id) {
  return Call<CkanPackage>("package_show", absl::StrCat("id=", UrlEncode(id)),
                           [](const json& result) { return ParsePackage(result); });
}

absl::StatusOr<int64_t> CkanClient::DatastoreTotal(const std::string& resource_id) {
  return Call<int64_t>(
      "datastore_search", absl::StrCat("resource_id=", UrlEncode(resource_id), "&limit=0"),
      [](const json& result) -> absl::StatusOr<int64_t> {
        int64_t total = Int(result, "total");
        if (total < 0) return absl::DataLossError("datastore_search without a `total`");
        return total;
      });
}

common::FetchResult CkanClient::Timed(const std::string& call, bool head, const std::string& url) {
  ++calls_;
  auto t0 = std::chrono::steady_clock::now();
  common::FetchResult r =
      head ? transport_->Head(url) : transport_->GetRange(url, options_.probe_bytes);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (metrics_ != nullptr) {
    metrics_->Record(call, r.error == common::v1::FETCH_ERROR_NONE ? "ok" : FetchLabel(r),
                     seconds);
  }
  return r;
}

ResourceCheck CkanClient::CheckResource(const std::string& raw_url) {
  ResourceCheck check;
  std::string url = raw_url;
  if (absl::StartsWith(url, "/")) url = absl::StrCat(base_, url.substr(1));
  if (!(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://"))) {
    check.broken = true;
    check.detail = url.empty() ? "no_url" : "not_http_url";
    return check;
  }
  auto transient = [](const common::FetchResult& r) {
    switch (r.error) {
      case common::v1::FETCH_ERROR_TIMEOUT:
      case common::v1::FETCH_ERROR_RESET:
      case common::v1::FETCH_ERROR_REFUSED:
      case common::v1::FETCH_ERROR_OTHER: return true;
      case common::v1::FETCH_ERROR_HTTP_STATUS:
        return r.http_status >= 500 || r.http_status == 429 || r.http_status == 408;
      default: return false;
    }
  };
  common::FetchResult last;
  for (int attempt = 0; attempt < options_.attempts; ++attempt) {
    if (attempt > 0) absl::SleepFor(options_.retry_backoff * (1 << (attempt - 1)));
    common::FetchResult head = Timed("resource_head", /*head=*/true, url);
    if (head.error == common::v1::FETCH_ERROR_NONE && head.http_status >= 200 &&
        head.http_status < 300) {
      check.ok = true;
      check.http_status = head.http_status;
      check.method = "HEAD";
      check.detail = absl::StrCat("http_", head.http_status);
      return check;
    }
    // HEAD refused, unsupported or failed: ask for the first bytes instead.
    last = Timed("resource_get", /*head=*/false, url);
    check.method = "GET";
    check.http_status = last.http_status;
    if (last.error == common::v1::FETCH_ERROR_NONE && last.http_status >= 200 &&
        last.http_status < 300) {
      check.ok = true;
      check.detail = absl::StrCat("http_", last.http_status);
      return check;
    }
    if (!transient(last)) break;
  }
  if (last.error == common::v1::FETCH_ERROR_HTTP_STATUS) {
    check.detail = absl::StrCat("http_", last.http_status);
  } else {
    check.detail = common::FetchErrorLabel(last.error);
  }
  check.broken = !transient(last);
  return check;
}

}  // namespace govinspect::dataopen
