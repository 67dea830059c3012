#ifndef GOVINSPECT_SERVICES_COORDINATOR_ROUND_MANAGER_H_
#define GOVINSPECT_SERVICES_COORDINATOR_ROUND_MANAGER_H_

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "common/redis/work_queue.h"
#include "govinspect/coordinator/v1/registry_service.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"
#include "services/coordinator/registry_import.h"
#include "services/coordinator/store.h"

namespace govinspect::coordinator {

// The steps after the tasks: scoring and reporting, done by other services.
class PipelineSteps {
 public:
  virtual ~PipelineSteps() = default;
  // UNIMPLEMENTED means "skip with a note"; transient errors (UNAVAILABLE, DEADLINE_EXCEEDED,
  // RESOURCE_EXHAUSTED, ABORTED) are retried, by the next sweeps too, for up to
  // RoundManagerOptions::step_give_up; other errors fail the round.
  virtual absl::Status ScoreRound(const v1::Round& round) = 0;
  virtual absl::Status CreateReport(const v1::Round& round) = 0;
  // Whether the scoring service knows `ruleset` (asked when a round is created, so that a round
  // with a ruleset that cannot score it fails at once): OK, NOT_FOUND, or a transport error.
  // UNIMPLEMENTED (the default, no scoring service configured) means "cannot tell".
  virtual absl::Status CheckRuleset(const std::string& /*ruleset*/) {
    return absl::UnimplementedError("no scoring service configured");
  }
  // The coordinator is stopping: calls in flight return (an error) soon and later calls fail at
  // once. Default: nothing to interrupt.
  virtual void Cancel() {}
};

struct RoundManagerOptions {
  std::string key_prefix = "govinspect";
  common::WorkQueueOptions queue;
  // Attempts and backoff for a scoring / report step that answers UNAVAILABLE etc.
  int step_attempts = 5;
  absl::Duration step_backoff = absl::Seconds(2);
  // A step that still fails with a transient error after its attempts leaves the round in its
  // state for the next sweep; the round fails only once it has been in that state this long.
  absl::Duration step_give_up = absl::Hours(1);
  // Round events left unacknowledged by a coordinator that stopped (each coordinator reads as
  // its own consumer) are claimed by a live one once idle this long; consumers with nothing
  // pending and idle this long are removed from the group.
  absl::Duration event_claim_idle = absl::Minutes(1);
  // A round's as_of must lie in [2015-01-01, today + 1 day] (Asia/Shanghai) unless the request
  // forces it (CreateRoundRequest.allow_any_as_of).

  // Called once for each round whose state or results Redis lost, with the reason:
  // "redis_empty" (a round this coordinator knew unfinished is gone: Redis restarted without its
  // data or was flushed) or "write_refused" (results Redis refused to store, maxmemory). The
  // coordinator counts them in govinspect_coordinator_state_lost_total.
  std::function<void(const std::string& reason)> on_state_lost;
};

// Round.error of a round whose tasks' results Redis refused to store (the targets named, the
// first 20 of them), and of a round whose state Redis lost.
std::string LostResultsError(const std::vector<std::string>& targets);
extern const char kRedisEmptyError[];

// CreateRound's checks: an as_of in [2015-01-01, today + 1 day] (Beijing time on `now`), and a
// ruleset name that can be one (letters, digits, '-', '_', '.'; never a path).
absl::Status CheckAsOfWindow(const std::string& as_of, absl::Time now);
absl::Status CheckRulesetName(const std::string& ruleset);

// Queue names of the task kinds.
const char* QueueName(v1::TaskKind kind);

// Transport-free coordinator logic: registry import and lookup, round lifecycle
// PENDING → RUNNING → SCORING → REPORTING → DONE (or FAILED / CANCELLED).
//
// Lost state is loud: a round some of whose results Redis refused to store (WorkQueue::
// GiveUpLost) ends FAILED naming those targets, never DONE; a round this coordinator knew
// unfinished that is gone from Redis (restarted empty, flushed) is logged as ERROR, reported to
// on_state_lost and stored again as FAILED with kRedisEmptyError, so that `round get` / `watch`
// say what happened instead of NOT_FOUND.
class RoundManager {
 public:
  RoundManager(RoundManagerOptions options, common::RedisPool* pool, PipelineSteps* steps);

  // Registry.
  absl::StatusOr<v1::ImportRegistryResponse> ImportRegistry(
      const std::vector<RegistryFile>& files, bool validate_only);
  absl::StatusOr<std::shared_ptr<const LoadedRegistry>> Registry();

  // Rounds.
  absl::StatusOr<v1::Round> CreateRound(const v1::CreateRoundRequest& request);
  absl::StatusOr<v1::Round> GetRound(const std::string& name);
  absl::StatusOr<v1::ListRoundsResponse> ListRounds(int32_t page_size,
                                                    const std::string& page_token);
  absl::StatusOr<v1::Round> CancelRound(const std::string& name);
  absl::StatusOr<v1::ListObservationsResponse> ListObservations(
      const v1::ListObservationsRequest& request);

  // Moves a round forward if it can (its tasks finished → scoring → report → DONE).
  // Idempotent; safe to call from several places. After Stop(), a scoring or report step that
  // did not succeed leaves the round in SCORING / REPORTING (CANCELLED status returned) for the
  // next sweep — of this coordinator or the next one — instead of failing it.
  absl::Status Advance(const std::string& round_id);

  // The coordinator is shutting down: the step retries stop waiting (their backoff is
  // interrupted) and no round is failed because of the shutdown. Idempotent.
  void Stop();
  bool stopping() const { return stopping_.HasBeenNotified(); }

  // Consumes round events until `stop` is set (blocking; run it on its own thread). Also sweeps
  // non-terminal rounds at start and every `sweep_every` (recovery after a restart).
  void RunEventLoop(const std::atomic<bool>* stop, absl::Duration sweep_every);

  // Non-terminal rounds (for the sweep and for metrics).
  absl::StatusOr<std::vector<v1::Round>> ActiveRounds();

  // Compares `active` (this sweep's ActiveRounds) with the unfinished rounds this coordinator
  // knew: one that is gone from Redis is lost (see the class comment). Called by every sweep.
  void DetectLostRounds(const std::vector<v1::Round>& active);

 private:
  absl::Status EnqueueTasks(common::RedisConnection& conn, const v1::Round& round,
                            const common::v1::Registry& snapshot);
  absl::Status RunStep(v1::Round* round, bool scoring);
  // True if `step` (the result of RunStep) is a transient failure and the round has been in its
  // state for less than step_give_up: it then stays there for the next sweep.
  bool LeaveForNextSweep(const v1::Round& round, const absl::Status& step, const char* name) const;
  // Claims idle round events of other consumers for `consumer` and removes consumers that are
  // gone (see event_claim_idle); returns how many events were claimed.
  int ReclaimEvents(common::RedisConnection& conn, const std::string& events,
                    const std::string& group, const std::string& consumer);
  // The round's tasks finished but Redis refused to store the results of `lost` (target →
  // reason): RUNNING → FAILED naming them.
  absl::Status FailForLostResults(common::RedisConnection& conn, const std::string& id,
                                  const std::map<std::string, std::string>& lost);
  // A round this coordinator knows unfinished (created or seen by a sweep).
  void Remember(const v1::Round& round);
  absl::Status MarkUnassessed(common::RedisConnection& conn, const std::string& round_id,
                              const v1::Round& round);
  absl::StatusOr<v1::Round> Transition(common::RedisConnection& conn, const std::string& id,
                                       v1::Round::State from, v1::Round::State to,
                                       const std::string& note, const std::string& error);
  void FillProgress(common::RedisConnection& conn, const std::string& id, v1::Round* round);

  RoundManagerOptions options_;
  common::RedisPool* pool_;
  PipelineSteps* steps_;
  RegistryStore registry_store_;
  RoundStore round_store_;
  absl::Notification stopping_;

  struct KnownRound {
    v1::Round round;      // as last read
    bool reported = false;  // found lost, logged and counted (its FAILED copy not stored yet)
  };
  absl::Mutex known_mu_;
  std::map<std::string, KnownRound> known_ ABSL_GUARDED_BY(known_mu_);  // by name
};

// Page tokens: opaque base64url of "offset|filter"; a token is only valid with the same filter.
std::string EncodePageToken(int64_t offset, const std::string& filter);
absl::StatusOr<int64_t> DecodePageToken(const std::string& token, const std::string& filter);
// Validates page_size (negative → INVALID_ARGUMENT), applies default and maximum.
absl::StatusOr<int32_t> EffectivePageSize(int32_t page_size, int32_t default_size,
                                          int32_t max_size);

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_ROUND_MANAGER_H_
