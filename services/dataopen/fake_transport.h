#ifndef GOVINSPECT_SERVICES_DATAOPEN_FAKE_TRANSPORT_H_
#define GOVINSPECT_SERVICES_DATAOPEN_FAKE_TRANSPORT_H_

// A scripted HttpTransport for tests: CKAN actions and resource downloads answered by handlers.

#include <functional>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/dataopen/ckan_client.h"

namespace govinspect::dataopen::testing {

using Query = std::map<std::string, std::string>;

inline std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      if (absl::SimpleHexAtoi(s.substr(i + 1, 2), &v)) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

inline common::FetchResult Answer(int status, std::string body,
                                  std::string content_type = "application/json;charset=utf-8") {
  common::FetchResult r;
  r.http_status = status;
  r.error = status >= 400 ? common::v1::FETCH_ERROR_HTTP_STATUS : common::v1::FETCH_ERROR_NONE;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

inline common::FetchResult Failure(common::v1::FetchError error) {
  common::FetchResult r;
  r.error = error;
  r.error_detail = "scripted failure";
  return r;
}

class FakeTransport : public HttpTransport {
 public:
  using ApiHandler = std::function<common::FetchResult(const Query& query)>;
  // method is "HEAD" or "GET" (ranged).
  using FileHandler =
      std::function<common::FetchResult(const std::string& method, const std::string& url)>;

  void On(const std::string& action, ApiHandler handler) {
    absl::MutexLock lock(&mu_);
    api_[action] = std::move(handler);
  }
  void OnFile(FileHandler handler) {
    absl::MutexLock lock(&mu_);
    files_ = std::move(handler);
  }
  int Calls(const std::string& key) {
    absl::MutexLock lock(&mu_);
    return calls_[key];
  }

  common::FetchResult Get(const std::string& url) override {
    size_t a = url.find("/api/3/action/");
    if (a == std::string::npos) return File("GET", url);
    std::string rest = url.substr(a + 14);
    std::string action = rest.substr(0, rest.find('?'));
    Query q;
    if (size_t qm = rest.find('?'); qm != std::string::npos) {
      for (absl::string_view kv : absl::StrSplit(rest.substr(qm + 1), '&')) {
        size_t eq = kv.find('=');
        if (eq == absl::string_view::npos) continue;
        q[UrlDecode(std::string(kv.substr(0, eq)))] = UrlDecode(std::string(kv.substr(eq + 1)));
      }
    }
    ApiHandler h;
    {
      absl::MutexLock lock(&mu_);
      ++calls_[action];
      if (auto it = api_.find(action); it != api_.end()) h = it->second;
    }
    if (!h) {
      return Answer(400, "{\"success\": false, \"error\": {\"__type\": \"Bad Request\", "
                         "\"message\": \"Action name not known\"}}");
    }
    return h(q);
  }
  common::FetchResult Head(const std::string& url) override { return File("HEAD", url); }
  common::FetchResult GetRange(const std::string& url, int64_t) override {
    return File("GET", url);
  }

 private:
  common::FetchResult File(const std::string& method, const std::string& url) {
    FileHandler h;
    {
      absl::MutexLock lock(&mu_);
      ++calls_[method];
      h = files_;
    }
    if (!h) return Answer(200, "", "text/csv");
    return h(method, url);
  }

  absl::Mutex mu_;
  std::map<std::string, ApiHandler> api_ ABSL_GUARDED_BY(mu_);
  FileHandler files_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace govinspect::dataopen::testing

#endif  // GOVINSPECT_SERVICES_DATAOPEN_FAKE_TRANSPORT_H_
