#!/usr/bin/env bash
# e2e chaos: the whole stack on loopback, one round per scenario, each on a fresh stack with the
# same generated province and the same as_of. A clean run (no faults, no chaos) gives the
# reference; then, with simulator faults on (latency everywhere, a small ratio of retried 503s
# on a site and on a platform API):
#   kill      kill -9 crawler / newmedia / dataopen processes that hold tasks, repeatedly, and
#             start each one again (as kill_worker_test.sh does);
#   redis     stop Redis mid-round (SIGKILL, then SIGTERM, alternating) and start it again on the
#             same port and dir (AOF on);
#   services  SIGTERM the coordinator mid-round and start it again; SIGTERM scoring and report
#             while the round runs and keep them down until the round waits for scoring; SIGTERM
#             the coordinator again while it retries the scoring step; start all three again.
# Every chaos round must end DONE with: every task done (done == total, 0 dead, 0 dead letters,
# the done set complete, the queues drained), the same observation keys as the clean run, every
# target exported once with the same status and exactly the same findings (a sorted list of
# (kind, url, text, detail): nothing lost, nothing duplicated), and the same scorecards (target,
# verdict, vetoes, deductions' rules and points).
#
# Availability probing is off everywhere (--probe_enabled=false): its verdicts depend on timing.
#
#   CI form (ctest e2e_chaos): tiny province, 6 kills, 2 Redis restarts, 1 coordinator restart.
#   CHAOS_LONG=1: city province, 24 kills, 4 Redis restarts, 3 coordinator restarts.
# Knobs: CHAOS_SCENARIOS="kill redis services" (a subset), CHAOS_SEED=N (the kill schedule),
# CHAOS_KEEP=1 (keep the work dir with every log), CHAOS_PROFILE, CHAOS_KILLS.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"

CHAOS_LONG=${CHAOS_LONG:-0}
if [[ $CHAOS_LONG == 1 ]]; then
  PROFILE=${CHAOS_PROFILE:-city}
  MAX_KILLS=${CHAOS_KILLS:-24}
  REDIS_RESTARTS=4
  COORD_RESTARTS=3
  SITE_LATENCY_MS=60      # city: 59 sites of ~200 pages
  API_LATENCY_MS=150
  NEWMEDIA_THREADS=4
  KILL_GAP_S=(2 6)        # seconds between two kills: random in [min, max]
  ROUND_TIMEOUT=3000      # seconds, per round, in all
else
  PROFILE=${CHAOS_PROFILE:-tiny}
  MAX_KILLS=${CHAOS_KILLS:-6}
  REDIS_RESTARTS=2
  COORD_RESTARTS=1
  SITE_LATENCY_MS=250     # tiny: 6 sites of ~100-160 pages, a chaos round takes ~25-60 s
  API_LATENCY_MS=500
  NEWMEDIA_THREADS=2
  KILL_GAP_S=(1 3)
  ROUND_TIMEOUT=900       # an idle machine needs 25-60 s; a busy one several times that
fi
# A round gives up when it made no progress (state or finished tasks) for this long: a busy
# machine makes rounds slower, never stuck. ROUND_TIMEOUT is only the outer bound.
STALL_S=${CHAOS_STALL_S:-300}
SCENARIOS=${CHAOS_SCENARIOS:-kill redis services}
CHAOS_SEED=${CHAOS_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$CHAOS_SEED
AS_OF=2020-06-30
LEASE_S=3
# A task is delivered at most once more than the number of kills of its worker; keep every
# delivery below the dead-letter limit, so that a dead letter is a failure.
MAX_DELIVERIES=$(( MAX_KILLS + 5 ))

WORK=$(mktemp -d /tmp/gi-e2e-chaos-XXXXXX)
STACK_DIR=$WORK/none
source "$SRC_DIR/scripts/lib/stack.sh"
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect
export GOVINSPECT_TOKEN=chaos-token
SUMMARY=()
FAILED_DIR=

log() { stack_log "$*"; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# Prints the warnings and errors of every log of a stack dir (bounded).
dump_logs() {
  local dir=$1 f lines
  [[ -d $dir ]] || return 0
  for f in "$dir"/*.log "$dir"/*.log.* "$dir"/redis/redis.log; do
    [[ -f $f ]] || continue
    lines=$(grep -E '"severity":"(WARNING|ERROR|FATAL)"|^[0-9]+:[A-Z] .* # ' "$f" |
      grep -v overcommit | tail -n 15) || true
    [[ -n $lines ]] || continue
    echo "---- $f (warnings and errors, last 15)" >&2
    echo "$lines" >&2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT
  stack_stop
  if (( rc == 130 || rc == 143 )); then
    echo "chaos: interrupted" >&2
  elif (( rc != 0 )); then
    echo "chaos: FAILED (seed $CHAOS_SEED; rerun with CHAOS_SEED=$CHAOS_SEED)" >&2
    dump_logs "${FAILED_DIR:-$STACK_DIR}"
  fi
  if [[ ${CHAOS_KEEP:-} == 1 ]]; then
    echo "chaos: work dir kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; FAILED_DIR=$STACK_DIR; exit 1; }

# ---- the stack -------------------------------------------------------------------------------

# start_stack NAME [simprovince serve args...]: a fresh Redis, simulator and six services in
# $WORK/NAME, the registry imported.
start_stack() {
  local name=$1; shift
  STACK_DIR=$WORK/$name
  mkdir -p "$STACK_DIR"
  # Redis, coordinator, scoring and report come back on their ports: keep them out of the range
  # the kernel hands out to outgoing connections.
  STACK_STABLE_PORTS=1
  stack_start_redis
  stack_start_sim "$PROVINCE" "$@"
  STACK_FLAGS=(--api_token="$GOVINSPECT_TOKEN" --lease="${LEASE_S}s" --max_deliveries="$MAX_DELIVERIES")
  CRAWLER_FLAGS=(--connect_to="$SIM_ADDR")
  COORDINATOR_FLAGS=(--probe_enabled=false)
  NEWMEDIA_FLAGS=(--worker_threads="$NEWMEDIA_THREADS")
  DATAOPEN_FLAGS=()
  stack_start_services
  "$GOVINSPECT" --deadline 30s registry import "$PROVINCE" >/dev/null
}

# Faults that leave the truth alone: latency everywhere, and 3 % / 5 % of the answers 503 on one
# site and one platform API. The simulator's error diffusion spaces the failures (~1 in 33 / 20
# requests of the host, never two in a row); the crawler tries a page 3 times with a backoff and
# broken-by-5xx links once more at the end, so a finding would need four attempts on failing
# slots (≈ r³ per failed URL, ~1e-4 per run); newmedia retries 3 times and then fails the task,
# which is delivered again — never a finding.
sim_faults() {
  local portal_host
  portal_host=$(python3 -c 'import csv,sys,urllib.parse
print(urllib.parse.urlsplit(next(csv.DictReader(open(sys.argv[1])))["api_url"]).hostname)' \
    "$PROVINCE/portals.csv")
  SIM_FAULTS=(--fault "*:latency_ms=$SITE_LATENCY_MS"
    --fault "www.zs.gov.cn:latency_ms=$SITE_LATENCY_MS,fail=0.03,fail_mode=5xx"
    --fault "api.wechat.sim:latency_ms=$API_LATENCY_MS"
    --fault "api.weibo.sim:latency_ms=$API_LATENCY_MS,fail=0.05,fail_mode=5xx"
    --fault "api.douyin.sim:latency_ms=$API_LATENCY_MS"
    --fault "api.toutiao.sim:latency_ms=$API_LATENCY_MS"
    --fault "$portal_host:latency_ms=$API_LATENCY_MS")
}

# port_of HOST:PORT
port_of() { echo "${1##*:}"; }

# stop_pid PID SIGNAL: signals one process of the stack, waits for it and forgets it. A process
# still alive 20 s after SIGTERM (the services' shutdown grace is 10 s) fails the test.
stop_pid() {
  local pid=$1 sig=$2 i
  {
    kill "-$sig" "$pid" || true
    for (( i = 0; i < 200; i++ )); do
      kill -0 "$pid" || break
      sleep 0.1
    done
  } 2>/dev/null
  if kill -0 "$pid" 2>/dev/null; then
    { kill -KILL "$pid"; wait "$pid"; } 2>/dev/null || true
    stack_forget_pid "$pid"
    fail "pid $pid did not exit within 20 s of SIG$sig"
  fi
  { wait "$pid"; } 2>/dev/null || true
  stack_forget_pid "$pid"
}

# ---- the round -------------------------------------------------------------------------------

# round_status: prints "STATE FINISHED TOTAL" (UNREACHABLE 0 0 when the coordinator or Redis is
# down).
round_status() {
  local json
  if ! json=$(timeout 15 "$GOVINSPECT" --deadline 3s --output json round get "rounds/$ROUND_ID" 2>/dev/null); then
    echo "UNREACHABLE 0 0"
    return 0
  fi
  python3 -c 'import json,sys
r = json.load(sys.stdin)
p = r.get("progress", [])
fin = sum(int(k.get("done", 0)) + int(k.get("dead", 0)) for k in p)
tot = sum(int(k.get("total", 0)) for k in p)
print(r["state"], fin, tot)' <<<"$json" 2>/dev/null || echo "UNREACHABLE 0 0"
}

ROUND_STATE=UNREACHABLE ROUND_FIN=0 ROUND_TOT=0
poll() { read -r ROUND_STATE ROUND_FIN ROUND_TOT < <(round_status); }
terminal() { [[ $ROUND_STATE == DONE || $ROUND_STATE == FAILED || $ROUND_STATE == CANCELLED ]]; }
# all tasks finished (the round is past RUNNING or its counters are complete)
tasks_finished() {
  terminal || [[ $ROUND_STATE == SCORING || $ROUND_STATE == REPORTING ]] ||
    { [[ $ROUND_STATE == RUNNING ]] && (( ROUND_TOT > 0 && ROUND_FIN >= ROUND_TOT )); }
}

start_round() {
  ROUND_ID=$1
  ROUND_T0=$(now)
  "$GOVINSPECT" --deadline 30s round start --as-of "$AS_OF" --id "$ROUND_ID" \
    >/dev/null 2>&1 || fail "round start $ROUND_ID"
  ROUND_DEADLINE=$(( $(date +%s) + ROUND_TIMEOUT ))
  ROUND_LAST_PROGRESS=$(date +%s) ROUND_LAST_SEEN=""
}

# past_deadline: the round made no progress for STALL_S s, or ROUND_TIMEOUT is over. Progress is
# judged on what the last poll saw.
past_deadline() {
  local now_s
  now_s=$(date +%s)
  if [[ "$ROUND_STATE $ROUND_FIN" != "$ROUND_LAST_SEEN" ]]; then
    ROUND_LAST_SEEN="$ROUND_STATE $ROUND_FIN"
    ROUND_LAST_PROGRESS=$now_s
  fi
  (( now_s >= ROUND_DEADLINE || now_s - ROUND_LAST_PROGRESS >= STALL_S ))
}

# wait_progress PERCENT: until PERCENT % of the tasks are finished (or all are, or the deadline).
wait_progress() {
  local pct=$1
  while ! past_deadline; do
    poll
    tasks_finished && return 0
    [[ $ROUND_STATE == RUNNING ]] && (( ROUND_TOT > 0 && ROUND_FIN * 100 >= pct * ROUND_TOT )) && return 0
    sleep 0.3
  done
}

wait_terminal() {
  while ! past_deadline; do
    poll
    terminal && return 0
    sleep 0.5
  done
  fail "round $ROUND_ID not finished: waited for DONE/FAILED/CANCELLED $(elapsed "$ROUND_T0") s" \
    "(bounds: ${STALL_S} s without progress, ${ROUND_TIMEOUT} s in all); last state $ROUND_STATE," \
    "$ROUND_FIN/$ROUND_TOT tasks finished; queues: $(stack_queue_state)"
}

rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

# crawl_work: "R S" — crawls run and crawl tasks completed by the current crawler process (its
# /metrics); R > S means finished crawls whose result was thrown away and redone.
crawl_work() {
  curl -sf --max-time 5 "http://$CRAWLER_METRICS/metrics" >"$STACK_DIR/crawler-metrics.txt" ||
    { echo "? ?"; return 0; }
  python3 - "$STACK_DIR/crawler-metrics.txt" <<'PY'
import re, sys
run = stored = 0
for line in open(sys.argv[1]):
    m = re.match(r"(\w+)(\{[^}]*\})? ([0-9.e+-]+)$", line.strip())
    if not m:
        continue
    name, labels, v = m.group(1), m.group(2) or "", float(m.group(3))
    if name == "govinspect_crawler_crawl_duration_seconds_count":
        run += v
    if (name == "govinspect_worker_tasks_total" and 'queue="crawl"' in labels
            and re.search(r'outcome="(done|duplicate)"', labels)):
        stored += v
print(int(run), int(stored))
PY
}

# describe_service NAME: whether the stack's process of NAME still runs, how it ended, and which
# process listens on its port (for the message of a failed call).
describe_service() {
  local name=$1 upper pid addr
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$name")
  local p="${upper}_PID" a="${upper}_ADDR"
  pid=${!p:-} addr=${!a:-}
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    echo -n "$name pid $pid runs ($(ps -o stat=,etime= -p "$pid" 2>/dev/null | xargs))"
  else
    echo -n "$name pid ${pid:-?} has exited"
  fi
  echo -n "; listening on ${addr##*:}: $(ss -ltnpH "sport = :${addr##*:}" 2>/dev/null | awk '{print $NF}' | xargs)"
  echo -n "; its log ends: $(tail -n 2 "$STACK_DIR/$name.log" 2>/dev/null | tr '\n' ' ' | cut -c1-400)"
}

# collect DIR: the round, its scorecards and export, and the Redis facts checked below.
collect() {
  local out=$1 q i
  mkdir -p "$out"
  "$GOVINSPECT" --deadline 30s --output json round get "rounds/$ROUND_ID" >"$out/round.json"
  [[ $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$out/round.json") == DONE ]] ||
    fail "round $ROUND_ID ended $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["state"], r.get("error", ""))' "$out/round.json")"
  "$GOVINSPECT" --deadline 60s --output json scores list "rounds/$ROUND_ID" >"$out/scores.json" ||
    fail "scores list $ROUND_ID: $(describe_service scoring)"
  "$GOVINSPECT" --deadline 60s round export "rounds/$ROUND_ID" -o "$out/export.json" >/dev/null ||
    fail "round export $ROUND_ID"
  "$GOVINSPECT" --deadline 60s report get "rounds/$ROUND_ID" --format json -o "$out/report.json" \
    >/dev/null || fail "report get $ROUND_ID: $(describe_service report)"
  # Entries of tasks done twice (a lease ran out while the worker was slow or dead) are acked
  # by the later completion: wait (bounded) until the queues are drained.
  for (( i = 0; i < LEASE_S * 10 + 100; i++ )); do
    local left=0
    for q in crawl account portal; do left=$(( left + $(rcli XLEN "govinspect:queue:$q") )); done
    (( left == 0 )) && break
    sleep 0.1
  done
  {
    for q in crawl account portal; do
      echo "xlen:$q $(rcli XLEN "govinspect:queue:$q")"
      echo "dead:$q $(rcli XLEN "govinspect:queue:$q:dead")"
    done
    echo "done_set $(rcli SCARD "govinspect:round:$ROUND_ID:done")"
    rcli HKEYS "govinspect:round:$ROUND_ID:obs" | sed 's/^/obs_key /'
  } >"$out/redis.txt"
  # The dead letters (target and reason), for the report of a failure.
  for q in crawl account portal; do rcli XRANGE "govinspect:queue:$q:dead" - +; done \
    >"$out/dead-letters.txt" || true
}

# check NAME: compares $WORK/NAME/result with the clean run's.
check() {
  python3 - "$WORK/clean/result" "$WORK/$1/result" "$1" <<'PY'
import collections, json, sys
clean_dir, got_dir, name = sys.argv[1:4]
problems = []

def load(d):
    r = {}
    r["round"] = json.load(open(f"{d}/round.json"))
    r["scores"] = json.load(open(f"{d}/scores.json"))
    r["export"] = json.load(open(f"{d}/export.json"))
    facts, obs_keys = {}, []
    for line in open(f"{d}/redis.txt"):
        k, _, v = line.rstrip("\n").partition(" ")
        if k == "obs_key":
            obs_keys.append(v)
        else:
            facts[k] = int(v or 0)
    r["facts"], r["obs_keys"] = facts, obs_keys
    return r

def cards(scores):
    out = {}
    for c in scores["scorecards"]:
        if c["target"] in out:
            problems.append(f"scorecard of {c['target']} listed twice")
        out[c["target"]] = {
            "verdict": c["verdict"],
            "vetoes": sorted((v["indicator"], v["rule"]) for v in c["vetoes"]),
            "deductions": sorted((d["indicator"], d["rule"], d["points"]) for d in c["deductions"]),
        }
    return out

def findings(export):
    out, status = {}, {}
    for t in export["targets"]:
        if t["target"] in out:
            problems.append(f"target {t['target']} exported twice")
        out[t["target"]] = sorted((f["kind"], f["url"], f["text"], f["detail"]) for f in t["findings"])
        status[t["target"]] = t["status"]
    return out, status

clean, got = load(clean_dir), load(got_dir)

# The round: DONE, every task done, none dead.
if got["round"]["state"] != "DONE":
    problems.append(f"round state {got['round']['state']} {got['round'].get('error', '')}")
prog = {p["kind"]: p for p in got["round"]["progress"]}
cprog = {p["kind"]: p for p in clean["round"]["progress"]}
total = 0
for kind, p in sorted(cprog.items()):
    g = prog.get(kind, {})
    t, d, dead = int(g.get("total", 0)), int(g.get("done", 0)), int(g.get("dead", 0))
    total += t
    if t != int(p["total"]) or d != t or dead != 0:
        problems.append(f"progress {kind}: total {t} done {d} dead {dead} (clean: total {p['total']})")
f = got["facts"]
for q in ("crawl", "account", "portal"):
    if f.get(f"dead:{q}", 0):
        problems.append(f"{f[f'dead:{q}']} dead letter(s) in govinspect:queue:{q}:dead "
                        f"(see dead-letters.txt): "
                        + open(f"{got_dir}/dead-letters.txt").read().replace(chr(10), " ")[:500])
    if f.get(f"xlen:{q}", 0):
        problems.append(f"{f[f'xlen:{q}']} entries left in govinspect:queue:{q} after DONE")
if f.get("done_set") != total:
    problems.append(f"done set has {f.get('done_set')} task keys, want {total}")

# Observations: the same hash fields (one per target, or per checker part), no more, no less.
ck, gk = collections.Counter(clean["obs_keys"]), collections.Counter(got["obs_keys"])
if ck != gk:
    problems.append(f"observation keys differ: missing {sorted((ck - gk).elements())}, "
                    f"extra {sorted((gk - ck).elements())}")

# Findings per target: the same multiset (a lost or duplicated finding shows here).
cf, cs = findings(clean["export"])
gf, gs = findings(got["export"])
if set(cf) != set(gf):
    problems.append(f"exported targets differ: missing {sorted(set(cf) - set(gf))}, "
                    f"extra {sorted(set(gf) - set(cf))}")
for t in sorted(set(cf) & set(gf)):
    if cs[t] != gs[t]:
        problems.append(f"{t}: status {gs[t]}, clean {cs[t]}")
    if cf[t] != gf[t]:
        a, b = collections.Counter(cf[t]), collections.Counter(gf[t])
        problems.append(f"{t}: {len(gf[t])} findings, clean {len(cf[t])}; "
                        f"lost {sorted((a - b).elements())}; extra/duplicated {sorted((b - a).elements())}")

# Scorecards.
cc, gc = cards(clean["scores"]), cards(got["scores"])
if set(cc) != set(gc):
    problems.append(f"scorecards differ: missing {sorted(set(cc) - set(gc))}, extra {sorted(set(gc) - set(cc))}")
for t in sorted(set(cc) & set(gc)):
    if cc[t] != gc[t]:
        problems.append(f"scorecard {t}: {gc[t]} != clean {cc[t]}")

if problems:
    print(f"{name}: {len(problems)} problem(s):")
    for p in problems:
        print("  " + p)
    sys.exit(1)
n_find = sum(len(v) for v in gf.values())
print(f"{name}: ok — {len(gc)} scorecards, {len(gf)} targets, {n_find} findings, "
      f"{total} tasks, observation keys {len(gk)} — all equal to the clean run")
PY
}

# ---- scenarios -------------------------------------------------------------------------------

declare -A WORKER_QUEUE=([crawler]=crawl [newmedia]=account [dataopen]=portal)

# held_by NAME: tasks the current process of worker NAME holds (its consumers are host-pid-N).
held_by() {
  local name=$1 upper pid
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$name")
  local v="${upper}_PID"
  pid=${!v}
  rcli XPENDING "govinspect:queue:${WORKER_QUEUE[$name]}" workers - + 1000 2>/dev/null |
    grep -c -- "-$pid-[0-9]*\$" || true
}

scenario_kill() {
  local kills=0 held victim pid candidates w t_end best
  t_end=$(( $(date +%s) + ROUND_TIMEOUT - 60 ))
  declare -A KILLS_OF=([crawler]=0 [newmedia]=0 [dataopen]=0)
  while (( kills < MAX_KILLS && $(date +%s) < t_end )); do
    sleep "$(( KILL_GAP_S[0] + RANDOM % (KILL_GAP_S[1] - KILL_GAP_S[0]) )).$(( RANDOM % 10 ))"
    poll
    tasks_finished && break
    # Among the workers that hold tasks now, one of those killed least so far.
    candidates=() best=
    for w in crawler newmedia dataopen; do
      held=$(held_by "$w")
      (( held > 0 )) || continue
      if [[ -z $best ]] || (( KILLS_OF[$w] < best )); then candidates=() best=${KILLS_OF[$w]}; fi
      if (( KILLS_OF[$w] == best )); then candidates+=("$w:$held"); fi
    done
    (( ${#candidates[@]} > 0 )) || continue
    victim=${candidates[RANDOM % ${#candidates[@]}]}
    held=${victim#*:}; victim=${victim%%:*}
    local v="$(tr '[:lower:]' '[:upper:]' <<<"$victim")_PID"
    pid=${!v}
    stop_pid "$pid" KILL
    kills=$(( kills + 1 ))
    log "kill $kills/$MAX_KILLS: $victim pid $pid (held $held task(s)), progress $ROUND_FIN/$ROUND_TOT"
    KILLS_OF[$victim]=$(( KILLS_OF[$victim] + 1 ))
    stack_start_one "$victim" || fail "restarting $victim"
  done
  local c="" n
  for n in crawler newmedia dataopen; do c+="$n×${KILLS_OF[$n]} "; done
  (( kills >= 1 )) || fail "no worker was ever killed holding a task"
  ACTIONS="$kills kills (${c% })"
}

scenario_redis() {
  local i sig t0 down
  ACTIONS=""
  for (( i = 1; i <= REDIS_RESTARTS; i++ )); do
    wait_progress $(( 100 * i / (REDIS_RESTARTS + 1) ))
    tasks_finished && break
    if (( i % 2 )); then sig=KILL; else sig=TERM; fi
    t0=$(now)
    stop_pid "$REDIS_PID" "$sig"
    sleep "$(( RANDOM % 3 + 1 ))"
    stack_start_redis "$REDIS_PORT" || fail "restarting redis"
    down=$(elapsed "$t0")
    log "redis restart $i: SIG$sig at $ROUND_FIN/$ROUND_TOT, down ${down}s"
    ACTIONS+="SIG$sig@$ROUND_FIN/$ROUND_TOT(${down}s) "
  done
  [[ -n $ACTIONS ]] || fail "the round finished before Redis could be restarted"
  ACTIONS="redis: ${ACTIONS% }"
}

restart_on_same_port() {
  local name=$1 upper addr
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$name")
  local a="${upper}_ADDR" p="${upper}_PID"
  addr=${!a}
  stop_pid "${!p}" TERM
  RESTART_PORT=$(port_of "$addr")
}

scenario_services() {
  local i port_s port_r port_c
  ACTIONS=""
  # The coordinator, while the round runs (its sweep picks the round up again).
  for (( i = 1; i <= COORD_RESTARTS; i++ )); do
    wait_progress $(( 40 * i / COORD_RESTARTS ))
    tasks_finished && break
    restart_on_same_port coordinator; port_c=$RESTART_PORT
    sleep 1
    stack_start_one coordinator --listen_address="127.0.0.1:$port_c" || fail "restarting coordinator"
    log "coordinator restart $i at $ROUND_FIN/$ROUND_TOT"
    ACTIONS+="coordinator@$ROUND_FIN/$ROUND_TOT "
  done
  # Scoring and report go down while the round runs and stay down until the coordinator waits
  # for them (its scoring step retries for ~30 s).
  wait_progress 60
  tasks_finished && fail "the round finished before scoring could be stopped (make it slower)"
  restart_on_same_port scoring; port_s=$RESTART_PORT
  restart_on_same_port report; port_r=$RESTART_PORT
  log "scoring and report stopped at $ROUND_FIN/$ROUND_TOT"
  ACTIONS+="scoring+report@$ROUND_FIN/$ROUND_TOT "
  while ! past_deadline; do
    poll
    [[ $ROUND_STATE == SCORING ]] && break
    terminal && fail "round ended $ROUND_STATE while scoring was down"
    sleep 0.3
  done
  # The coordinator is stopped in the middle of its retries of the scoring step.
  sleep 3
  restart_on_same_port coordinator; port_c=$RESTART_PORT
  log "coordinator stopped in state $ROUND_STATE"
  ACTIONS+="coordinator@$ROUND_STATE "
  stack_start_one scoring --listen_address="127.0.0.1:$port_s" || fail "restarting scoring"
  stack_start_one report --listen_address="127.0.0.1:$port_r" || fail "restarting report"
  stack_start_one coordinator --listen_address="127.0.0.1:$port_c" || fail "restarting coordinator"
  log "scoring, report and coordinator started again"
  ACTIONS="${ACTIONS% }"
}

run_scenario() {
  local name=$1 t0 r
  t0=$(now)
  log "== scenario $name"
  start_stack "$name" "${SIM_FAULTS[@]}"
  start_round "$name"
  "scenario_$name"
  wait_terminal
  r=$(elapsed "$ROUND_T0")
  if [[ $name != kill ]]; then
    # The crawler ran the whole round: were finished crawls thrown away (and redone)?
    local work
    work=$(crawl_work)
    ACTIONS+="; crawls run ${work% *}, stored ${work#* }"
  fi
  collect "$WORK/$name/result"
  FAILED_DIR=$WORK/$name
  check "$name" || exit 1
  FAILED_DIR=
  stack_stop
  SUMMARY+=("$(printf '%-9s PASS  wall %6ss  round %6ss  %s' "$name" "$(elapsed "$t0")" "$r" "$ACTIONS")")
}

# ---- main ------------------------------------------------------------------------------------

log "chaos: profile $PROFILE, seed $CHAOS_SEED, scenarios: $SCENARIOS"
PROVINCE=$WORK/province
"$BIN_DIR/tools/simprovince/simprovince" generate --seed 7 --as-of "$AS_OF" --profile "$PROFILE" \
  --out "$PROVINCE" >/dev/null 2>&1
sim_faults

T_ALL=$(now)
t0=$(now)
log "== clean run"
start_stack clean
start_round clean
wait_terminal
r=$(elapsed "$ROUND_T0")
collect "$WORK/clean/result"
python3 - "$WORK/clean/result/export.json" <<'PY' || fail "clean run"
import json, sys
e = json.load(open(sys.argv[1]))
bad = [t["target"] for t in e["targets"] if t["status"] != "ASSESSED"]
assert not bad, f"not assessed in the clean run: {bad}"
PY
stack_stop
SUMMARY+=("$(printf '%-9s ok    wall %6ss  round %6ss  %s' clean "$(elapsed "$t0")" "$r" "no faults")")

for s in $SCENARIOS; do
  declare -F "scenario_$s" >/dev/null || fail "unknown scenario $s"
  run_scenario "$s"
done

echo "chaos summary (profile $PROFILE, seed $CHAOS_SEED, total $(elapsed "$T_ALL")s):"
printf '  %s\n' "${SUMMARY[@]}"
echo "PASS"
