#!/usr/bin/env bash
# e2e: Redis and all six services on loopback; a round on a simulated city; a crawler worker is
# killed with SIGKILL while it holds tasks; another one is started; the round must reach DONE
# with every site's observation present exactly once, assessed, and nothing dead-lettered.
# Every wait is on an event (a task held, the round's progress), bounded generously: a busy
# machine makes the round slower, and the test gives up only when the round stops making
# progress, printing what it waited for; the logs are kept then.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"
STACK_DIR=$(mktemp -d /tmp/gi-e2e-kill-XXXXXX)
source "$SRC_DIR/scripts/lib/stack.sh"
trap stack_exit_trap EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect
export GOVINSPECT_TOKEN=e2e-token

"$BIN_DIR/tools/simprovince/simprovince" generate --seed 7 --as-of 2020-06-30 --profile city \
  --out "$STACK_DIR/province" >/dev/null
stack_start_redis
# Every request takes 400 ms so that the crawler is mid-task when it is killed.
stack_start_sim "$STACK_DIR/province" --fault '*:latency_ms=400'
STACK_FLAGS=(--api_token=e2e-token --lease=3s --max_deliveries=5)
CRAWLER_FLAGS=(--connect_to="$SIM_ADDR" --worker_threads=2 --max_pages=20)
stack_start_services

"$GOVINSPECT" registry import "$STACK_DIR/province" >/dev/null
sites=$(($(wc -l <"$STACK_DIR/province/sites.csv") - 1))
"$GOVINSPECT" round start --as-of 2020-06-30 --id kill1 >/dev/null

# Wait until the crawler holds tasks and has finished some, then kill it hard. Bounded at 300 s
# (a crawl of 20 pages at 400 ms each takes ~8 s on an idle machine).
held=0 pending=0 done_now=0
for (( t0 = SECONDS; SECONDS - t0 < 300; )); do
  pending=$(redis-cli -p "$REDIS_PORT" XPENDING govinspect:queue:crawl workers | head -1)
  done_now=$(redis-cli -p "$REDIS_PORT" HGET govinspect:round:kill1:progress crawl:done)
  if [[ ${pending:-0} -ge 1 && ${done_now:-0} -ge 2 ]]; then held=$pending; break; fi
  sleep 0.1
done
(( held >= 1 )) || fail "waited 300 s for the crawler to hold a task after finishing 2:" \
  "last seen $pending pending, ${done_now:-0} done; round: $(stack_round_status kill1)"
kill -KILL "$CRAWLER_PID"
wait "$CRAWLER_PID" 2>/dev/null || true
stack_forget_pid "$CRAWLER_PID"   # its number is free now: never signal it again
echo "killed crawler $CRAWLER_PID holding $held task(s)"
stack_start_service crawler "${STACK_FLAGS[@]}" "${CRAWLER_FLAGS[@]}"

stack_wait_round kill1 300 1200 || fail "round kill1 did not finish DONE (see above)"
"$GOVINSPECT" round get rounds/kill1 --output json >"$STACK_DIR/round.json"
"$GOVINSPECT" round export rounds/kill1 -o "$STACK_DIR/export.json"

python3 - "$STACK_DIR/round.json" "$STACK_DIR/export.json" "$sites" <<'PY'
import json, sys, collections
round_, export, sites = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
assert round_["state"] == "DONE", round_["state"]
crawl = [p for p in round_["progress"] if p["kind"] == "TASK_KIND_CRAWL"][0]
assert int(crawl["total"]) == sites and int(crawl["done"]) == sites, crawl
assert int(crawl.get("dead", 0)) == 0, crawl
targets = collections.Counter(t["target"] for t in export["targets"])
dups = [t for t, n in targets.items() if n > 1]
assert not dups, dups
site_targets = [t for t in export["targets"] if t["target"].startswith("sites/")]
assert len(site_targets) == sites, (len(site_targets), sites)
bad = [t["target"] for t in site_targets if t["status"] != "ASSESSED"]
assert not bad, bad
print(f"ok: {sites} sites, each observed once; crawl progress {crawl}")
PY
# The killed worker's tasks were redelivered, not lost: deliveries > 1 happened.
echo "PASS"
