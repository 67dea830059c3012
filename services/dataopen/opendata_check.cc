#include "services/dataopen/opendata_check.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"

namespace govinspect::dataopen {
namespace {

using common::v1::Finding;
using common::v1::Observation;
using common::v1::OpenDataDataset;
using common::v1::OpenDataEvidence;

Finding MakeFinding(const char* kind, const char* indicator) {
  Finding f;
  f.set_kind(kind);
  f.set_indicator(indicator);
  return f;
}

std::string ReasonPortal(const absl::Status& s) {
  return absl::StrCat("开放数据平台无法读取（", s.message(), "）");
}

std::string ReasonUnit(const absl::Status& s) {
  return absl::StrCat("单位开放数据未能核查（", s.message(), "）");
}

// Shared state of one portal check.
struct Shared {
  absl::Mutex mu;
  // Set when a CKAN call failed transiently even after its retries: the portal stopped answering,
  // the other units are not tried (the task is retried as a whole, or marked not assessed).
  std::atomic<bool> portal_down{false};
  std::atomic<bool> transient{false};
  std::string first_failure ABSL_GUARDED_BY(mu);
  void Fail(const absl::Status& s, bool stops_portal) {
    if (IsTransient(s)) {
      transient = true;
      if (stops_portal) portal_down = true;
    }
    absl::MutexLock lock(&mu);
    if (first_failure.empty()) first_failure = std::string(s.message());
  }
};

class UnitChecker {
 public:
  UnitChecker(const common::v1::Portal& portal, const std::set<std::string>& orgs,
              absl::CivilDay as_of, HttpTransport* transport, const OpenDataCheckOptions& options,
              CkanMetrics* metrics, Shared* shared)
      : portal_(portal), orgs_(orgs), as_of_(as_of), transport_(transport), options_(options),
        metrics_(metrics), shared_(shared) {}

  Observation Check(const common::v1::Unit& unit) {
    CkanClient client(portal_.api_url(), transport_, options_.client, metrics_);
    Observation o;
    o.set_target(unit.name());
    o.set_unit(unit.name());
    OpenDataEvidence* ev = o.mutable_open_data();
    ev->set_portal(portal_.name());
    ev->set_api_url(client.base_url());
    ev->set_organization(unit.open_data_org());
    ev->set_quota(unit.open_data_quota());
    ev->set_as_of(absl::FormatCivilTime(as_of_));
    bool resource_failure = false;
    absl::Status s = Run(unit, client, &o, &resource_failure);
    ev->set_api_calls(client.calls());
    if (!s.ok()) {
      // A download server that does not answer says nothing about the portal's API.
      shared_->Fail(s, /*stops_portal=*/!resource_failure);
      o.clear_findings();
      o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
      o.set_not_assessed_reason(ReasonUnit(s));
    } else {
      o.set_status(common::v1::TARGET_STATUS_ASSESSED);
    }
    return o;
  }

 private:
  absl::Status Run(const common::v1::Unit& unit, CkanClient& client, Observation* o,
                   bool* resource_failure) {
    if (shared_->portal_down) {
      return absl::UnavailableError("the portal stopped answering during this check");
    }
    OpenDataEvidence* ev = o->mutable_open_data();
    const std::string& org = unit.open_data_org();
    // Connected: listed, or found by organization_show (lists may be capped, names may be ids).
    bool found = orgs_.count(org) > 0;
    if (!found) {
      absl::StatusOr<CkanOrganization> shown = client.OrganizationShow(org);
      if (shown.ok()) {
        found = true;
      } else if (shown.status().code() != absl::StatusCode::kNotFound) {
        return shown.status();
      }
    }
    ev->set_organization_found(found);
    if (!found) {
      Finding f = MakeFinding("opendata_not_connected", "opendata_connection");
      f.set_detail(org);
      *o->add_findings() = std::move(f);
      return absl::OkStatus();
    }
    absl::StatusOr<CkanListing> listing = client.OrganizationPackages(org);
    if (!listing.ok()) return listing.status();
    std::vector<CkanPackage> packages = std::move(listing->packages);
    std::sort(packages.begin(), packages.end(),
              [](const CkanPackage& a, const CkanPackage& b) { return a.name < b.name; });
    const int64_t count = listing->count;
    ev->set_dataset_count(static_cast<int32_t>(count));
    if (count < unit.open_data_quota()) {
      Finding f = MakeFinding("opendata_below_quota", "opendata_quota");
      f.set_detail(absl::StrCat("datasets=", count, " quota=", unit.open_data_quota()));
      *o->add_findings() = std::move(f);
    }
    for (CkanPackage& pkg : packages) {
      if (shared_->portal_down) {
        return absl::UnavailableError("the portal stopped answering during this check");
      }
      if (!pkg.has_resources) {  // some portals trim search results: ask for the whole package
        absl::StatusOr<CkanPackage> full = client.PackageShow(pkg.name);
        if (!full.ok()) return full.status();
        pkg = *std::move(full);
      }
      if (absl::Status s = CheckDataset(client, pkg, o, resource_failure); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status CheckDataset(CkanClient& client, const CkanPackage& pkg, Observation* o,
                            bool* resource_failure) {
    OpenDataDataset* d = o->mutable_open_data()->add_datasets();
    const std::string page = client.DatasetUrl(pkg.name);
    d->set_name(pkg.name);
    d->set_title(pkg.title);
    d->set_url(page);
    d->set_update_frequency(pkg.update_frequency);
    d->set_resource_count(static_cast<int32_t>(pkg.resources.size()));

    // Freshness.
    int period = pkg.update_frequency_days > 0 ? pkg.update_frequency_days
                                               : UpdatePeriodDays(pkg.update_frequency);
    if (period <= 0) {
      period = options_.default_update_period_days;
      d->set_update_period_defaulted(true);
    }
    d->set_update_period_days(period);
    absl::StatusOr<absl::CivilDay> modified =
        ParseDay(pkg.metadata_modified.substr(0, std::min<size_t>(10, pkg.metadata_modified.size())));
    if (modified.ok()) {
      d->set_modified_date(absl::FormatCivilTime(*modified));
      const int64_t age = as_of_ - *modified;
      d->set_age_days(static_cast<int32_t>(age));
      if (age > static_cast<int64_t>(options_.stale_periods) * period) {
        Finding f = MakeFinding("opendata_stale_dataset", "opendata_freshness");
        f.set_url(page);
        f.set_text(pkg.name);
        f.set_date(absl::FormatCivilTime(*modified));
        f.set_detail(absl::StrCat("frequency=", pkg.update_frequency.empty() ? "none" : pkg.update_frequency,
                                  " period_days=", period, " age_days=", age));
        *o->add_findings() = std::move(f);
      }
    } else {
      // No usable modification date: nothing shows it was ever updated.
      Finding f = MakeFinding("opendata_stale_dataset", "opendata_freshness");
      f.set_url(page);
      f.set_text(pkg.name);
      f.set_detail(absl::StrCat("metadata_modified=\"", pkg.metadata_modified, "\" unreadable"));
      *o->add_findings() = std::move(f);
    }

    // Records.
    int64_t total = -1;
    if (options_.count_records) {
      for (const CkanResource& r : pkg.resources) {
        if (!r.datastore_active || r.id.empty()) continue;
        absl::StatusOr<int64_t> n = client.DatastoreTotal(r.id);
        if (!n.ok()) {
          if (n.status().code() == absl::StatusCode::kNotFound) continue;  // no datastore table
          return n.status();
        }
        total = std::max<int64_t>(total, 0) + *n;
      }
    }
    d->set_record_total(total);
    if (total == 0) {
      Finding f = MakeFinding("opendata_zero_records", "opendata_quality");
      f.set_url(page);
      f.set_text(pkg.name);
      f.set_detail("records=0");
      *o->add_findings() = std::move(f);
    }

    // Downloads.
    if (options_.check_resources) {
      int broken = 0;
      for (const CkanResource& r : pkg.resources) {
        ResourceCheck rc = client.CheckResource(r.url);
        if (rc.ok) continue;
        if (!rc.broken) {
          *resource_failure = true;
          return absl::UnavailableError(absl::StrCat("resource download of ", pkg.name,
                                                     " could not be checked: ", rc.detail));
        }
        ++broken;
        Finding f = MakeFinding("opendata_resource_broken", "opendata_quality");
        f.set_url(r.url);
        f.set_source_url(page);
        f.set_text(pkg.name);
        f.set_detail(rc.detail);
        *o->add_findings() = std::move(f);
      }
      d->set_broken_resources(broken);
    }
    return absl::OkStatus();
  }

  const common::v1::Portal& portal_;
  const std::set<std::string>& orgs_;
  absl::CivilDay as_of_;
  HttpTransport* transport_;
  const OpenDataCheckOptions& options_;
  CkanMetrics* metrics_;
  Shared* shared_;
};

}  // namespace

absl::Status ValidateOptions(const OpenDataCheckOptions& o) {
  if (o.stale_periods < 1) return absl::InvalidArgumentError("--stale_periods must be ≥ 1");
  if (o.default_update_period_days < 1) {
    return absl::InvalidArgumentError("--default_update_period_days must be ≥ 1");
  }
  if (o.parallelism < 1) return absl::InvalidArgumentError("--portal_parallelism must be ≥ 1");
  if (o.client.page_size < 1 || o.client.page_size > 1000) {
    return absl::InvalidArgumentError("--ckan_page_size must be in [1, 1000]");
  }
  if (o.client.attempts < 1) return absl::InvalidArgumentError("--ckan_attempts must be ≥ 1");
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a YYYY-MM-DD date"));
  }
  return day;
}

UnitMetrics::UnitMetrics(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("govinspect_dataopen_units_checked_total")
                     .Help("Units whose open data was checked, by outcome.")
                     .Register(registry);
  clean_ = &family.Add({{"outcome", "clean"}});
  findings_ = &family.Add({{"outcome", "findings"}});
  not_assessed_ = &family.Add({{"outcome", "not_assessed"}});
}

void UnitMetrics::Count(const Observation& o) {
  if (o.status() != common::v1::TARGET_STATUS_ASSESSED) not_assessed_->Increment();
  else if (o.findings_size() > 0) findings_->Increment();
  else clean_->Increment();
}

PortalCheckResult CheckPortal(const common::v1::Portal& portal,
                              const std::vector<common::v1::Unit>& all_units,
                              absl::CivilDay as_of, HttpTransport* transport,
                              const OpenDataCheckOptions& options, CkanMetrics* metrics) {
  PortalCheckResult result;
  std::vector<const common::v1::Unit*> units;
  for (const auto& u : all_units) {
    if (!u.open_data_org().empty()) units.push_back(&u);
  }
  Observation portal_obs;
  portal_obs.set_target(portal.name());
  OpenDataEvidence* pev = portal_obs.mutable_open_data();
  pev->set_portal(portal.name());
  pev->set_api_url(portal.api_url());
  pev->set_as_of(absl::FormatCivilTime(as_of));

  CkanClient client(portal.api_url(), transport, options.client, metrics);
  absl::StatusOr<std::vector<std::string>> orgs = client.OrganizationList();
  if (!orgs.ok()) {
    result.portal_status = orgs.status();
    result.transient_failure = IsTransient(orgs.status());
    result.first_failure = std::string(orgs.status().message());
    portal_obs.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    portal_obs.set_not_assessed_reason(ReasonPortal(orgs.status()));
    pev->set_api_calls(client.calls());
    pev->set_units_not_assessed(static_cast<int32_t>(units.size()));
    result.observations.push_back(portal_obs);
    for (const auto* u : units) {
      Observation o;
      o.set_target(u->name());
      o.set_unit(u->name());
      o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
      o.set_not_assessed_reason(portal_obs.not_assessed_reason());
      result.observations.push_back(std::move(o));
    }
    return result;
  }
  const std::set<std::string> org_set(orgs->begin(), orgs->end());
  pev->set_organization_count(static_cast<int32_t>(org_set.size()));

  Shared shared;
  UnitChecker checker(portal, org_set, as_of, transport, options, metrics, &shared);
  std::vector<Observation> unit_obs(units.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < units.size(); i = next++) unit_obs[i] = checker.Check(*units[i]);
  };
  const int threads = std::max(1, std::min<int>(options.parallelism, static_cast<int>(units.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  int api_calls = client.calls(), not_assessed = 0, datasets = 0;
  for (const Observation& o : unit_obs) {
    api_calls += o.open_data().api_calls();
    datasets += o.open_data().dataset_count();
    if (o.status() != common::v1::TARGET_STATUS_ASSESSED) ++not_assessed;
  }
  pev->set_units_checked(static_cast<int32_t>(units.size()));
  pev->set_units_not_assessed(not_assessed);
  pev->set_dataset_count(datasets);
  pev->set_api_calls(api_calls);
  portal_obs.set_status(common::v1::TARGET_STATUS_ASSESSED);
  result.transient_failure = shared.transient.load();
  {
    absl::MutexLock lock(&shared.mu);
    result.first_failure = shared.first_failure;
  }
  result.observations.push_back(std::move(portal_obs));
  for (Observation& o : unit_obs) result.observations.push_back(std::move(o));
  return result;
}

absl::StatusOr<std::vector<Observation>> RunPortalTask(const common::v1::TaskPayload& payload,
                                                       int64_t deliveries, int max_deliveries,
                                                       HttpTransport* transport,
                                                       const OpenDataCheckOptions& options,
                                                       CkanMetrics* metrics,
                                                       UnitMetrics* unit_metrics) {
  auto unassessable = [&](const std::string& reason) {
    std::vector<Observation> out(1);
    out[0].set_target(payload.has_portal() ? payload.portal().name() : "");
    out[0].set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    out[0].set_not_assessed_reason(reason);
    for (const auto& u : payload.units()) {
      if (u.open_data_org().empty()) continue;
      Observation o;
      o.set_target(u.name());
      o.set_unit(u.name());
      o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
      o.set_not_assessed_reason(reason);
      if (unit_metrics != nullptr) unit_metrics->Count(o);
      out.push_back(std::move(o));
    }
    return out;
  };
  if (!payload.has_portal() || payload.portal().api_url().empty()) {
    return unassessable("任务缺少开放数据平台地址（portal task without a portal api_url）");
  }
  absl::StatusOr<absl::CivilDay> as_of = ParseDay(payload.as_of());
  if (!as_of.ok()) {
    return unassessable(absl::StrCat("监测时间点无效（as_of: ", as_of.status().message(), "）"));
  }
  std::vector<common::v1::Unit> units(payload.units().begin(), payload.units().end());
  PortalCheckResult r = CheckPortal(payload.portal(), units, *as_of, transport, options, metrics);
  if (r.transient_failure && deliveries < max_deliveries) {
    return absl::UnavailableError(absl::StrCat("open-data check of ", payload.portal().name(),
                                               " failed transiently (delivery ", deliveries, " of ",
                                               max_deliveries, "): ", r.first_failure));
  }
  if (unit_metrics != nullptr) {
    for (size_t i = 1; i < r.observations.size(); ++i) unit_metrics->Count(r.observations[i]);
  }
  return std::move(r.observations);
}

}  // namespace govinspect::dataopen
