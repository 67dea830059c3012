#include "services/newmedia/account_check.h"

#include <algorithm>
#include <ctime>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/calendar/workday_calendar.h"
#include "google/protobuf/util/time_util.h"

namespace govinspect::newmedia {
namespace {

using common::v1::Finding;
using common::v1::Observation;

const absl::TimeZone& Cst() {
  static const absl::TimeZone* tz = new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *tz;
}

std::optional<absl::Time> ParseRfc3339(const std::string& s) {
  absl::Time t;
  std::string err;
  if (s.empty() || !absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return std::nullopt;
  return t;
}

std::string Iso(absl::CivilDay d) { return absl::FormatCivilTime(d); }

using common::AddMonths;

// CPU time of the calling thread, seconds.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Finding MakeFinding(const std::string& kind) {
  Finding f;
  f.set_kind(kind);
  f.set_indicator(AccountIndicator(kind));
  return f;
}

// "platform_timeout: wechat account gh_x: timeout" etc.
std::string Reason(const absl::Status& s) {
  const char* label = "platform_error";
  switch (s.code()) {
    case absl::StatusCode::kUnavailable: label = "platform_unavailable"; break;
    case absl::StatusCode::kDeadlineExceeded: label = "platform_timeout"; break;
    case absl::StatusCode::kDataLoss: label = "platform_malformed"; break;
    case absl::StatusCode::kFailedPrecondition: label = "platform_paging_repeats"; break;
    case absl::StatusCode::kInvalidArgument: label = "invalid_task"; break;
    case absl::StatusCode::kUnimplemented: label = "no_adapter"; break;
    default: break;
  }
  return absl::StrCat(label, ": ", s.message());
}

// Reads every page of a listing, refusing paging that repeats.
template <typename T, typename Fetch, typename KeyOf>
absl::Status ReadPages(Fetch fetch, KeyOf key_of, int max_pages, size_t max_items,
                       const std::string& what, std::vector<T>* out, bool* truncated) {
  std::set<std::string> tokens{""};
  std::set<std::string> keys;
  std::string token;
  for (int page = 0;; ++page) {
    if (page >= max_pages) {
      *truncated = true;
      return absl::OkStatus();
    }
    absl::StatusOr<Page<T>> p = fetch(token);
    if (!p.ok()) return p.status();
    int fresh = 0;
    for (T& item : p->items) {
      if (!keys.insert(key_of(item)).second) continue;
      ++fresh;
      out->push_back(std::move(item));
      if (out->size() >= max_items) {
        *truncated = !p->next_page_token.empty() || &item != &p->items.back();
        return absl::OkStatus();
      }
    }
    if (!p->items.empty() && fresh == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          what, ": page ", page + 1, " (token \"", token, "\") repeats items already read"));
    }
    if (p->next_page_token.empty()) return absl::OkStatus();
    if (!tokens.insert(p->next_page_token).second) {
      return absl::FailedPreconditionError(absl::StrCat(
          what, ": page token \"", p->next_page_token, "\" repeats (endless paging)"));
    }
    token = p->next_page_token;
  }
}

void SortFindings(Observation* o) {
  std::stable_sort(o->mutable_findings()->begin(), o->mutable_findings()->end(),
                   [](const Finding& a, const Finding& b) {
                     return std::tie(a.kind(), a.text(), a.detail()) <
                            std::tie(b.kind(), b.text(), b.detail());
                   });
}

struct UnitSearch {
  Observation obs;
  int found = 0;
  int calls = 0;
};

absl::StatusOr<UnitSearch> SearchUnitAccounts(
    const std::string& round, const common::v1::Unit& unit_in,
    const std::set<std::pair<std::string, std::string>>& filed, const AdapterMap& adapters,
    const AccountCheckOptions& options) {
  const common::v1::Unit* unit = &unit_in;
  if (unit->display_name().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit->name(), " has no name to search for"));
  }
  UnitSearch out;
  Observation& o = out.obs;
  o.set_round(round);
  o.set_target(unit->name());
  o.set_unit(unit->name());
  o.set_status(common::v1::TARGET_STATUS_ASSESSED);
  for (const auto& [platform, adapter] : adapters) {
    if (adapter == nullptr) continue;
    std::vector<PlatformAccount> found;
    bool truncated = false;
    absl::Status s = ReadPages<PlatformAccount>(
        [&](const std::string& token) {
          ++out.calls;
          return adapter->SearchAccounts(unit->display_name(), token, options.search_page_size);
        },
        [](const PlatformAccount& a) { return a.id; }, options.max_pages, 100000,
        absl::StrCat(platform, " search for ", unit->display_name()), &found, &truncated);
    if (!s.ok()) return s;
    int active = 0;
    for (const PlatformAccount& a : found) {
      // The search matches substrings (中山市 finds every unit of the city): keep the unit's own.
      if (a.verified_entity != unit->display_name()) continue;
      ++out.found;
      if (a.status == "active") ++active;
      if (!filed.count({platform, a.id})) {
        Finding f = MakeFinding("account_unfiled");
        f.set_url(a.url);
        f.set_text(a.name);
        f.set_date(a.opened_date);
        f.set_detail(platform);
        *o.add_findings() = std::move(f);
      }
    }
    if (active > 1) {
      Finding f = MakeFinding("account_duplicate_platform");
      f.set_detail(platform);
      f.set_text(absl::StrCat(active, " active accounts"));
      *o.add_findings() = std::move(f);
    }
  }
  SortFindings(&o);
  return out;
}

absl::StatusOr<UnitSearch> SearchUnit(const common::v1::TaskPayload& payload,
                                      const AdapterMap& adapters,
                                      const AccountCheckOptions& options) {
  const common::v1::Account& account = payload.account();
  const common::v1::Unit* unit = nullptr;
  for (const auto& u : payload.units()) {
    if (u.name() == account.unit()) unit = &u;
  }
  if (unit == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("the task carries no unit ", account.unit(), " to search for"));
  }
  std::set<std::pair<std::string, std::string>> filed;
  filed.insert({PlatformId(account.platform()), account.platform_account_id()});
  for (const auto& a : payload.unit_accounts()) {
    filed.insert({PlatformId(a.platform()), a.platform_account_id()});
  }
  return SearchUnitAccounts(payload.round(), *unit, filed, adapters, options);
}

}  // namespace

absl::StatusOr<common::v1::Observation> CheckUnitAccounts(const std::string& round,
                                                          const common::v1::Unit& unit,
                                                          const AdapterMap& adapters,
                                                          const AccountCheckOptions& options) {
  absl::StatusOr<UnitSearch> r = SearchUnitAccounts(round, unit, {}, adapters, options);
  if (!r.ok()) return r.status();
  return std::move(r->obs);
}

OrphanUnitPlan PlanOrphanUnits(const common::v1::Registry& registry) {
  OrphanUnitPlan plan;
  std::set<std::string> with_accounts;
  for (const auto& a : registry.accounts()) {
    with_accounts.insert(a.unit());
    if (plan.first_account.empty() || a.name() < plan.first_account) plan.first_account = a.name();
  }
  for (const auto& u : registry.units()) {
    if (!with_accounts.count(u.name())) plan.units.push_back(u);
  }
  return plan;
}

absl::Status ValidateOptions(const AccountCheckOptions& o) {
  if (o.update_days < 1) return absl::InvalidArgumentError("update_days must be ≥ 1");
  if (o.dormant_months < 1) return absl::InvalidArgumentError("dormant_months must be ≥ 1");
  if (o.filing_days < 0) return absl::InvalidArgumentError("filing_days must be ≥ 0");
  if (o.max_posts < 1) return absl::InvalidArgumentError("max_posts must be ≥ 1");
  if (o.posts_page_size < 1 || o.posts_page_size > 100 || o.search_page_size < 1 ||
      o.search_page_size > 100) {
    return absl::InvalidArgumentError("page sizes must be 1..100");
  }
  if (o.max_pages < 1) return absl::InvalidArgumentError("max_pages must be ≥ 1");
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" is not a YYYY-MM-DD date"));
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" is not a YYYY-MM-DD date"));
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" is not a real date"));
  }
  return day;
}

const char* AccountIndicator(const std::string& kind) {
  if (kind == "account_not_updated" || kind == "account_dormant") return "account_not_updated";
  if (kind == "account_no_interaction") return "account_no_interaction";
  if (kind == "account_closed_not_deregistered" || kind == "account_filed_late" ||
      kind == "account_unfiled") {
    return "account_filing";
  }
  if (kind == "account_duplicate_platform") return "account_consolidation";
  if (kind == "expression_error" || kind == "sensitive_word" || kind == "abolished_name") {
    return "account_security";
  }
  if (kind == "privacy_id_number" || kind == "privacy_mobile") return "account_privacy";
  return "";
}

bool SearchesUnit(const common::v1::TaskPayload& payload) {
  const std::string& me = payload.account().name();
  for (const auto& a : payload.unit_accounts()) {
    if (a.unit() == payload.account().unit() && a.name() < me) return false;
  }
  return true;
}

AccountCheckResult CheckAccount(const common::v1::TaskPayload& payload, const AdapterMap& adapters,
                                const common::ContentChecker& checker,
                                const AccountCheckOptions& options) {
  AccountCheckResult result;
  Observation& o = result.account;
  const common::v1::Account& account = payload.account();
  o.set_round(payload.round());
  o.set_target(account.name());
  o.set_unit(account.unit());
  common::v1::AccountEvidence* ev = o.mutable_account();
  const std::string platform = PlatformId(account.platform());
  ev->set_platform(platform);
  ev->set_platform_account_id(account.platform_account_id());

  auto not_assessed = [&](const absl::Status& s) -> AccountCheckResult& {
    o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    o.set_not_assessed_reason(Reason(s));
    o.clear_findings();
    result.status = s;
    return result;
  };
  if (!payload.has_account() || account.name().empty()) {
    return not_assessed(absl::InvalidArgumentError("the task carries no account"));
  }
  absl::StatusOr<absl::CivilDay> as_of = ParseDay(payload.as_of());
  if (!as_of.ok()) {
    return not_assessed(absl::InvalidArgumentError(absl::StrCat("as_of: ", as_of.status().message())));
  }
  auto it = adapters.find(platform);
  if (it == adapters.end() || it->second == nullptr) {
    return not_assessed(absl::UnimplementedError(absl::StrCat(
        "no platform adapter configured for \"", platform.empty() ? "unspecified" : platform,
        "\"")));
  }
  PlatformAdapter* adapter = it->second;
  int calls = 0;  // adapter calls of this check (the adapter's own counter is shared)
  const std::string& pid = account.platform_account_id();

  // 1. The account on the platform.
  ++calls;
  absl::StatusOr<PlatformAccount> pa = adapter->GetAccount(pid);
  std::string state;
  if (pa.ok()) {
    state = pa->status;
    ev->set_account_url(pa->url);
    ev->set_display_name(pa->name);
    ev->set_verified_entity(pa->verified_entity);
    ev->set_opened_date(pa->opened_date);
    ev->set_closed_date(pa->closed_date);
    ev->set_comments_enabled(pa->comments);
    ev->set_messages_enabled(pa->messages);
    ev->set_private_messages_enabled(pa->private_messages);
    ev->set_post_count(static_cast<int32_t>(std::max<int64_t>(pa->post_count, 0)));
  } else if (pa.status().code() == absl::StatusCode::kNotFound) {
    state = "deleted";
  } else {
    ev->set_api_requests(calls);
    return not_assessed(pa.status());
  }
  ev->set_platform_state(state);

  // 2. Filing: opened → filed within filing_days.
  {
    std::string opened = !account.opened_date().empty() ? account.opened_date()
                                                        : (pa.ok() ? pa->opened_date : "");
    auto od = ParseDay(opened);
    auto fd = ParseDay(account.filed_date());
    if (od.ok() && fd.ok() && *fd - *od > options.filing_days) {
      Finding f = MakeFinding("account_filed_late");
      f.set_date(Iso(*fd));
      f.set_detail(absl::StrCat("opened=", Iso(*od), " filed=", Iso(*fd), " days=", *fd - *od));
      *o.add_findings() = std::move(f);
    }
  }

  if (state != "active") {
    // Closed or deleted on the platform: must be deregistered; nothing else applies.
    if (account.closed_date().empty()) {
      Finding f = MakeFinding("account_closed_not_deregistered");
      if (pa.ok()) f.set_date(pa->closed_date);
      f.set_detail(absl::StrCat("platform_status=", state));
      *o.add_findings() = std::move(f);
    }
  } else {
    // 3. Posts, newest first.
    std::vector<PlatformPost> posts;
    bool truncated = false;
    absl::Status s = ReadPages<PlatformPost>(
        [&](const std::string& token) {
          ++calls;
          return adapter->ListPosts(pid, token, options.posts_page_size);
        },
        [](const PlatformPost& p) { return p.id; }, options.max_pages,
        static_cast<size_t>(options.max_posts), absl::StrCat(platform, " posts of ", pid), &posts,
        &truncated);
    if (!s.ok()) {
      ev->set_api_requests(calls);
      return not_assessed(s);
    }
    ev->set_posts_read(static_cast<int32_t>(posts.size()));
    ev->set_posts_truncated(truncated);

    // 4. Updates.
    std::optional<absl::Time> newest;
    const absl::Time end_of_as_of = absl::FromCivil(*as_of + 1, Cst());
    for (const PlatformPost& p : posts) {
      std::optional<absl::Time> t = ParseRfc3339(p.time);
      if (!t.has_value()) {
        return not_assessed(absl::DataLossError(absl::StrCat(
            platform, " post ", p.id, ": time \"", p.time, "\" is not RFC 3339")));
      }
      if (*t >= end_of_as_of) continue;
      if (!newest.has_value() || *t > *newest) newest = t;
    }
    if (!newest.has_value() && posts.empty() && pa->last_post_time.size() > 0) {
      std::optional<absl::Time> t = ParseRfc3339(pa->last_post_time);
      if (t.has_value() && *t < end_of_as_of) newest = t;
    }
    std::string newest_date;
    if (newest.has_value()) {
      *ev->mutable_newest_post_time() =
          google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(*newest));
      newest_date = Iso(absl::ToCivilDay(*newest, Cst()));
    }
    const absl::CivilDay newest_day =
        newest.has_value() ? absl::ToCivilDay(*newest, Cst()) : absl::CivilDay(1970, 1, 1);
    if (!newest.has_value() || newest_day < *as_of - options.update_days) {
      Finding f = MakeFinding("account_not_updated");
      f.set_date(newest_date);
      f.set_detail(newest.has_value() ? absl::StrCat("days_since_post=", *as_of - newest_day)
                                      : "no posts");
      *o.add_findings() = std::move(f);
    }
    if (!newest.has_value() || newest_day < AddMonths(*as_of, -options.dormant_months)) {
      Finding f = MakeFinding("account_dormant");
      f.set_date(newest_date);
      f.set_detail(newest.has_value() ? absl::StrCat("days_since_post=", *as_of - newest_day)
                                      : "no posts");
      *o.add_findings() = std::move(f);
    }
    // 5. Interaction.
    if (!pa->comments && !pa->messages && !pa->private_messages) {
      Finding f = MakeFinding("account_no_interaction");
      f.set_detail("comments, messages and private messages are all off");
      *o.add_findings() = std::move(f);
    }
    // 6. Content of the posts up to as_of.
    const double cpu0 = ThreadCpuSeconds();
    std::set<std::pair<std::string, std::string>> reported;
    int64_t bytes = 0;
    for (const PlatformPost& p : posts) {
      std::optional<absl::Time> t = ParseRfc3339(p.time);
      if (!t.has_value() || *t >= end_of_as_of) continue;
      const absl::CivilDay day = absl::ToCivilDay(*t, Cst());
      std::string text = p.title;
      text += "\n";
      text += p.text;
      bytes += static_cast<int64_t>(text.size());
      for (common::ContentMatch& m : checker.Check(text, day)) {
        const std::string kind = common::ContentKindName(m.kind);
        if (!reported.insert({kind, m.text}).second) continue;
        Finding f = MakeFinding(kind);
        f.set_source_url(p.url);
        f.set_text(m.text);
        f.set_excerpt(m.excerpt);
        f.set_date(Iso(day));
        f.set_detail(m.detail);
        *o.add_findings() = std::move(f);
        common::v1::PostContentHit* hit = ev->add_content_hits();
        hit->set_post_id(p.id);
        hit->set_post_url(p.url);
        *hit->mutable_post_time() =
            google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(*t));
        hit->set_kind(kind);
        hit->set_text(m.text);
      }
    }
    ev->set_content_bytes_checked(bytes);
    result.content_seconds = ThreadCpuSeconds() - cpu0;
  }
  o.set_status(common::v1::TARGET_STATUS_ASSESSED);
  SortFindings(&o);

  // 7. The unit's accounts on every platform (unfiled, duplicates), once per unit.
  int unit_calls = 0;
  if (options.search_unit_accounts && SearchesUnit(payload)) {
    absl::StatusOr<UnitSearch> unit = SearchUnit(payload, adapters, options);
    if (unit.ok()) unit_calls = unit->calls;
    if (unit.ok()) {
      ev->set_unit_accounts_found(unit->found);
      result.unit = std::move(unit->obs);
    } else {
      result.status = unit.status();
    }
  }
  ev->set_api_requests(calls + (result.unit.has_value() ? unit_calls : 0));
  return result;
}

}  // namespace govinspect::newmedia
