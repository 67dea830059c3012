#!/usr/bin/env bash
# e2e: Redis and all six services on loopback; a round on a simulated city; a crawler worker is
# killed with SIGKILL while it holds tasks; another one is started; the round must reach DONE
# with every site's observation present exactly once, assessed, and nothing dead-lettered.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"
STACK_DIR=$(mktemp -d /tmp/gi-e2e-kill-XXXXXX)
source "$SRC_DIR/scripts/lib/stack.sh"
trap 'stack_stop; rm -rf "$STACK_DIR"' EXIT
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

# Wait until the crawler holds tasks and has finished some, then kill it hard.
held=0
for _ in $(seq 1 200); do
  pending=$(redis-cli -p "$REDIS_PORT" XPENDING govinspect:queue:crawl workers | head -1)
  done_now=$(redis-cli -p "$REDIS_PORT" HGET govinspect:round:kill1:progress crawl:done)
  if [[ ${pending:-0} -ge 1 && ${done_now:-0} -ge 2 ]]; then held=$pending; break; fi
  sleep 0.1
done
(( held >= 1 )) || fail "the crawler never held a task"
kill -KILL "$CRAWLER_PID"
wait "$CRAWLER_PID" 2>/dev/null || true
echo "killed crawler $CRAWLER_PID holding $held task(s)"
stack_start_service crawler "${STACK_FLAGS[@]}" "${CRAWLER_FLAGS[@]}"

timeout 120 "$GOVINSPECT" round watch rounds/kill1 >/dev/null || fail "round did not finish DONE"
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
