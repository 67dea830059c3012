#include "services/crawler/site_crawler.h"

#include <algorithm>
#include <deque>
#include <set>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/charset/charset.h"
#include "common/html/link_extractor.h"
#include "common/http/robots.h"
#include "common/text/date_parser.h"
#include "common/url/url.h"
#include "google/protobuf/util/time_util.h"
#include "services/crawler/page_analyzer.h"
#include "services/crawler/script_lists.h"
#include "services/crawler/site_analyzer.h"

namespace govinspect::crawler {
namespace {

using common::FetchRequest;
using common::FetchResult;

std::string Extension(const std::string& url) {
  std::string path = common::UrlPathAndQuery(url);
  if (size_t q = path.find('?'); q != std::string::npos) path.resize(q);
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return absl::AsciiStrToLower(path.substr(dot + 1));
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

// "2020-06", "2020-06-01", "202006", "20200601", "2020/06" as a whole token.
bool IsDateToken(absl::string_view t) {
  std::vector<absl::string_view> parts = absl::StrSplit(t, absl::ByAnyChar("-_"));
  if (parts.size() == 2 || parts.size() == 3) {
    if (parts[0].size() != 4 || !IsDigits(parts[0])) return false;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i].empty() || parts[i].size() > 2 || !IsDigits(parts[i])) return false;
    }
    return true;
  }
  if (!((t.size() == 6 || t.size() == 8) && IsDigits(t))) return false;
  int year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  int month = (t[4] - '0') * 10 + (t[5] - '0');
  if (year < 1990 || year > 2099 || month < 1 || month > 12) return false;
  if (t.size() == 8) {
    int day = (t[6] - '0') * 10 + (t[7] - '0');
    if (day < 1 || day > 31) return false;
  }
  return true;
}

// A separated date ("2020-06", "2020_06_01"): unambiguous, unlike a bare number.
bool IsSeparatedDate(absl::string_view t) {
  return IsDateToken(t) && (t.find('-') != absl::string_view::npos || t.find('_') != absl::string_view::npos);
}

bool IsBroken(const FetchResult& r) {
  switch (r.error) {
    case common::v1::FETCH_ERROR_HTTP_STATUS:
      return r.http_status != 401 && r.http_status != 407 && r.http_status != 429;
    case common::v1::FETCH_ERROR_DNS:
    case common::v1::FETCH_ERROR_REFUSED:
    case common::v1::FETCH_ERROR_RESET:
    case common::v1::FETCH_ERROR_TIMEOUT:
    case common::v1::FETCH_ERROR_TLS:
    case common::v1::FETCH_ERROR_REDIRECT_LOOP:
    case common::v1::FETCH_ERROR_TOO_MANY_REDIRECTS:
      return true;
    default:
      return false;  // none, body too large (it exists), blocked, forbidden, other
  }
}

bool IsHtml(const FetchResult& r) {
  if (r.content_type.empty()) return true;  // sniffed by the parser
  std::string ct = absl::AsciiStrToLower(r.content_type);
  return absl::StrContains(ct, "html") || absl::StrContains(ct, "xml");
}

class Crawl {
 public:
  Crawl(const common::v1::Site& site, const std::string& as_of, const CrawlOptions& options,
        LinkCache* cache, common::FetchObserver* observer, const common::v1::Unit* unit)
      : site_(site), as_of_(as_of), o_(options), cache_(cache), engine_(options.engine, observer),
        as_of_day_(common::ParseIsoDay(as_of).value_or(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()))),
        analyzer_(AnalysisContext(unit)) {}

  common::v1::Observation Run();
  ~Crawl() { StopPageThreads(); }

 private:
  struct Target {
    TargetKind kind = TargetKind::kPage;
    bool img = false;       // linked from an <img>
    bool anchor = false;    // linked from <a>/<area>/<iframe>/<frame>/refresh
    bool resource = false;  // only linked from <script>/<link>
    bool external = false;
    std::string source_url;
    std::string text;
    bool checked = false;
    std::string reason;  // "ok" or the taxonomy reason
    bool broken = false;
    bool transient = false;  // broken by an error worth retrying (5xx, timeout, reset)
  };

  bool InScope(const std::string& url) const { return hosts_.contains(common::UrlHost(url)); }
  SiteAnalysisContext AnalysisContext(const common::v1::Unit* unit) {
    SiteAnalysisContext c;
    c.as_of = as_of_day_;
    // A site checked without its unit (a bare URL): the unit's duties are unknown, so the lack of
    // 办事服务 is not judged (the rule applies to units with public-service duties only).
    c.public_service = unit != nullptr && unit->public_service();
    c.overrides = site_.has_overrides() ? &site_.overrides() : nullptr;
    c.categories = o_.column_categories;
    c.checker = o_.content_checker;
    c.in_scope = [this](const std::string& url) { return InScope(url); };
    c.link_broken = [this](const std::string& url) -> std::optional<bool> {
      auto it = targets_.find(url);
      if (it == targets_.end() || !it->second.checked) return std::nullopt;
      return it->second.broken;
    };
    return c;
  }
  void FetchPage(const std::string& url, int depth, bool home);
  void OnPage(const std::string& url, int depth, bool home, FetchResult r);
  // New targets a page may still add (CrawlOptions::max_links_per_page, max_images_per_page);
  // null: not limited.
  struct PageBudget {
    int links = 0;
    int images = 0;
  };
  void OnLink(const std::string& page_url, int depth, const common::ExtractedLink& link,
              const common::UrlResolver& resolver, PageBudget* budget = nullptr);
  void Check(const std::string& url, Target& t);
  void OnChecked(const std::string& url, FetchResult r, bool was_head);
  void Record(const FetchResult& r);
  bool TrapGuard(const std::string& url);

  const common::v1::Site& site_;
  std::string as_of_;
  const CrawlOptions& o_;
  LinkCache* cache_;
  common::FetchEngine engine_;
  absl::flat_hash_set<std::string> hosts_;
  std::string home_url_;
  common::RobotsRules robots_;
  absl::flat_hash_map<std::string, Target> targets_;   // every link target, normalised
  absl::flat_hash_set<std::string> queued_pages_;      // pages submitted (and final URLs)
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> queries_by_path_;
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> param_sets_by_path_;
  absl::flat_hash_map<std::string, int> calendar_counts_;
  std::vector<std::pair<std::string, std::string>> external_results_;
  common::v1::Observation obs_;
  common::v1::SiteEvidence* ev_ = nullptr;
  std::map<int, int64_t> results_;
  int pages_submitted_ = 0;
  int pages_crawled_ = 0;
  int max_depth_ = 0;
  absl::CivilDay as_of_day_;
  SiteAnalyzer analyzer_;
  std::string home_base_;
  // The home page's meta-refresh / script redirect within the site (followed at most 3 times).
  std::string home_redirect_;
  int redirect_hops_ = 0;
  bool redirect_home_pending_ = false;
  void FetchPostPage(const PostPage& pp, int depth);
  // Why the home page was not read (empty once it was): a site is assessed only on evidence.
  std::string home_unread_ = "首页未能读取（抓取未完成）";

  // Pages are decoded, parsed and read (links, and the page understanding) on a pool of
  // threads while the engine thread fetches; each page's links come back to the engine thread
  // (FetchEngine::Post). Pages wait in a bounded queue (the engine thread waits when it is full).
  struct PageJob {
    std::string page_url;  // normalised final URL
    int depth = 0;
    bool home = false;
    std::string body;
    std::string content_type;
  };
  void ReadPage(PageJob job);
  void PageLoop();
  void ReadOne(PageJob job);
  void StopPageThreads();
  // The queue holds at most this many pages and, unless it holds one page only, this many
  // bytes of bodies (a page may be up to --max_body_bytes).
  static constexpr size_t kMaxQueuedPages = 64;
  static constexpr size_t kMaxQueuedBytes = 32 << 20;
  bool QueueHasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(pages_mu_) {
    return page_queue_.size() < kMaxQueuedPages &&
           (page_queue_.empty() || queued_bytes_ + incoming_bytes_ <= kMaxQueuedBytes);
  }
  absl::Mutex pages_mu_;
  std::deque<PageJob> page_queue_ ABSL_GUARDED_BY(pages_mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(pages_mu_) = 0;
  size_t incoming_bytes_ ABSL_GUARDED_BY(pages_mu_) = 0;  // the page waiting to be queued
  bool pages_done_ ABSL_GUARDED_BY(pages_mu_) = false;
  std::vector<std::thread> page_threads_;
  // SiteAnalyzer::AddPage from the page threads.
  absl::Mutex analyzer_mu_;
};

void Crawl::ReadPage(PageJob job) {
  if (page_threads_.empty()) {
    int n = o_.page_threads;
    if (n <= 0) n = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    for (int i = 0; i < n; ++i) page_threads_.emplace_back([this] { PageLoop(); });
  }
  engine_.ExpectPost();
  absl::MutexLock lock(&pages_mu_);
  incoming_bytes_ = job.body.size();
  pages_mu_.Await(absl::Condition(this, &Crawl::QueueHasRoom));
  queued_bytes_ += incoming_bytes_;
  incoming_bytes_ = 0;
  page_queue_.push_back(std::move(job));
}

void Crawl::PageLoop() {
  for (;;) {
    PageJob job;
    {
      absl::MutexLock lock(&pages_mu_);
      pages_mu_.Await(absl::Condition(
          +[](Crawl* c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->pages_mu_) {
            return c->pages_done_ || !c->page_queue_.empty();
          },
          this));
      if (page_queue_.empty()) return;  // done and drained
      job = std::move(page_queue_.front());
      page_queue_.pop_front();
      queued_bytes_ -= job.body.size();
    }
    ReadOne(std::move(job));
  }
}

// On a page thread: everything about one page that does not touch the crawl's own state.
void Crawl::ReadOne(PageJob job) {
  common::DecodedText text = common::DecodeToUtf8(job.body, job.content_type);
  job.body.clear();
  job.body.shrink_to_fit();
  // The answer of a list-paging endpoint (a bare <datastore> of records): its records are the
  // page (Hanweb jpage's dataproxy.jsp).
  {
    absl::string_view head = absl::string_view(text.utf8).substr(0, 512);
    if (absl::StrContains(absl::AsciiStrToLower(head), "<datastore") &&
        !absl::StrContains(absl::AsciiStrToLower(head), "<html")) {
      if (std::optional<std::string> html = DatastoreToHtml(text.utf8)) {
        text.utf8 = absl::StrCat("<html><body>", *html, "</body></html>");
      }
    }
  }
  // One parse: with page understanding on, the DOM gives the links too.
  common::HtmlDoc doc;
  common::PageLinks links;
  if (o_.understand_pages) {
    doc = common::ParseHtmlDocument(text.utf8);
    links = common::ExtractLinksFromDocument(doc.get());
  } else {
    links = common::ExtractLinks(text.utf8);
  }
  text.utf8.clear();
  text.utf8.shrink_to_fit();
  std::string base = job.page_url;
  if (!links.base_href.empty()) {
    if (auto b = common::ResolveUrl(base, links.base_href); b.ok()) base = *b;
  }
  std::vector<std::string> extra_links;
  std::vector<PostPage> post_pages;
  std::string redirect;
  if (o_.understand_pages && doc != nullptr) {
    PageContext pc;
    pc.url = base;
    pc.as_of = as_of_day_;
    pc.overrides = site_.has_overrides() ? &site_.overrides() : nullptr;
    PageFacts facts = AnalyzeDocument(doc.get(), pc);
    doc.reset();
    extra_links = facts.extra_links;
    post_pages = facts.post_pages;
    redirect = facts.redirect;
    std::vector<common::ContentMatch> matches = analyzer_.CheckContent(facts);
    absl::MutexLock lock(&analyzer_mu_);
    analyzer_.AddPage(job.page_url, std::move(facts), std::move(matches));
  }
  engine_.Post([this, depth = job.depth, home = job.home,
                charset = std::move(text.charset), source = std::move(text.source),
                base = std::move(base), links = std::move(links), extra_links = std::move(extra_links),
                post_pages = std::move(post_pages), redirect = std::move(redirect)] {
    if (home) {
      ev_->mutable_home()->set_charset(charset);
      ev_->mutable_home()->set_charset_source(source);
    }
    if (links.nofollow) return;
    common::UrlResolver resolver(base);
    PageBudget budget{o_.max_links_per_page, o_.max_images_per_page};
    for (const auto& l : links.links) OnLink(base, depth, l, resolver, &budget);
    // Pages that only scripts link (pagination drawn by createPageHTML, records in a data
    // island) are read like linked ones.
    for (const std::string& u : extra_links) {
      common::ExtractedLink l;
      l.tag = common::LinkTag::kA;
      l.href = u;
      OnLink(base, depth, l, resolver);
    }
    for (const PostPage& pp : post_pages) FetchPostPage(pp, depth + 1);
    // A home page that sends the browser on at once (meta refresh, script redirect) within
    // the site: the page it sends to is the home page that is read.
    if (home && !redirect.empty() && InScope(redirect) && redirect_hops_ < 3) {
      ++redirect_hops_;
      auto n = common::NormalizeUrl(redirect);
      if (n.ok()) {
        ev_->mutable_home()->set_final_url(*n);
        home_base_ = *n;
        home_redirect_ = *n;
        if (!queued_pages_.contains(*n)) {
          queued_pages_.insert(*n);
          targets_[*n].anchor = true;
          // Assessed only once the page it sends to is read.
          home_unread_ = absl::StrCat("首页跳转目标未能读取（", *n, "）");
          FetchPage(*n, depth, /*home=*/true);
        } else {
          // Already fetched or on its way as a plain link: read it as the home page.
          redirect_home_pending_ = true;
        }
      }
    }
  });
}

void Crawl::StopPageThreads() {
  {
    absl::MutexLock lock(&pages_mu_);
    pages_done_ = true;
  }
  for (std::thread& t : page_threads_) {
    if (t.joinable()) t.join();
  }
}

// ASSESSED only once the home page was read (2xx after same-site redirects, an HTML body);
// otherwise NOT_ASSESSED with the reason (docs/crawler.md, "No verdict without evidence").
common::v1::Observation Crawl::Run() {
  const absl::Time start = absl::Now();
  obs_.set_target(site_.name());
  obs_.set_unit(site_.unit());
  obs_.set_status(common::v1::TARGET_STATUS_ASSESSED);
  ev_ = obs_.mutable_site();
  auto home = common::NormalizeUrl(site_.home_url());
  common::v1::HomePageFetch* hp = ev_->mutable_home();
  hp->set_requested_url(site_.home_url());
  if (!home.ok()) {
    hp->set_error(common::v1::FETCH_ERROR_OTHER);
    hp->set_error_detail(std::string(home.status().message()));
    obs_.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    obs_.set_not_assessed_reason(absl::StrCat("首页网址无效（", home.status().message(), "）"));
    return std::move(obs_);
  }
  home_url_ = *home;
  analyzer_.set_home_url(home_url_);
  hosts_.insert(common::UrlHost(home_url_));
  // The bare domain and its www. name are one site (zs.gov.cn answering with a redirect to
  // www.zs.gov.cn is not a home page that leaves the site). Host names only, not IP literals.
  if (const std::string h = common::UrlHost(home_url_); absl::StrContains(h, '.') && !absl::StrContains(h, ':') &&
                                                        !absl::ascii_isdigit(static_cast<unsigned char>(h.back()))) {
    if (absl::StartsWith(h, "www.")) {
      if (absl::StrContains(h.substr(4), '.')) hosts_.insert(h.substr(4));
    } else {
      hosts_.insert(absl::StrCat("www.", h));
    }
  }
  for (const auto& h : site_.extra_hosts()) hosts_.insert(absl::AsciiStrToLower(h));

  const absl::Time deadline = start + o_.time_budget;
  if (o_.honor_robots) {
    FetchRequest req;
    req.url = absl::StrCat(common::UrlOrigin(home_url_), "/robots.txt");
    req.max_attempts = 1;
    engine_.Submit(req, [this](FetchResult r) {
      Record(r);
      if (r.error == common::v1::FETCH_ERROR_NONE) {
        robots_ = common::RobotsRules::Parse(r.body, o_.robots_agent);
      }
    });
    engine_.Run(deadline);
  }
  queued_pages_.insert(home_url_);
  Target& t = targets_[home_url_];
  t.anchor = true;
  FetchPage(home_url_, 0, /*home=*/true);
  engine_.Run(deadline);
  // Targets broken by a transient error (an overloaded server) are tried once more at the end,
  // when the crawl's own load is gone; only what fails again is reported.
  std::vector<std::string> recheck;
  for (const auto& [url, tg] : targets_) {
    if (tg.broken && tg.transient && url != home_url_) recheck.push_back(url);
  }
  if (!recheck.empty() && absl::Now() < deadline) {
    for (const auto& url : recheck) {
      FetchRequest req;
      req.url = url;
      req.keep_body = false;
      engine_.Submit(req, [this, url](FetchResult r) {
        Record(r);
        Target& tg = targets_[url];
        tg.reason = common::FetchReason(r);
        tg.broken = IsBroken(r);
        tg.transient = tg.broken && common::IsTransient(r);
      });
    }
    engine_.Run(deadline);
  }
  if (engine_.outstanding() > 0 || engine_.expected_posts() > 0 || absl::Now() >= deadline) {
    ev_->set_truncated(true);
  }
  StopPageThreads();  // every queued page read

  if (cache_ != nullptr && !external_results_.empty()) cache_->Store(external_results_);

  // Findings: one per broken target (the home page itself is the availability check's).
  std::vector<std::pair<std::string, const Target*>> broken;
  int checked = 0;
  for (const auto& [url, tg] : targets_) {
    if (tg.checked) ++checked;
    if (tg.broken && url != home_url_ && !(tg.resource && !tg.anchor && !tg.img)) {
      broken.emplace_back(url, &tg);
    }
  }
  std::sort(broken.begin(), broken.end());
  for (const auto& [url, tg] : broken) {
    common::v1::Finding* f = obs_.add_findings();
    std::string kind = tg->img ? "missing_image"
                       : tg->kind == TargetKind::kAttachment ? "missing_attachment"
                                                             : "broken_link";
    f->set_kind(kind);
    f->set_indicator(kind == "broken_link" ? "site_deduct_broken_links" : "site_deduct_migration");
    f->set_url(url);
    f->set_source_url(tg->source_url);
    f->set_text(tg->text);
    f->set_detail(tg->reason);
  }
  if (o_.understand_pages) {
    if (!home_base_.empty()) analyzer_.set_home_url(home_base_);
    analyzer_.Finish(&obs_, ev_->mutable_understanding());
  }
  ev_->set_pages_crawled(pages_crawled_);
  ev_->set_links_found(static_cast<int32_t>(targets_.size()));
  ev_->set_links_checked(checked);
  ev_->set_max_depth_reached(max_depth_);
  ev_->set_crawl_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  for (const auto& [e, n] : results_) {
    auto* c = ev_->add_fetch_results();
    c->set_error(static_cast<common::v1::FetchError>(e));
    c->set_count(n);
  }
  if (!home_unread_.empty()) {
    // No verdict without evidence: what was (not) found is kept, but the site is not passed.
    obs_.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    obs_.set_not_assessed_reason(home_unread_);
  }
  return std::move(obs_);
}

void Crawl::Record(const FetchResult& r) {
  results_[r.error]++;
  for (auto e : r.retried_errors) results_[e]++;
  ev_->set_bytes_fetched(ev_->bytes_fetched() + r.body_bytes);
}

void Crawl::FetchPage(const std::string& url, int depth, bool home) {
  ++pages_submitted_;
  max_depth_ = std::max(max_depth_, depth);
  FetchRequest req;
  req.url = url;
  if (home) req.max_attempts = o_.home_attempts;
  engine_.Submit(req, [this, url, depth, home](FetchResult r) { OnPage(url, depth, home, std::move(r)); });
}

void Crawl::FetchPostPage(const PostPage& pp, int depth) {
  if (!InScope(pp.url) || queued_pages_.contains(pp.key)) return;
  if (pages_submitted_ >= o_.max_pages || depth > o_.max_depth) {
    ev_->set_urls_skipped_limit(ev_->urls_skipped_limit() + 1);
    ev_->set_truncated(true);
    return;
  }
  queued_pages_.insert(pp.key);
  ++pages_submitted_;
  max_depth_ = std::max(max_depth_, depth);
  FetchRequest req;
  req.url = pp.url;
  req.method = common::FetchMethod::kPost;
  req.post_body = pp.body;
  engine_.Submit(req, [this, key = pp.key, depth](FetchResult r) {
    Record(r);
    if (r.error != common::v1::FETCH_ERROR_NONE || !IsHtml(r)) return;
    ++pages_crawled_;
    // Read under its key: the endpoint's URL is the same for every column.
    ReadPage({key, depth, false, std::move(r.body), std::move(r.content_type)});
  });
}

void Crawl::OnPage(const std::string& url, int depth, bool home, FetchResult r) {
  Record(r);
  Target& t = targets_[url];
  t.checked = true;
  t.reason = common::FetchReason(r);
  t.broken = IsBroken(r);
  t.transient = t.broken && common::IsTransient(r);
  if (home) {
    common::v1::HomePageFetch* hp = ev_->mutable_home();
    hp->set_final_url(r.final_url);
    hp->set_http_status(r.http_status);
    hp->set_error(r.error);
    hp->set_error_detail(r.error_detail);
    hp->set_latency_seconds(r.latency_seconds);
    hp->set_body_bytes(r.body_bytes);
    hp->set_attempts(r.attempts);
    *hp->mutable_fetch_time() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::GetCurrentTimeNanos());
  }
  if (r.error != common::v1::FETCH_ERROR_NONE || !IsHtml(r)) {
    if (home) {
      home_unread_ = r.error != common::v1::FETCH_ERROR_NONE
                         ? absl::StrCat("首页无法读取（", common::FetchReason(r),
                                        r.error_detail.empty() ? "" : "：", r.error_detail, "）")
                         : absl::StrCat("首页不是网页（Content-Type: ", r.content_type, "）");
    }
    return;
  }
  std::string base = r.final_url.empty() ? url : r.final_url;
  if (auto n = common::NormalizeUrl(base); n.ok()) base = *n;
  if (!InScope(base)) {  // redirected off the site
    if (home) home_unread_ = absl::StrCat("首页跳转到站外（", base, "）");
    return;
  }
  if (home && r.body.empty()) {
    home_unread_ = "首页内容为空";
    return;
  }
  queued_pages_.insert(base);
  ++pages_crawled_;
  if (home) {
    home_base_ = base;
    home_unread_.clear();
  }
  if (!home && redirect_home_pending_ && url == home_redirect_) {
    home_base_ = base;
    home_unread_.clear();
    home = true;  // read as the home page (charset evidence, further redirects)
  }
  ReadPage({base, depth, home, std::move(r.body), std::move(r.content_type)});
}

bool Crawl::TrapGuard(const std::string& url) {
  if (LooksLikeTrap(url, o_)) return false;
  std::string pq = common::UrlPathAndQuery(url);
  std::string path = pq.substr(0, pq.find('?'));
  if (size_t q = pq.find('?'); q != std::string::npos) {
    std::string query = pq.substr(q + 1);
    auto& qs = queries_by_path_[path];
    if (static_cast<int>(qs.size()) >= o_.max_query_variants_per_path && !qs.contains(query)) return false;
    std::set<std::string> names;
    for (absl::string_view kv : absl::StrSplit(query, '&')) {
      names.insert(std::string(kv.substr(0, kv.find('='))));
    }
    std::string key = absl::StrJoin(names, "&");
    auto& ps = param_sets_by_path_[path];
    if (static_cast<int>(ps.size()) >= o_.max_param_sets_per_path && !ps.contains(key)) return false;
    qs.insert(query);
    ps.insert(key);
  }
  std::string cal = CalendarPattern(pq);
  if (!cal.empty() && ++calendar_counts_[cal] > o_.max_calendar_pages) return false;
  return true;
}

void Crawl::OnLink(const std::string& page_url, int depth, const common::ExtractedLink& link,
                   const common::UrlResolver& resolver, PageBudget* budget) {
  if (common::IsNonLink(link.href)) return;
  auto resolved = resolver.Resolve(link.href);
  if (!resolved.ok()) return;
  const std::string& url = *resolved;
  const bool img = link.tag == common::LinkTag::kImg;
  const bool resource = link.tag == common::LinkTag::kScript || link.tag == common::LinkTag::kLink ||
                        link.tag == common::LinkTag::kSource || link.tag == common::LinkTag::kEmbed;
  if (budget != nullptr && !targets_.contains(url)) {
    int& left = img ? budget->images : budget->links;
    if (left <= 0) {
      if (img) ev_->set_images_skipped_page_limit(ev_->images_skipped_page_limit() + 1);
      else ev_->set_links_skipped_page_limit(ev_->links_skipped_page_limit() + 1);
      return;
    }
    --left;
  }
  auto [it, inserted] = targets_.try_emplace(url);
  Target& t = it->second;
  if (inserted) {
    t.kind = ClassifyTarget(url, img);
    t.external = !InScope(url);
    t.source_url = page_url;
    t.text = link.text;
  }
  if (img) t.img = true;
  else if (resource) t.resource = true;
  else t.anchor = true;
  if (!inserted) return;

  if (t.kind == TargetKind::kPage && !t.external && !img && !resource) {
    if (queued_pages_.contains(url)) return;
    if (pages_submitted_ >= o_.max_pages || depth + 1 > o_.max_depth) {
      ev_->set_urls_skipped_limit(ev_->urls_skipped_limit() + 1);
      ev_->set_truncated(true);
      return;
    }
    if (!TrapGuard(url)) {
      ev_->set_urls_skipped_trap(ev_->urls_skipped_trap() + 1);
      return;
    }
    if (o_.honor_robots && !robots_.Allowed(common::UrlPathAndQuery(url))) {
      ev_->set_urls_skipped_robots(ev_->urls_skipped_robots() + 1);
      return;
    }
    queued_pages_.insert(url);
    FetchPage(url, depth + 1, /*home=*/false);
    return;
  }
  if (t.external ? !o_.check_external : !o_.check_resources) return;
  if (!t.external && LooksLikeTrap(url, o_)) return;
  Check(url, t);
}

void Crawl::Check(const std::string& url, Target& t) {
  if (t.external && cache_ != nullptr) {
    auto hit = cache_->Lookup({url});
    if (auto h = hit.find(url); h != hit.end()) {
      t.checked = true;
      t.reason = h->second;
      t.broken = h->second != "ok" && h->second != "blocked" && h->second != "body_too_large" &&
                 h->second != "forbidden_address" && h->second != "other" &&
                 h->second != "http_401" && h->second != "http_429";
      ev_->set_links_from_cache(ev_->links_from_cache() + 1);
      return;
    }
  }
  FetchRequest req;
  req.url = url;
  req.method = common::FetchMethod::kHead;
  req.keep_body = false;
  engine_.Submit(req, [this, url](FetchResult r) { OnChecked(url, std::move(r), true); });
}

void Crawl::OnChecked(const std::string& url, FetchResult r, bool was_head) {
  Record(r);
  // Servers that refuse or mishandle HEAD: confirm with a one-byte ranged GET.
  if (was_head && r.error != common::v1::FETCH_ERROR_NONE &&
      (r.error == common::v1::FETCH_ERROR_HTTP_STATUS || r.error == common::v1::FETCH_ERROR_RESET ||
       r.error == common::v1::FETCH_ERROR_OTHER) &&
      r.http_status != 404 && r.http_status != 410) {
    FetchRequest req;
    req.url = url;
    req.range = true;
    req.keep_body = false;
    engine_.Submit(req, [this, url](FetchResult rr) { OnChecked(url, std::move(rr), false); });
    return;
  }
  auto it = targets_.find(url);
  if (it == targets_.end()) return;
  Target& t = it->second;
  t.checked = true;
  t.reason = common::FetchReason(r);
  t.broken = IsBroken(r);
  t.transient = t.broken && common::IsTransient(r);
  if (t.external && !t.transient) external_results_.emplace_back(url, t.reason);
}

}  // namespace

absl::flat_hash_map<std::string, std::string> MemoryLinkCache::Lookup(
    const std::vector<std::string>& urls) {
  absl::flat_hash_map<std::string, std::string> out;
  for (const auto& u : urls) {
    if (auto it = map_.find(u); it != map_.end()) out[u] = it->second;
  }
  return out;
}

void MemoryLinkCache::Store(const std::vector<std::pair<std::string, std::string>>& results) {
  for (const auto& [u, r] : results) map_[u] = r;
}

TargetKind ClassifyTarget(const std::string& url, bool is_img_tag) {
  static const absl::flat_hash_set<std::string> kImages = {"jpg", "jpeg", "png", "gif", "bmp",
                                                           "webp", "svg", "ico", "tif", "tiff"};
  static const absl::flat_hash_set<std::string> kAttachments = {
      "pdf", "doc", "docx", "xls", "xlsx", "wps", "zip", "rar", "ofd", "ppt", "pptx",
      "et",  "dps", "7z",   "txt", "csv", "ceb", "tar", "gz"};
  static const absl::flat_hash_set<std::string> kResources = {
      "css", "js", "mp4", "mp3", "flv", "swf", "avi", "wmv", "woff", "woff2", "ttf", "eot", "apk", "exe"};
  std::string ext = Extension(url);
  if (is_img_tag || kImages.contains(ext)) return TargetKind::kImage;
  if (kAttachments.contains(ext)) return TargetKind::kAttachment;
  if (kResources.contains(ext)) return TargetKind::kResource;
  return TargetKind::kPage;
}

bool LooksLikeTrap(const std::string& url, const CrawlOptions& o) {
  if (static_cast<int>(url.size()) > o.max_url_length) return true;
  std::string pq = common::UrlPathAndQuery(url);
  std::string path = pq.substr(0, pq.find('?'));
  absl::flat_hash_map<absl::string_view, int> seen;
  for (absl::string_view seg : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (++seen[seg] > o.max_segment_repeats) return true;
  }
  return false;
}

std::string CalendarPattern(const std::string& pq) {
  std::string path = pq.substr(0, pq.find('?'));
  std::vector<absl::string_view> segs = absl::StrSplit(path, '/', absl::SkipEmpty());
  if (!segs.empty()) {
    absl::string_view last = segs.back();
    if (IsDateToken(last)) {
      std::string key;
      for (size_t i = 0; i + 1 < segs.size(); ++i) absl::StrAppend(&key, "/", segs[i]);
      return absl::StrCat(key, "/#");
    }
  }
  if (size_t q = pq.find('?'); q != std::string::npos) {
    std::string key = path + "?";
    bool date = false;
    for (absl::string_view kv : absl::StrSplit(pq.substr(q + 1), '&')) {
      size_t eq = kv.find('=');
      absl::string_view name = kv.substr(0, eq);
      absl::string_view value = eq == absl::string_view::npos ? "" : kv.substr(eq + 1);
      std::string lname = absl::AsciiStrToLower(name);
      const bool date_name = lname == "year" || lname == "month" || lname == "day" ||
                             lname == "date" || lname == "y" || lname == "m" || lname == "d" ||
                             lname == "ym" || lname == "time" || lname == "cal";
      if (IsSeparatedDate(value) || (date_name && IsDigits(value))) {
        date = true;
        absl::StrAppend(&key, name, "=#&");
      } else {
        absl::StrAppend(&key, kv, "&");
      }
    }
    if (date) return key;
  }
  return "";
}

common::v1::Observation CrawlSite(const common::v1::Site& site, const std::string& as_of,
                                  const CrawlOptions& options, LinkCache* cache,
                                  common::FetchObserver* fetch_observer,
                                  CrawlObserver* crawl_observer, const common::v1::Unit* unit) {
  Crawl crawl(site, as_of, options, cache, fetch_observer, unit);
  common::v1::Observation o = crawl.Run();
  if (crawl_observer != nullptr) {
    crawl_observer->OnCrawlDone(o.site().pages_crawled(), o.site().crawl_seconds());
  }
  return o;
}

}  // namespace govinspect::crawler
