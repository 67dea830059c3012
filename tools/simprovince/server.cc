#include "tools/simprovince/server.h"

#include <algorithm>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <list>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/api.h"

namespace govinspect::simprovince {

void LogEvent(const std::string& severity, const std::string& message,
              const std::vector<std::pair<std::string, std::string>>& fields) {
  static std::mutex mu;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm;
  gmtime_r(&t, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  nlohmann::json j{{"timestamp", ts}, {"severity", severity}, {"message", message}, {"service", "simprovince"}};
  for (const auto& [k, v] : fields) j[k] = v;
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

absl::StatusOr<FaultSpec> ParseFault(absl::string_view spec) {
  FaultSpec f;
  size_t colon = spec.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat("--fault \"", spec, "\": expected HOST:key[=value],..."));
  }
  f.host = absl::AsciiStrToLower(spec.substr(0, colon));
  for (absl::string_view kv : absl::StrSplit(spec.substr(colon + 1), ',', absl::SkipEmpty())) {
    absl::string_view k = kv, v;
    size_t eq = kv.find('=');
    if (eq != absl::string_view::npos) {
      k = kv.substr(0, eq);
      v = kv.substr(eq + 1);
    }
    auto bad = [&] { return absl::InvalidArgumentError(absl::StrCat("--fault \"", spec, "\": bad value for ", k)); };
    if (k == "latency_ms") {
      if (!absl::SimpleAtoi(v, &f.latency_ms) || f.latency_ms < 0) return bad();
    } else if (k == "fail") {
      if (!absl::SimpleAtod(v, &f.fail_ratio) || f.fail_ratio < 0 || f.fail_ratio > 1) return bad();
    } else if (k == "fail_mode") {
      if (v == "5xx") f.fail_mode = FailureKind::kHttp5xx;
      else if (v == "timeout") f.fail_mode = FailureKind::kTimeout;
      else if (v == "reset") f.fail_mode = FailureKind::kReset;
      else return bad();
    } else if (k == "redirect_loop") {
      f.redirect_loop = true;
    } else if (k == "url_trap") {
      f.url_trap = true;
    } else if (k == "malformed") {
      f.malformed = true;
    } else if (k == "lying_charset") {
      f.lying_charset = true;
    } else if (k == "gzip_bomb") {
      f.gzip_bomb = true;
      if (!v.empty() && (!absl::SimpleAtoi(v, &f.gzip_bomb_mb) || f.gzip_bomb_mb < 1 || f.gzip_bomb_mb > 4096)) return bad();
    } else if (k == "oversize_mb") {
      int mb;
      if (!absl::SimpleAtoi(v, &mb) || mb < 1 || mb > 1024) return bad();
      f.oversize_bytes = static_cast<size_t>(mb) << 20;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--fault \"", spec, "\": unknown key \"", k, "\""));
    }
  }
  return f;
}

namespace {

using ResponsePtr = std::shared_ptr<const HttpResponse>;

// A per-thread LRU cache of rendered responses (rendering is deterministic).
class Cache {
 public:
  explicit Cache(size_t max_bytes) : max_(max_bytes) {}
  ResponsePtr Get(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  void Put(const std::string& key, ResponsePtr r) {
    size_t sz = key.size() + r->body.size() + 256;
    if (sz > max_ / 4) return;
    lru_.emplace_front(key, std::move(r));
    map_[key] = lru_.begin();
    bytes_ += sz;
    while (bytes_ > max_ && !lru_.empty()) {
      auto& last = lru_.back();
      bytes_ -= last.first.size() + last.second->body.size() + 256;
      map_.erase(last.first);
      lru_.pop_back();
    }
  }

 private:
  size_t max_;
  size_t bytes_ = 0;
  std::list<std::pair<std::string, ResponsePtr>> lru_;
  absl::flat_hash_map<std::string, std::list<std::pair<std::string, ResponsePtr>>::iterator> map_;
};

void ReleaseRef(const void*, size_t, void* arg) { delete static_cast<ResponsePtr*>(arg); }

struct Pending {
  Server::Worker* worker;
  evhttp_request* req;
  evhttp_connection* conn;
  ResponsePtr resp;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string extra_body;  // appended after resp->body (oversize padding is by reference)
  const std::string* padding = nullptr;
  size_t padding_len = 0;
  event* timer = nullptr;
  bool dead = false;
};

}  // namespace

struct Server::Worker {
  Server* server;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  int fd = -1;
  // Activated by Stop() from another thread; its callback breaks the loop from inside it, so a
  // stop requested before the loop started is not lost (event_base_loopbreak would be).
  event* stop = nullptr;
  Cache cache;
  std::atomic<uint64_t> requests{0};
  explicit Worker(Server* s, size_t cache_bytes) : server(s), cache(cache_bytes) {}
};

namespace {

void SendNow(Pending* p);

void OnConnClose(evhttp_connection*, void* arg) { static_cast<Pending*>(arg)->dead = true; }

void OnTimer(evutil_socket_t, short, void* arg) {
  Pending* p = static_cast<Pending*>(arg);
  event_free(p->timer);
  p->timer = nullptr;
  if (p->dead) {
    delete p;
    return;
  }
  evhttp_connection_set_closecb(p->conn, nullptr, nullptr);
  SendNow(p);
}

void SendNow(Pending* p) {
  evkeyvalq* out = evhttp_request_get_output_headers(p->req);
  evhttp_add_header(out, "Server", "simprovince");
  if (!p->resp->content_type.empty()) evhttp_add_header(out, "Content-Type", p->resp->content_type.c_str());
  for (const auto& [k, v] : p->resp->headers) evhttp_add_header(out, k.c_str(), v.c_str());
  for (const auto& [k, v] : p->headers) evhttp_add_header(out, k.c_str(), v.c_str());
  evbuffer* buf = evbuffer_new();
  auto* ref = new ResponsePtr(p->resp);
  evbuffer_add_reference(buf, p->resp->body.data(), p->resp->body.size(), ReleaseRef, ref);
  if (p->padding != nullptr && p->padding_len > 0) {
    evbuffer_add_reference(buf, p->padding->data(), p->padding_len, nullptr, nullptr);
  }
  if (!p->extra_body.empty()) evbuffer_add(buf, p->extra_body.data(), p->extra_body.size());
  const int status = p->resp->status;
  const char* reason = status == 200 ? "OK" : status == 404 ? "Not Found" : status == 302 ? "Found"
                       : status == 503 ? "Service Unavailable" : status == 400 ? "Bad Request" : "Status";
  evhttp_send_reply(p->req, status, reason, buf);
  evbuffer_free(buf);
  delete p;
}

void Dispatch(Pending* p, int delay_ms) {
  if (delay_ms <= 0) {
    SendNow(p);
    return;
  }
  p->timer = evtimer_new(p->worker->base, OnTimer, p);
  evhttp_connection_set_closecb(p->conn, OnConnClose, p);
  timeval tv{delay_ms / 1000, (delay_ms % 1000) * 1000};
  evtimer_add(p->timer, &tv);
}

void ResetConnection(evhttp_request* req) {
  evhttp_connection* conn = evhttp_request_get_connection(req);
  bufferevent* bev = evhttp_connection_get_bufferevent(conn);
  int fd = bufferevent_getfd(bev);
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  evhttp_connection_free(conn);
}

void OnRequest(evhttp_request* req, void* arg) {
  auto* w = static_cast<Server::Worker*>(arg);
  w->server->Handle(*w, req);
}

std::string Malform(const std::string& body) {
  // Cut the page at two thirds, drop closing tags and leave unbalanced markup behind.
  std::string out = body.substr(0, body.size() * 2 / 3);
  std::string result;
  result.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 6, "</div>") == 0 || out.compare(i, 5, "</td>") == 0 || out.compare(i, 5, "</li>") == 0) {
      while (i < out.size() && out[i] != '>') ++i;
      continue;
    }
    result += out[i];
  }
  result += "<div class=\"broken\"><table><tr><td><p>未闭合 <a href=\"/\" <b>&nbsp &lt <<>> <script>var x = \"";
  return result;
}

std::string BuildGzipBomb(int mb) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0');
  std::string out;
  char buf[1 << 16];
  for (int i = 0; i < mb; ++i) {
    zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
    zs.avail_in = static_cast<uInt>(zeros.size());
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      deflate(&zs, i + 1 == mb ? Z_FINISH : Z_NO_FLUSH);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_out == 0);
  }
  deflateEnd(&zs);
  return out;
}

}  // namespace

Server::Server(const Province& p, ServerOptions options)
    : p_(p), o_(std::move(options)), renderer_(p, o_.page_weight) {
  home_counters_.reset(new std::atomic<uint64_t>[p.sites.size()]);
  for (size_t i = 0; i < p.sites.size(); ++i) home_counters_[i] = 0;
  fault_counters_.reset(new std::atomic<uint64_t>[o_.faults.size() + 1]);
  size_t max_pad = 0;
  int bomb_mb = 0;
  for (size_t i = 0; i <= o_.faults.size(); ++i) fault_counters_[i] = 0;
  for (size_t i = 0; i < o_.faults.size(); ++i) {
    const FaultSpec& f = o_.faults[i];
    if (f.host == "*") fault_all_ = static_cast<int>(i);
    else fault_by_host_[f.host] = static_cast<int>(i);
    max_pad = std::max(max_pad, f.oversize_bytes);
    if (f.gzip_bomb) bomb_mb = std::max(bomb_mb, f.gzip_bomb_mb);
  }
  if (max_pad > 0) padding_.assign(max_pad, ' ');
  if (bomb_mb > 0) gzip_bomb_ = BuildGzipBomb(bomb_mb);
}

Server::~Server() { Stop(); }

uint64_t Server::requests() const {
  uint64_t n = 0;
  for (const auto& w : workers_) n += w->requests.load();
  return n;
}

absl::Status Server::Start() {
  static std::once_flag once;
  std::call_once(once, [] { evthread_use_pthreads(); });
  std::string host = o_.listen;
  int port = 0;
  size_t colon = o_.listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(o_.listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--listen \"", o_.listen, "\": expected IP:PORT"));
  }
  host = o_.listen.substr(0, colon);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("--listen \"", o_.listen, "\": not an IPv4 address"));
  }
  if (o_.threads < 1 || o_.threads > 64) return absl::InvalidArgumentError("--threads must be 1..64");
  for (int i = 0; i < o_.threads; ++i) {
    auto w = std::make_unique<Worker>(this, o_.cache_bytes_per_thread);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // inherited by accepted sockets
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1024) != 0) {
      close(fd);
      return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port, ": ", std::strerror(errno)));
    }
    if (port == 0) {
      sockaddr_in bound{};
      socklen_t len = sizeof bound;
      getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
      port = ntohs(bound.sin_port);
    }
    w->fd = fd;
    w->base = event_base_new();
    w->stop = event_new(w->base, -1, 0,
                        [](evutil_socket_t, short, void* base) {
                          event_base_loopbreak(static_cast<event_base*>(base));
                        },
                        w->base);
    w->http = evhttp_new(w->base);
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
    evhttp_set_timeout(w->http, 60);
    evhttp_set_gencb(w->http, OnRequest, w.get());
    if (evhttp_accept_socket(w->http, fd) != 0) return absl::InternalError("evhttp_accept_socket failed");
    workers_.push_back(std::move(w));
  }
  port_ = port;
  address_ = absl::StrCat(host, ":", port);
  for (auto& w : workers_) {
    Worker* wp = w.get();
    threads_.emplace_back([wp] { event_base_dispatch(wp->base); });
  }
  return absl::OkStatus();
}

void Server::Stop() {
  if (stopped_ || workers_.empty()) return;
  stopped_ = true;
  for (auto& w : workers_) event_active(w->stop, EV_READ, 0);
  for (auto& t : threads_) t.join();
  for (auto& w : workers_) {
    event_free(w->stop);
    evhttp_free(w->http);
    event_base_free(w->base);
  }
}

void Server::Handle(Worker& w, evhttp_request* req) {
  w.requests.fetch_add(1, std::memory_order_relaxed);
  std::string uri = evhttp_request_get_uri(req);
  const char* host_hdr = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
  std::string host = host_hdr ? absl::AsciiStrToLower(host_hdr) : "";
  if (absl::StartsWith(uri, "http://")) {  // proxy-style request line
    size_t slash = uri.find('/', 7);
    host = absl::AsciiStrToLower(uri.substr(7, slash == std::string::npos ? std::string::npos : slash - 7));
    uri = slash == std::string::npos ? "/" : uri.substr(slash);
  }
  if (size_t c = host.rfind(':'); c != std::string::npos) host.resize(c);
  if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
    // Form posts (the Hanweb jpage data proxy): the fields are read like query parameters.
    evbuffer* in = evhttp_request_get_input_buffer(req);
    const size_t n = std::min<size_t>(evbuffer_get_length(in), 8192);
    if (n > 0) {
      std::string form(n, '\0');
      evbuffer_copyout(in, form.data(), n);
      form.erase(std::remove_if(form.begin(), form.end(), [](char ch) { return ch == '\r' || ch == '\n'; }), form.end());
      uri += uri.find('?') == std::string::npos ? "?" : "&";
      uri += form;
    }
  }

  const FaultSpec* fault = nullptr;
  int fault_index = -1;
  if (auto it = fault_by_host_.find(host); it != fault_by_host_.end()) fault_index = it->second;
  else fault_index = fault_all_;
  if (fault_index >= 0) fault = &o_.faults[fault_index];

  auto pending = new Pending{&w, req, evhttp_request_get_connection(req), nullptr, {}, {}, nullptr, 0, nullptr, false};
  int delay = fault ? fault->latency_ms : 0;
  auto fail = [&](FailureKind kind) {
    if (kind == FailureKind::kReset) {
      delete pending;
      ResetConnection(req);
      return;
    }
    auto r = std::make_shared<HttpResponse>();
    r->status = 503;
    r->content_type = "text/html; charset=utf-8";
    r->body = "<html><head><title>503 Service Unavailable</title></head><body><h1>503 Service Unavailable</h1></body></html>";
    pending->resp = std::move(r);
    Dispatch(pending, kind == FailureKind::kTimeout ? o_.hang_ms : delay);
  };

  // Host-level failure ratio from --fault.
  if (fault != nullptr && fault->fail_ratio > 0) {
    uint64_t k = fault_counters_[fault_index].fetch_add(1);
    if (DiffusedFailure(k, static_cast<uint32_t>(fault->fail_ratio * 1e6 + 0.5))) {
      fail(fault->fail_mode);
      return;
    }
  }
  std::string path = uri;
  if (size_t q = path.find('?'); q != std::string::npos) path.resize(q);

  // Fault paths.
  if (fault != nullptr && fault->redirect_loop && absl::StartsWith(path, "/__loop/")) {
    auto r = std::make_shared<HttpResponse>();
    r->status = 302;
    r->content_type = "text/html; charset=utf-8";
    r->headers.push_back({"Location", path == "/__loop/0" ? "/__loop/1" : "/__loop/0"});
    pending->resp = std::move(r);
    Dispatch(pending, delay);
    return;
  }
  if (fault != nullptr && fault->url_trap && absl::StartsWith(path, "/__calendar/")) {
    int y = 2020, m = 1;
    std::vector<std::string> parts = absl::StrSplit(path.substr(12), '-');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) || m < 1 || m > 12) {
      y = 2020;
      m = 1;
    }
    auto ym = [](int yy, int mm) { return absl::StrFormat("%04d-%02d", yy, mm); };
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1, ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    auto r = std::make_shared<HttpResponse>();
    r->content_type = "text/html; charset=utf-8";
    r->body = absl::StrCat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>活动日历 ", ym(y, m),
                           "</title></head><body><h1>活动日历 ", y, "年", m, "月</h1><a href=\"/__calendar/", ym(py, pm),
                           "\">上个月</a> <a href=\"/__calendar/", ym(ny, nm), "\">下个月</a></body></html>");
    pending->resp = std::move(r);
    Dispatch(pending, delay);
    return;
  }

  // Planted home-page failures of the site.
  int site = -1;
  if (auto it = p_.site_by_host.find(host); it != p_.site_by_host.end()) site = it->second;
  if (site >= 0 && p_.sites[site].fail_ppm > 0 && SiteRenderer::IsHomePath(uri)) {
    uint64_t k = home_counters_[site].fetch_add(1);
    if (DiffusedFailure(k, p_.sites[site].fail_ppm)) {
      FailMode m = p_.sites[site].fail_mode;
      fail(m == FailMode::kReset ? FailureKind::kReset : m == FailMode::kTimeout ? FailureKind::kTimeout : FailureKind::kHttp5xx);
      return;
    }
  }

  std::string key = absl::StrCat(host, " ", uri);
  ResponsePtr resp = w.cache.Get(key);
  if (resp == nullptr) {
    HttpResponse r;
    if (site >= 0) {
      r = renderer_.Render(site, uri);
    } else if (std::optional<HttpResponse> api = HandleApi(p_, host, uri)) {
      r = *std::move(api);
    } else if (SiteRenderer::IsStubHost(host)) {
      r = SiteRenderer::StubPage(host);
    } else {
      r.status = 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = absl::StrCat("simprovince: unknown host \"", host, "\"\n");
    }
    resp = std::make_shared<const HttpResponse>(std::move(r));
    w.cache.Put(key, resp);
  }
  if (fault != nullptr && absl::StartsWith(resp->content_type, "text/html")) {
    auto r = std::make_shared<HttpResponse>(*resp);
    if (fault->redirect_loop || fault->url_trap) {
      std::string links;
      if (fault->redirect_loop) links += "<a href=\"/__loop/0\">专题活动</a>";
      if (fault->url_trap) links += "<a href=\"/__calendar/2020-06\">活动日历</a>";
      size_t body_end = r->body.rfind("</body>");
      r->body.insert(body_end == std::string::npos ? r->body.size() : body_end, links);
    }
    if (fault->malformed) r->body = Malform(r->body);
    if (fault->lying_charset) {
      r->content_type = absl::StrContains(absl::AsciiStrToLower(r->content_type), "utf-8") ? "text/html; charset=GBK"
                                                                                            : "text/html; charset=utf-8";
    }
    if (fault->gzip_bomb) {
      r->body = gzip_bomb_;
      r->headers.push_back({"Content-Encoding", "gzip"});
    }
    if (fault->oversize_bytes > r->body.size() + 7 && !fault->gzip_bomb) {
      r->body += "<!--";
      pending->padding = &padding_;
      pending->padding_len = fault->oversize_bytes - r->body.size() - 3;
      pending->extra_body = "-->";
    }
    resp = std::move(r);
  }
  pending->resp = std::move(resp);
  Dispatch(pending, delay);
}

}  // namespace govinspect::simprovince
