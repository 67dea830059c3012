#include "services/report/sources.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/grpc/auth.h"
#include "common/redis/observation_store.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"

namespace govinspect::report {
namespace {

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

class GrpcScoringReader : public ScoringReader {
 public:
  GrpcScoringReader(const std::string& address, std::string token, absl::Duration timeout)
      : stub_(scoring::v1::ScoringService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
        address_(address),
        token_(std::move(token)),
        timeout_(timeout) {}

  absl::StatusOr<scoring::v1::Scoring> GetScoring(const std::string& name) override {
    scoring::v1::GetScoringRequest req;
    req.set_name(name);
    scoring::v1::Scoring resp;
    GOVINSPECT_RETURN_IF_ERROR(Call("GetScoring", [&](grpc::ClientContext* ctx, auto done) {
      stub_->async()->GetScoring(ctx, &req, &resp, std::move(done));
    }));
    return resp;
  }

  absl::StatusOr<std::vector<scoring::v1::Scorecard>> ListScorecards(
      const std::string& scoring_name) override {
    std::vector<scoring::v1::Scorecard> out;
    std::string token;
    for (int page = 0; page < 100000; ++page) {
      scoring::v1::ListScorecardsRequest req;
      req.set_parent(scoring_name);
      req.set_page_size(1000);
      req.set_page_token(token);
      scoring::v1::ListScorecardsResponse resp;
      GOVINSPECT_RETURN_IF_ERROR(Call("ListScorecards", [&](grpc::ClientContext* ctx, auto done) {
        stub_->async()->ListScorecards(ctx, &req, &resp, std::move(done));
      }));
      for (auto& c : *resp.mutable_scorecards()) out.push_back(std::move(c));
      token = resp.next_page_token();
      if (token.empty()) return out;
    }
    return absl::InternalError("ListScorecards: too many pages");
  }

 private:
  template <typename Start>
  absl::Status Call(const char* method, Start start) {
    absl::Status last;
    absl::Duration backoff = absl::Milliseconds(200);
    for (int attempt = 0; attempt < 3; ++attempt) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout_));
      common::AddBearerToken(&ctx, token_);
      absl::Notification done;
      grpc::Status result;
      start(&ctx, [&](grpc::Status s) {
        result = std::move(s);
        done.Notify();
      });
      done.WaitForNotification();  // bounded by the deadline
      if (result.ok()) return absl::OkStatus();
      last = common::FromGrpcStatus(result);
      if (last.code() != absl::StatusCode::kUnavailable &&
          last.code() != absl::StatusCode::kDeadlineExceeded) {
        break;
      }
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(backoff));
      backoff *= 2;
    }
    // Translated, not forwarded: the caller sees what it means for the report.
    const std::string what =
        absl::StrCat("scoring service at ", address_, ": ", method, ": ", last.message());
    switch (last.code()) {
      case absl::StatusCode::kNotFound: return absl::NotFoundError(what);
      case absl::StatusCode::kInvalidArgument: return absl::InvalidArgumentError(what);
      case absl::StatusCode::kUnimplemented:
        return absl::FailedPreconditionError(absl::StrCat(what, " (the scoring service does not score rounds)"));
      default: return absl::UnavailableError(what);
    }
  }

  std::unique_ptr<scoring::v1::ScoringService::Stub> stub_;
  std::string address_;
  std::string token_;
  absl::Duration timeout_;
};

}  // namespace

std::unique_ptr<ScoringReader> MakeGrpcScoringReader(const std::string& address,
                                                     std::string token, absl::Duration timeout) {
  return std::make_unique<GrpcScoringReader>(address, std::move(token), timeout);
}

absl::StatusOr<std::string> RoundId(const std::string& name, const std::string& field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "rounds/") || id.empty() || id.size() > 63 ||
      !std::all_of(id.begin(), id.end(), IsIdChar) || id.front() == '-' || id.back() == '-') {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", name, "\": want rounds/{round} (a lowercase DNS label)"));
  }
  return std::string(id);
}

absl::StatusOr<coordinator::v1::Round> RoundReader::Round(const std::string& id) {
  GOVINSPECT_ASSIGN_OR_RETURN(
      common::RedisReply r, conn_->Command({"HGET", absl::StrCat(prefix_, ":round:", id, ":meta"), "blob"}));
  if (r.is_nil()) return absl::NotFoundError(absl::StrCat("rounds/", id, " does not exist"));
  coordinator::v1::Round round;
  if (!round.ParseFromString(r.str)) {
    return absl::DataLossError(absl::StrCat("rounds/", id, ": stored round is corrupt"));
  }
  return round;
}

absl::StatusOr<common::v1::Registry> RoundReader::Registry(const std::string& id) {
  GOVINSPECT_ASSIGN_OR_RETURN(common::RedisReply r,
                              conn_->Command({"GET", absl::StrCat(prefix_, ":round:", id, ":registry")}));
  common::v1::Registry reg;
  if (r.is_nil()) return reg;  // an empty snapshot: names fall back to ids
  if (!reg.ParseFromString(r.str)) {
    return absl::DataLossError(absl::StrCat("rounds/", id, ": registry snapshot is corrupt"));
  }
  return reg;
}

absl::StatusOr<std::vector<common::v1::Observation>> RoundReader::Observations(
    const std::string& id) {
  common::ObservationStore store(conn_, prefix_);
  GOVINSPECT_ASSIGN_OR_RETURN(std::vector<std::string> targets, store.Targets(id));
  std::vector<common::v1::Observation> out;
  out.reserve(targets.size());
  for (size_t i = 0; i < targets.size(); i += 500) {
    std::vector<std::string> batch(targets.begin() + i,
                                   targets.begin() + std::min(targets.size(), i + 500));
    GOVINSPECT_ASSIGN_OR_RETURN(auto obs, store.GetMany(id, batch));
    for (auto& o : obs) out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<std::optional<coordinator::v1::Round>> RoundReader::PreviousDone(
    const std::string& id, const coordinator::v1::Round& round) {
  const std::string index = absl::StrCat(prefix_, ":rounds");
  GOVINSPECT_ASSIGN_OR_RETURN(common::RedisReply score, conn_->Command({"ZSCORE", index, id}));
  if (score.is_nil()) return std::nullopt;
  GOVINSPECT_ASSIGN_OR_RETURN(
      common::RedisReply ids,
      conn_->Command({"ZREVRANGEBYSCORE", index, absl::StrCat("(", score.str), "-inf", "LIMIT",
                      "0", "200"}));
  auto scope = [](const coordinator::v1::Round& r) {
    std::set<std::string> units(r.scope().units().begin(), r.scope().units().end());
    std::set<int> kinds(r.scope().kinds().begin(), r.scope().kinds().end());
    return std::make_pair(units, kinds);
  };
  const auto want = scope(round);
  for (const auto& e : ids.elements) {
    if (e.str == id) continue;
    auto r = Round(e.str);
    if (!r.ok()) continue;  // expired or corrupt: not a candidate
    if (r->state() == coordinator::v1::Round::DONE && scope(*r) == want) return *r;
  }
  return std::nullopt;
}

}  // namespace govinspect::report
