#!/usr/bin/env bash
# Round benchmark: a whole simulated province end to end on this machine — registry import, the
# round (crawl of every site with page understanding, every account, the open-data portal,
# availability off), scoring, and the 通报 (PDF and XLSX) — with 1 and with 2 crawler worker
# processes, politeness delays off. Then a latency-bound variant (every simulated request delayed
# 50 ms) on the city profile with 1 and 2 crawler processes, where the second process should
# nearly double the pages per second. Prints one JSON line per run and a Markdown table.
#
#   bench/round/run.sh [BIN_DIR]     (PROFILE=province SEED=1; LATENCY_PROFILE=city; RUNS="1 2";
#                                     LATENCY_RUNS="1 2", empty to skip the latency-bound variant)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR=${1:-$ROOT/build/default}
PROFILE=${PROFILE:-province}
LATENCY_PROFILE=${LATENCY_PROFILE:-city}
SEED=${SEED:-1}
AS_OF=2020-06-30
WORK=$(mktemp -d /tmp/gi-round-bench-XXXXXX)
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect
export GOVINSPECT_TOKEN=bench-token
RESULTS=$WORK/results.jsonl
: >"$RESULTS"
trap 'declare -F stack_stop >/dev/null && stack_stop; [[ -n ${KEEP:-} ]] || rm -rf "$WORK"' EXIT

# run LABEL PROFILE CRAWLERS LATENCY_MS
run() {
  local label=$1 profile=$2 crawlers=$3 latency=$4
  STACK_DIR=$WORK/$label
  mkdir -p "$STACK_DIR"
  # shellcheck source=/dev/null
  source "$ROOT/scripts/lib/stack.sh"
  [[ -d $WORK/province-$profile ]] ||
    "$BIN_DIR/tools/simprovince/simprovince" generate --seed "$SEED" --as-of "$AS_OF" --profile "$profile" \
      --out "$WORK/province-$profile" >/dev/null 2>&1
  stack_start_redis
  local sim_args=(--threads 2)
  (( latency > 0 )) && sim_args+=(--fault "*:latency_ms=$latency")
  stack_start_sim "$WORK/province-$profile" "${sim_args[@]}"
  STACK_FLAGS=(--api_token="$GOVINSPECT_TOKEN")
  COORDINATOR_FLAGS=(--probe_enabled=false)
  CRAWLER_FLAGS=(--connect_to="$SIM_ADDR" --probe_threads=0)
  # Politeness off: no per-host delay (the default) and no request budget for the platforms.
  NEWMEDIA_FLAGS=(--platform_qps=0)
  stack_start_services
  local crawler_pids=("$CRAWLER_PID") crawler_metrics=("$CRAWLER_METRICS")
  for (( i = 1; i < crawlers; i++ )); do
    stack_start_service crawler "${STACK_FLAGS[@]}" "${CRAWLER_FLAGS[@]}"
    crawler_pids+=("$CRAWLER_PID"); crawler_metrics+=("$CRAWLER_METRICS")
  done
  local t0 t1 t2 t3
  t0=$(date +%s.%N)
  "$GOVINSPECT" registry import "$WORK/province-$profile" >/dev/null
  t1=$(date +%s.%N)
  "$GOVINSPECT" round start --as-of "$AS_OF" --id "bench-$label" --name "bench" --watch >/dev/null
  t2=$(date +%s.%N)
  "$GOVINSPECT" report get "rounds/bench-$label" --format pdf -o "$STACK_DIR/report.pdf" >/dev/null
  "$GOVINSPECT" report get "rounds/bench-$label" --format xlsx -o "$STACK_DIR/report.xlsx" >/dev/null
  t3=$(date +%s.%N)
  "$GOVINSPECT" round get "rounds/bench-$label" --output json >"$STACK_DIR/round.json"
  local pages=0 m
  for m in "${crawler_metrics[@]}"; do
    local p
    p=$(curl -s "http://$m/metrics" | sed -n 's/^govinspect_crawler_pages_per_crawl_sum \([0-9.e+]*\).*/\1/p')
    pages=$(python3 -c "print(int($pages + float('${p:-0}')))")
  done
  local rss="{"
  for svc in coordinator scoring report newmedia dataopen; do
    local pid_var="${svc^^}_PID"
    rss+="\"$svc\":$(awk '/VmHWM/{print $2}' "/proc/${!pid_var}/status"),"
  done
  local k=0
  for pid in "${crawler_pids[@]}"; do
    rss+="\"crawler$k\":$(awk '/VmHWM/{print $2}' "/proc/$pid/status"),"; k=$((k + 1))
  done
  rss="${rss%,}}"
  # CPU seconds (user + system) of every process of the stack.
  local cpu="{" tck
  tck=$(getconf CLK_TCK)
  cpu+="\"redis\":$(awk -v t="$tck" '{printf "%.1f", ($14+$15)/t}' "/proc/$REDIS_PID/stat"),"
  cpu+="\"simprovince\":$(awk -v t="$tck" '{printf "%.1f", ($14+$15)/t}' "/proc/${STACK_PIDS[1]}/stat"),"
  for svc in coordinator scoring report newmedia dataopen; do
    local pid_var="${svc^^}_PID"
    cpu+="\"$svc\":$(awk -v t="$tck" '{printf "%.1f", ($14+$15)/t}' "/proc/${!pid_var}/stat"),"
  done
  k=0
  for pid in "${crawler_pids[@]}"; do
    cpu+="\"crawler$k\":$(awk -v t="$tck" '{printf "%.1f", ($14+$15)/t}' "/proc/$pid/stat"),"; k=$((k + 1))
  done
  cpu="${cpu%,}}"
  local redis_mem
  redis_mem=$(redis-cli -p "$REDIS_PORT" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
  python3 - "$label" "$profile" "$crawlers" "$latency" "$t0" "$t1" "$t2" "$t3" "$pages" "$rss" "$redis_mem" \
    "$STACK_DIR/round.json" "$WORK/province-$profile" "$cpu" >>"$RESULTS" <<'PY'
import json, sys, csv
label, profile, crawlers, latency, t0, t1, t2, t3, pages, rss, redis_mem, round_json, pdir, cpu = sys.argv[1:15]
t0, t1, t2, t3 = map(float, (t0, t1, t2, t3))
r = json.load(open(round_json))
sites = sum(1 for _ in csv.reader(open(pdir + "/sites.csv"))) - 1
accounts = sum(1 for _ in csv.reader(open(pdir + "/accounts.csv"))) - 1
round_s = t2 - t1
print(json.dumps({
    "run": label, "profile": profile, "crawler_processes": int(crawlers), "latency_ms": int(latency),
    "state": r.get("state"), "sites": sites, "accounts": accounts, "pages": int(pages),
    "import_s": round(t1 - t0, 2), "round_s": round(round_s, 2), "report_s": round(t3 - t2, 2),
    "end_to_end_s": round(t3 - t0, 2), "pages_per_s": round(int(pages) / round_s, 1),
    "accounts_per_s": round(accounts / round_s, 1), "peak_rss_kib": json.loads(rss),
    "redis_used_memory_mib": round(int(redis_mem) / 1048576, 1), "cpu_seconds": json.loads(cpu)},
    ensure_ascii=False))
PY
  stack_stop
  tail -1 "$RESULTS" >&2
}

for n in ${RUNS:-1 2}; do run "$PROFILE-$n" "$PROFILE" "$n" 0; done
for n in ${LATENCY_RUNS-1 2}; do run "$LATENCY_PROFILE-latency50-$n" "$LATENCY_PROFILE" "$n" 50; done

python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| run | crawler processes | sim latency | state | pages | round s | report s | end to end s | pages/s | accounts/s | peak RSS MiB (largest crawler / coordinator / newmedia) | Redis MiB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    rss = r["peak_rss_kib"]
    crawler = max(v for k, v in rss.items() if k.startswith("crawler"))
    print(f"| {r['run']} | {r['crawler_processes']} | {r['latency_ms']} ms | {r['state']} | {r['pages']:,} | {r['round_s']} | {r['report_s']} | {r['end_to_end_s']} | {r['pages_per_s']:,} | {r['accounts_per_s']} | {crawler/1024:.0f} / {rss['coordinator']/1024:.0f} / {rss['newmedia']/1024:.0f} | {r['redis_used_memory_mib']} |")
by = {(r["profile"], r["latency_ms"], r["crawler_processes"]): r for r in rows}
for (p, lat, n), r in sorted(by.items()):
    if n == 2 and (p, lat, 1) in by:
        print(f"\n{p}, latency {lat} ms: 2 crawler processes / 1 = {r['pages_per_s'] / by[(p, lat, 1)]['pages_per_s']:.2f}x pages/s")
PY
