#include "services/newmedia/http_platform_adapter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/json/json_fields.h"
#include "nlohmann/json.hpp"

namespace govinspect::newmedia {
namespace {

using nlohmann::json;

using common::JsonBool;
using common::JsonInt;
using common::JsonString;

// Deeper answers are refused while parsing (copying or printing them would overflow the stack).
constexpr int kMaxJsonDepth = 64;

json ParseJson(const std::string& body) {
  bool too_deep = false;
  json doc = common::ParseJsonBounded(body, kMaxJsonDepth, &too_deep);
  return too_deep ? json(json::value_t::discarded) : doc;
}

absl::StatusOr<PlatformAccount> ParseAccount(const json& j) {
  if (!j.is_object()) return absl::DataLossError("an account is not a JSON object");
  PlatformAccount a;
  a.id = JsonString(j, "id");
  if (a.id.empty()) return absl::DataLossError("an account without id");
  a.name = JsonString(j, "name");
  a.platform = JsonString(j, "platform");
  a.url = JsonString(j, "url");
  a.status = absl::AsciiStrToLower(JsonString(j, "status"));
  if (a.status.empty()) return absl::DataLossError(absl::StrCat("account ", a.id, " has no status"));
  a.verified_entity = JsonString(j, "verified_entity");
  a.entity_short_name = JsonString(j, "entity_short_name");
  a.opened_date = JsonString(j, "opened_date");
  a.closed_date = JsonString(j, "closed_date");
  if (auto it = j.find("interaction"); it != j.end() && it->is_object()) {
    a.comments = JsonBool(*it, "comments");
    a.messages = JsonBool(*it, "messages");
    a.private_messages = JsonBool(*it, "private_messages");
  } else {
    return absl::DataLossError(absl::StrCat("account ", a.id, " has no interaction settings"));
  }
  a.post_count = JsonInt(j, "post_count");
  a.last_post_time = JsonString(j, "last_post_time");
  return a;
}

absl::StatusOr<PlatformPost> ParsePost(const json& j) {
  if (!j.is_object()) return absl::DataLossError("a post is not a JSON object");
  PlatformPost p;
  p.id = JsonString(j, "id");
  p.time = JsonString(j, "time");
  if (p.id.empty() || p.time.empty()) return absl::DataLossError("a post without id or time");
  p.account_id = JsonString(j, "account_id");
  p.url = JsonString(j, "url");
  p.title = JsonString(j, "title");
  p.text = JsonString(j, "text");
  return p;
}

template <typename T, typename ParseItem>
absl::StatusOr<Page<T>> ParseList(const json& j, const char* field, ParseItem parse_item) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_array()) {
    return absl::DataLossError(absl::StrCat("no \"", field, "\" array in the answer"));
  }
  Page<T> page;
  for (const json& item : *it) {
    absl::StatusOr<T> v = parse_item(item);
    if (!v.ok()) return v.status();
    page.items.push_back(*std::move(v));
  }
  page.next_page_token = JsonString(j, "next_page_token");
  return page;
}

}  // namespace

std::string UrlEncode(const std::string& value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

AdapterMetrics::AdapterMetrics(prometheus::Registry& registry)
    : requests_(&prometheus::BuildCounter()
                     .Name("govinspect_newmedia_platform_requests_total")
                     .Help("Platform API requests by platform and result (retries included)")
                     .Register(registry)),
      latency_(&prometheus::BuildHistogram()
                    .Name("govinspect_newmedia_platform_request_duration_seconds")
                    .Help("Platform API request latency by platform")
                    .Register(registry)) {
  for (const char* p : {"wechat", "weibo", "douyin", "toutiao"}) {
    for (const char* r : {"ok", "not_found", "http_4xx", "http_5xx", "timeout", "network",
                          "malformed"}) {
      counters_[{p, r}] = &requests_->Add({{"platform", p}, {"result", r}});
    }
    histograms_[p] = &latency_->Add({{"platform", p}},
                                    prometheus::Histogram::BucketBoundaries{
                                        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  }
}

void AdapterMetrics::Record(const std::string& platform, const std::string& result,
                            double seconds) {
  absl::MutexLock lock(&mu_);
  const std::string p = counters_.count({platform, "ok"}) ? platform : "other";
  auto& c = counters_[{p, result}];
  if (c == nullptr) c = &requests_->Add({{"platform", p}, {"result", result}});
  c->Increment();
  auto& h = histograms_[p];
  if (h == nullptr) {
    h = &latency_->Add({{"platform", p}}, prometheus::Histogram::BucketBoundaries{
                                               0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  }
  h->Observe(seconds);
}

HttpPlatformAdapter::HttpPlatformAdapter(std::string platform, std::string base_url,
                                         HttpGetter* getter, RateLimiter* limiter,
                                         AdapterMetrics* metrics, HttpAdapterOptions options,
                                         std::function<void(absl::Duration)> sleep)
    : platform_(std::move(platform)),
      base_(std::string(absl::StripSuffix(base_url, "/"))),
      getter_(getter),
      limiter_(limiter),
      metrics_(metrics),
      options_(options),
      sleep_(std::move(sleep)) {}

template <typename T, typename Parse>
absl::StatusOr<T> HttpPlatformAdapter::Call(const std::string& what,
                                            const std::string& path_and_query, Parse parse) {
  const std::string url = base_ + path_and_query;
  absl::Status last;
  absl::Duration backoff = options_.retry_backoff;
  for (int attempt = 1; attempt <= std::max(options_.attempts, 1); ++attempt) {
    if (attempt > 1) {
      sleep_(backoff);
      backoff *= 2;
    }
    if (limiter_ != nullptr) limiter_->Acquire();
    ++requests_;
    const absl::Time t0 = absl::Now();
    common::FetchResult r = getter_->Get(url);
    const double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
    std::string label;
    absl::Status status;
    json doc;
    const std::string where = absl::StrCat(platform_, " ", what);
    if (r.error != common::v1::FETCH_ERROR_NONE && r.error != common::v1::FETCH_ERROR_HTTP_STATUS) {
      label = r.error == common::v1::FETCH_ERROR_TIMEOUT ? "timeout" : "network";
      std::string msg = absl::StrCat(where, ": ", common::FetchErrorLabel(r.error),
                                     r.error_detail.empty() ? "" : " (", r.error_detail,
                                     r.error_detail.empty() ? "" : ")");
      status = r.error == common::v1::FETCH_ERROR_TIMEOUT ? absl::DeadlineExceededError(msg)
                                                          : absl::UnavailableError(msg);
    } else if (r.http_status >= 500 || r.http_status == 429 || r.http_status == 408) {
      label = "http_5xx";
      status = absl::UnavailableError(absl::StrCat(where, ": HTTP ", r.http_status));
    } else if (r.http_status == 404) {
      label = "not_found";
      json err = ParseJson(r.body);
      std::string message = err.is_object() && err.contains("error") ? JsonString(err["error"], "message")
                                                                     : std::string();
      status = absl::NotFoundError(absl::StrCat(where, ": HTTP 404",
                                                message.empty() ? "" : ": ", message));
    } else if (r.http_status >= 400) {
      label = "http_4xx";
      json err = ParseJson(r.body);
      std::string message = err.is_object() && err.contains("error") ? JsonString(err["error"], "message")
                                                                     : std::string();
      std::string msg = absl::StrCat(where, ": HTTP ", r.http_status,
                                     message.empty() ? "" : ": ", message);
      status = r.http_status == 400 ? absl::InvalidArgumentError(msg) : absl::UnknownError(msg);
    } else {
      doc = ParseJson(r.body);
      if (doc.is_discarded() || !doc.is_object()) {
        label = "malformed";
        status = absl::DataLossError(absl::StrCat(where, ": HTTP ", r.http_status,
                                                  " answered with malformed JSON (",
                                                  r.body.size(), " bytes)"));
      } else {
        absl::StatusOr<T> v = parse(doc);
        if (!v.ok()) {
          label = "malformed";
          status = absl::DataLossError(absl::StrCat(where, ": ", v.status().message()));
        } else {
          if (metrics_ != nullptr) metrics_->Record(platform_, "ok", seconds);
          return v;
        }
      }
    }
    if (metrics_ != nullptr) metrics_->Record(platform_, label, seconds);
    last = status;
    if (!IsTransient(status)) return status;
  }
  return last;
}

absl::StatusOr<PlatformAccount> HttpPlatformAdapter::GetAccount(const std::string& id) {
  return Call<PlatformAccount>("account " + id, "/v1/accounts/" + UrlEncode(id),
                               [](const json& j) { return ParseAccount(j); });
}

absl::StatusOr<Page<PlatformPost>> HttpPlatformAdapter::ListPosts(const std::string& id,
                                                                  const std::string& page_token,
                                                                  int page_size) {
  std::string path = absl::StrCat("/v1/accounts/", UrlEncode(id), "/posts?page_size=", page_size);
  if (!page_token.empty()) absl::StrAppend(&path, "&page_token=", UrlEncode(page_token));
  return Call<Page<PlatformPost>>("posts of " + id, path, [](const json& j) {
    return ParseList<PlatformPost>(j, "posts", ParsePost);
  });
}

absl::StatusOr<Page<PlatformAccount>> HttpPlatformAdapter::SearchAccounts(
    const std::string& q, const std::string& page_token, int page_size) {
  std::string path = absl::StrCat("/v1/accounts?q=", UrlEncode(q), "&page_size=", page_size);
  if (!page_token.empty()) absl::StrAppend(&path, "&page_token=", UrlEncode(page_token));
  return Call<Page<PlatformAccount>>("account search", path, [](const json& j) {
    return ParseList<PlatformAccount>(j, "accounts", ParseAccount);
  });
}

const char* PlatformId(common::v1::Platform platform) {
  switch (platform) {
    case common::v1::PLATFORM_WECHAT: return "wechat";
    case common::v1::PLATFORM_WEIBO: return "weibo";
    case common::v1::PLATFORM_DOUYIN: return "douyin";
    case common::v1::PLATFORM_TOUTIAO: return "toutiao";
    case common::v1::PLATFORM_APP: return "app";
    case common::v1::PLATFORM_OTHER: return "other";
    default: return "";
  }
}

common::v1::Platform ParsePlatformId(const std::string& id) {
  for (auto p : {common::v1::PLATFORM_WECHAT, common::v1::PLATFORM_WEIBO,
                 common::v1::PLATFORM_DOUYIN, common::v1::PLATFORM_TOUTIAO,
                 common::v1::PLATFORM_APP, common::v1::PLATFORM_OTHER}) {
    if (id == PlatformId(p)) return p;
  }
  return common::v1::PLATFORM_UNSPECIFIED;
}

bool IsTransient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace govinspect::newmedia
