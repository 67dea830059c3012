#include "services/report/report_manager.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "services/report/notice.h"
#include "services/report/report_writer.h"

namespace govinspect::report {
namespace {

constexpr int64_t kRequestTtlSeconds = 400 * 24 * 3600;

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t ns = absl::ToUnixNanos(t);
  ts.set_seconds(ns / 1000000000);
  ts.set_nanos(static_cast<int32_t>(ns % 1000000000));
  return ts;
}

absl::StatusOr<std::string> ReportId(const std::string& name) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "reports/") || id.empty() || id.size() > 80 ||
      !std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      })) {
    return absl::InvalidArgumentError(absl::StrCat("name \"", name, "\": want reports/{report}"));
  }
  return std::string(id);
}

std::optional<Format> FromProto(v1::ReportFormat f) {
  switch (f) {
    case v1::REPORT_FORMAT_HTML: return Format::kHtml;
    case v1::REPORT_FORMAT_PDF: return Format::kPdf;
    case v1::REPORT_FORMAT_XLSX: return Format::kXlsx;
    case v1::REPORT_FORMAT_MARKDOWN: return Format::kMarkdown;
    case v1::REPORT_FORMAT_JSON: return Format::kJson;
    default: return std::nullopt;
  }
}

v1::ReportFormat ToProto(Format f) {
  switch (f) {
    case Format::kHtml: return v1::REPORT_FORMAT_HTML;
    case Format::kPdf: return v1::REPORT_FORMAT_PDF;
    case Format::kXlsx: return v1::REPORT_FORMAT_XLSX;
    case Format::kMarkdown: return v1::REPORT_FORMAT_MARKDOWN;
    case Format::kJson: return v1::REPORT_FORMAT_JSON;
  }
  return v1::REPORT_FORMAT_UNSPECIFIED;
}

std::string EncodeToken(int64_t offset, const std::string& round) {
  return absl::WebSafeBase64Escape(absl::StrCat("r1|", round, "|", offset));
}

absl::StatusOr<int64_t> DecodeToken(const std::string& token, const std::string& round) {
  if (token.empty()) return 0;
  std::string raw;
  std::vector<std::string> parts;
  int64_t offset = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      (parts = absl::StrSplit(raw, '|')).size() != 3 || parts[0] != "r1" || parts[1] != round ||
      !absl::SimpleAtoi(parts[2], &offset) || offset < 0) {
    return absl::InvalidArgumentError("page_token is malformed or belongs to another query");
  }
  return offset;
}

}  // namespace

ReportManager::ReportManager(ReportManagerOptions options, common::RedisPool* pool,
                             ScoringReader* scoring, const ReportTemplates* templates,
                             const ReportMetrics* metrics)
    : options_(std::move(options)),
      pool_(pool),
      scoring_(scoring),
      templates_(templates),
      metrics_(metrics) {}

absl::StatusOr<v1::Report> ReportManager::Load(common::RedisConnection& conn,
                                               const std::string& id) {
  GOVINSPECT_ASSIGN_OR_RETURN(
      common::RedisReply r,
      conn.Command({"HGET", absl::StrCat(options_.key_prefix, ":report:", id), "blob"}));
  if (r.is_nil()) return absl::NotFoundError(absl::StrCat("reports/", id, " does not exist"));
  v1::Report report;
  if (!report.ParseFromString(r.str)) {
    return absl::DataLossError(absl::StrCat("reports/", id, ": stored report is corrupt"));
  }
  return report;
}

absl::Status ReportManager::Save(common::RedisConnection& conn, const v1::Report& report) {
  const std::string id = report.name().substr(report.name().find('/') + 1);
  const std::string round_id = report.round().substr(report.round().find('/') + 1);
  const std::string ms = absl::StrCat(report.create_time().seconds() * 1000 +
                                      report.create_time().nanos() / 1000000);
  GOVINSPECT_ASSIGN_OR_RETURN(
      auto replies,
      conn.Pipeline({{"HSET", absl::StrCat(options_.key_prefix, ":report:", id), "blob",
                      report.SerializeAsString()},
                     {"ZADD", absl::StrCat(options_.key_prefix, ":reports"), ms, id},
                     {"ZADD", absl::StrCat(options_.key_prefix, ":round:", round_id, ":reports"),
                      ms, id}}));
  for (const auto& r : replies) {
    if (r.is_error()) return absl::UnavailableError(absl::StrCat("redis: ", r.str));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Report> ReportManager::Create(const v1::Report& request,
                                                 const std::string& request_id) {
  GOVINSPECT_ASSIGN_OR_RETURN(std::string round_id, RoundId(request.round(), "report.round"));
  v1::Report report;
  report.set_round(request.round());
  std::set<v1::ReportFormat> formats;
  for (int f : request.formats()) {
    if (!FromProto(static_cast<v1::ReportFormat>(f)).has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("report.formats: unknown format ", f));
    }
    formats.insert(static_cast<v1::ReportFormat>(f));
  }
  if (formats.empty()) {
    formats = {v1::REPORT_FORMAT_HTML, v1::REPORT_FORMAT_PDF, v1::REPORT_FORMAT_XLSX,
               v1::REPORT_FORMAT_MARKDOWN, v1::REPORT_FORMAT_JSON};
  }
  for (auto f : formats) report.add_formats(f);
  if (request_id.size() > 200) {
    return absl::InvalidArgumentError("request_id: longer than 200 characters");
  }

  auto conn = pool_->Borrow();
  const std::string request_key =
      absl::StrCat(options_.key_prefix, ":report:request:", request_id);
  auto existing = [&]() -> absl::StatusOr<std::optional<v1::Report>> {
    if (request_id.empty()) return std::nullopt;
    GOVINSPECT_ASSIGN_OR_RETURN(common::RedisReply r, conn->Command({"GET", request_key}));
    if (r.is_nil()) return std::nullopt;
    auto found = Load(*conn, r.str);
    if (absl::IsNotFound(found.status())) return std::nullopt;
    if (!found.ok()) return found.status();
    return *found;
  };
  GOVINSPECT_ASSIGN_OR_RETURN(std::optional<v1::Report> prior, existing());
  if (prior.has_value()) {
    if (prior->state() == v1::Report::SUCCEEDED) return *prior;
    // RUNNING here (wait) or left RUNNING / FAILED by an earlier attempt (write it again).
    const std::string id = prior->name().substr(prior->name().find('/') + 1);
    return RunOrWait(id, round_id, *prior);
  }

  // Cheap checks before anything is recorded.
  RoundReader rounds(conn.get(), options_.key_prefix);
  GOVINSPECT_ASSIGN_OR_RETURN(coordinator::v1::Round round, rounds.Round(round_id));
  const std::string ruleset = round.ruleset().empty() ? "gov-2019" : round.ruleset();
  if (auto s = scoring_->GetScoring(absl::StrCat(request.round(), "/scorings/", ruleset)); !s.ok()) {
    if (absl::IsNotFound(s.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat(request.round(), " is not scored with ", ruleset, ": ", s.status().message()));
    }
    return s.status();
  }

  GOVINSPECT_ASSIGN_OR_RETURN(
      common::RedisReply seq,
      conn->Command({"INCR", absl::StrCat(options_.key_prefix, ":round:", round_id, ":report_seq")}));
  const std::string id = seq.integer <= 1 ? round_id : absl::StrCat(round_id, "-", seq.integer);
  if (!request_id.empty()) {
    GOVINSPECT_ASSIGN_OR_RETURN(
        common::RedisReply set,
        conn->Command({"SET", request_key, id, "NX", "EX", absl::StrCat(kRequestTtlSeconds)}));
    if (set.is_nil()) {  // a concurrent create with the same request_id won
      GOVINSPECT_ASSIGN_OR_RETURN(prior, existing());
      if (prior.has_value()) {
        if (prior->state() == v1::Report::SUCCEEDED) return *prior;
        return RunOrWait(prior->name().substr(prior->name().find('/') + 1), round_id, *prior);
      }
    }
  }
  report.set_name(absl::StrCat("reports/", id));
  *report.mutable_create_time() = ToProto(options_.now());
  return RunOrWait(id, round_id, std::move(report));
}

absl::StatusOr<v1::Report> ReportManager::RunOrWait(const std::string& id,
                                                    const std::string& round_id,
                                                    v1::Report report) {
  std::shared_ptr<Job> job;
  bool mine = false;
  {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) {
      job = it->second;
    } else {
      job = std::make_shared<Job>();
      jobs_[id] = job;
      mine = true;
    }
  }
  if (!mine) {
    job->done.WaitForNotification();  // bounded: every run ends SUCCEEDED or FAILED
    return job->result;
  }
  if (metrics_ != nullptr && metrics_->running != nullptr) metrics_->running->Increment();
  report.set_state(v1::Report::RUNNING);
  report.clear_error();
  report.clear_end_time();
  absl::Status status;
  {
    auto conn = pool_->Borrow();
    status = Save(*conn, report);
  }
  if (status.ok()) status = Render(id, round_id, &report);
  report.set_state(status.ok() ? v1::Report::SUCCEEDED : v1::Report::FAILED);
  if (!status.ok()) report.set_error(std::string(status.message()));
  *report.mutable_end_time() = ToProto(options_.now());
  {
    auto conn = pool_->Borrow();
    if (absl::Status s = Save(*conn, report); !s.ok() && status.ok()) status = s;
  }
  if (metrics_ != nullptr) {
    if (metrics_->running != nullptr) metrics_->running->Decrement();
    prometheus::Counter* c = status.ok() ? metrics_->succeeded : metrics_->failed;
    if (c != nullptr) c->Increment();
  }
  if (status.ok()) {
    GI_LOG(INFO).With("report", report.name()).With("round", report.round())
        .With("artifacts", report.artifacts_size())
        << "report written";
  } else {
    GI_LOG(WARNING).With("report", report.name()).With("round", report.round())
        << "report failed: " << status;
  }
  absl::StatusOr<v1::Report> result =
      status.ok() ? absl::StatusOr<v1::Report>(report) : absl::StatusOr<v1::Report>(status);
  job->result = result;
  job->done.Notify();
  {
    absl::MutexLock lock(&mu_);
    jobs_.erase(id);
  }
  return result;
}

absl::Status ReportManager::Render(const std::string& id, const std::string& round_id,
                                   v1::Report* report) {
  ReportInput input;
  std::optional<coordinator::v1::Round> previous;
  {
    auto conn = pool_->Borrow();
    RoundReader rounds(conn.get(), options_.key_prefix);
    GOVINSPECT_ASSIGN_OR_RETURN(coordinator::v1::Round round, rounds.Round(round_id));
    input.round = {round.name(), round.as_of(), round.display_name(),
                   round.ruleset().empty() ? "gov-2019" : round.ruleset()};
    GOVINSPECT_ASSIGN_OR_RETURN(input.registry, rounds.Registry(round_id));
    GOVINSPECT_ASSIGN_OR_RETURN(input.observations, rounds.Observations(round_id));
    GOVINSPECT_ASSIGN_OR_RETURN(previous, rounds.PreviousDone(round_id, round));
    if (previous.has_value()) {
      PreviousRound p;
      p.round = {previous->name(), previous->as_of(), previous->display_name(), previous->ruleset()};
      GOVINSPECT_ASSIGN_OR_RETURN(p.observations,
                                  rounds.Observations(previous->name().substr(7)));
      input.previous = std::move(p);
    }
  }
  const std::string scoring_name =
      absl::StrCat(input.round.name, "/scorings/", input.round.ruleset);
  GOVINSPECT_ASSIGN_OR_RETURN(input.scoring, scoring_->GetScoring(scoring_name));
  GOVINSPECT_ASSIGN_OR_RETURN(input.cards, scoring_->ListScorecards(scoring_name));

  absl::CivilDay report_date;
  const std::string fixed = templates_->Setting("report_date");
  if (fixed.empty() || !absl::ParseCivilTime(fixed, &report_date)) {
    report_date = absl::ToCivilDay(options_.now(), absl::FixedTimeZone(8 * 3600));
  }
  GOVINSPECT_ASSIGN_OR_RETURN(Notice notice, BuildNotice(input, *templates_, report_date));

  std::set<Format> formats;
  for (int f : report->formats()) {
    if (auto x = FromProto(static_cast<v1::ReportFormat>(f))) formats.insert(*x);
  }
  static std::atomic<int> seq{0};
  const std::filesystem::path final_dir = std::filesystem::path(options_.reports_dir) / id;
  const std::filesystem::path tmp_dir = std::filesystem::path(options_.reports_dir) /
                                        absl::StrCat(".", id, ".tmp-", getpid(), "-", seq++);
  std::error_code ec;
  std::filesystem::create_directories(options_.reports_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("reports_dir ", options_.reports_dir, ": ", ec.message()));
  std::filesystem::remove_all(tmp_dir, ec);
  auto written = WriteReportFiles(notice, formats, /*unit_sheets=*/true, tmp_dir.string());
  if (!written.ok()) {
    std::filesystem::remove_all(tmp_dir, ec);
    return written.status();
  }
  std::filesystem::remove_all(final_dir, ec);
  std::filesystem::rename(tmp_dir, final_dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("rename ", tmp_dir.string(), " → ", final_dir.string(), ": ",
                                            ec.message()));
  }

  report->clear_artifacts();
  double unit_seconds = 0;
  for (const WrittenFile& w : *written) {
    v1::Artifact* a = report->add_artifacts();
    a->set_format(ToProto(w.format));
    a->set_file_name(w.file);
    a->set_size_bytes(w.size_bytes);
    a->set_unit(w.unit);
    if (!w.unit.empty()) {
      unit_seconds += w.seconds;
      if (metrics_ != nullptr && metrics_->render_seconds.count("unit_sheet")) {
        metrics_->render_seconds.at("unit_sheet")->Observe(w.seconds);
      }
    } else if (metrics_ != nullptr && metrics_->render_seconds.count(FormatId(w.format))) {
      metrics_->render_seconds.at(FormatId(w.format))->Observe(w.seconds);
    }
  }
  report->clear_unit_sheets();
  for (const UnitSheet& s : notice.sheets) {
    v1::UnitSheet* u = report->add_unit_sheets();
    u->set_unit(s.unit);
    u->set_display_name(s.unit_name);
    u->set_problems(static_cast<int32_t>(s.items.size()));
    u->set_not_assessed(static_cast<int32_t>(s.not_assessed.size()));
  }
  const Summary& m = notice.summary;
  v1::ReportSummary* sum = report->mutable_summary();
  sum->set_sites_total(m.sites_total);
  sum->set_sites_passed(m.sites_passed);
  sum->set_sites_failed(m.sites_failed);
  sum->set_sites_not_assessed(m.sites_not_assessed);
  sum->set_site_pass_rate(m.site_pass_rate);
  sum->set_accounts_total(m.accounts_total);
  sum->set_accounts_passed(m.accounts_passed);
  sum->set_accounts_failed(m.accounts_failed);
  sum->set_accounts_not_assessed(m.accounts_not_assessed);
  sum->set_account_pass_rate(m.account_pass_rate);
  sum->set_annex_rows(static_cast<int32_t>(notice.annex.size()));
  sum->set_findings(m.findings);
  if (notice.followup.has_value()) {
    report->set_previous_round(notice.followup->previous_round);
    sum->set_followup_fixed(notice.followup->fixed);
    sum->set_followup_still(notice.followup->still);
    sum->set_followup_new(notice.followup->added);
    sum->set_followup_unverified(notice.followup->unverified);
  }
  report->set_title(notice.title);
  (void)unit_seconds;
  return absl::OkStatus();
}

absl::StatusOr<v1::Report> ReportManager::Get(const std::string& name) {
  GOVINSPECT_ASSIGN_OR_RETURN(std::string id, ReportId(name));
  auto conn = pool_->Borrow();
  return Load(*conn, id);
}

absl::StatusOr<v1::ListReportsResponse> ReportManager::List(int page_size,
                                                            const std::string& page_token,
                                                            const std::string& round) {
  if (page_size < 0) return absl::InvalidArgumentError("page_size must not be negative");
  const int size = page_size == 0 ? 50 : std::min(page_size, 500);
  std::string index = absl::StrCat(options_.key_prefix, ":reports");
  if (!round.empty()) {
    GOVINSPECT_ASSIGN_OR_RETURN(std::string round_id, RoundId(round, "round"));
    index = absl::StrCat(options_.key_prefix, ":round:", round_id, ":reports");
  }
  GOVINSPECT_ASSIGN_OR_RETURN(int64_t offset, DecodeToken(page_token, round));
  auto conn = pool_->Borrow();
  GOVINSPECT_ASSIGN_OR_RETURN(
      common::RedisReply ids,
      conn->Command({"ZREVRANGE", index, absl::StrCat(offset), absl::StrCat(offset + size)}));
  v1::ListReportsResponse resp;
  for (size_t i = 0; i < ids.elements.size() && static_cast<int>(i) < size; ++i) {
    auto r = Load(*conn, ids.elements[i].str);
    if (absl::IsNotFound(r.status())) continue;
    if (!r.ok()) return r.status();
    *resp.add_reports() = *std::move(r);
  }
  if (static_cast<int>(ids.elements.size()) > size) {
    resp.set_next_page_token(EncodeToken(offset + size, round));
  }
  return resp;
}

absl::StatusOr<std::string> ReportManager::ArtifactPath(const std::string& name,
                                                        v1::ReportFormat format,
                                                        const std::string& unit) {
  if (format == v1::REPORT_FORMAT_UNSPECIFIED || !FromProto(format).has_value()) {
    return absl::InvalidArgumentError("format must be HTML, PDF, XLSX, MARKDOWN or JSON");
  }
  if (!unit.empty() && format != v1::REPORT_FORMAT_PDF) {
    return absl::InvalidArgumentError("unit: rectification sheets are PDF only");
  }
  GOVINSPECT_ASSIGN_OR_RETURN(v1::Report report, Get(name));
  if (report.state() == v1::Report::RUNNING) {
    return absl::FailedPreconditionError(absl::StrCat(name, " is still being written"));
  }
  if (report.state() != v1::Report::SUCCEEDED) {
    return absl::FailedPreconditionError(absl::StrCat(name, " failed: ", report.error()));
  }
  for (const auto& a : report.artifacts()) {
    if (a.format() == format && a.unit() == unit) {
      const std::string id = name.substr(name.find('/') + 1);
      return (std::filesystem::path(options_.reports_dir) / id / a.file_name()).string();
    }
  }
  return absl::NotFoundError(unit.empty()
                                 ? absl::StrCat(name, " was not written as ",
                                                v1::ReportFormat_Name(format))
                                 : absl::StrCat(name, " has no rectification sheet for ", unit));
}

}  // namespace govinspect::report
