#!/usr/bin/env bash
# Installs what is missing, builds, and runs one complete inspection round on a simulated
# province on this machine: Redis, the simulator and the six services are started on loopback
# and stopped at the end. The results are left in the folder printed at the end.
#
#   scripts/run-round.sh [OUT_DIR]     (PROFILE=tiny|city|province, AS_OF=YYYY-MM-DD, SEED=N)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROFILE=${PROFILE:-city}
AS_OF=${AS_OF:-2020-06-30}
SEED=${SEED:-20200630}
OUT=${1:-$ROOT/out/round-$PROFILE-$(date +%Y%m%d-%H%M%S)}
ROUND_ID=${ROUND_ID:-$PROFILE-$(date +%Y%m%d-%H%M%S)}

bash "$ROOT/scripts/install-deps.sh"
if [[ -z ${SKIP_BUILD:-} ]]; then
  cmake --preset default -S "$ROOT" >/dev/null
  cmake --build --preset default
fi

BIN_DIR=$ROOT/build/default
STACK_DIR=$(mktemp -d /tmp/govinspect-round-XXXXXX)
export GOVINSPECT_TOKEN=${GOVINSPECT_TOKEN:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
STACK_FLAGS=(--api_token="$GOVINSPECT_TOKEN")
source "$ROOT/scripts/lib/stack.sh"
cleanup() {
  stack_stop
  mkdir -p "$OUT/logs"
  cp "$STACK_DIR"/*.log "$OUT/logs/" 2>/dev/null || true
  rm -rf "$STACK_DIR"
}
trap cleanup EXIT
mkdir -p "$OUT"
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect

stack_log "generating the $PROFILE province (seed $SEED, as of $AS_OF)"
"$BIN_DIR/tools/simprovince/simprovince" generate --seed "$SEED" --as-of "$AS_OF" \
  --profile "$PROFILE" --out "$STACK_DIR/province" >/dev/null
stack_start_redis
# Availability: the real rule probes each home page ≥ 20 times a day for a week before the
# 监测时间点. The simulated round compresses that: every site is probed 4 times a second for
# the round's last 90 s (a past as_of: the window is the round's own time; docs/crawler.md),
# and a verdict needs 100 probes — enough for the simulator's failure ratios (4 % trap, 6.5 %
# veto) to be measured on the right side of 5 %. The province profile (587 sites) keeps the
# hourly schedule: no availability verdict there.
stack_start_sim "$STACK_DIR/province" --hang-ms 1500
CRAWLER_FLAGS=(--connect_to="$SIM_ADDR" --probe_threads=2 --probe_batch=256 --probe_timeout=1s)
COORDINATOR_FLAGS=()
PROBE_SECONDS=${PROBE_SECONDS:-30}
if [[ $PROFILE != province ]]; then
  COORDINATOR_FLAGS=(--probe_interval=250ms --probe_window=90s --probe_retention=180s --probe_min_count=100)
else
  PROBE_SECONDS=0
fi
stack_start_services
stack_log "services up: coordinator $COORDINATOR_ADDR, simulator $SIM_ADDR"

"$GOVINSPECT" registry import "$STACK_DIR/province"
if (( PROBE_SECONDS > 0 )); then
  stack_log "probing every home page for ${PROBE_SECONDS}s before the round (availability)"
  sleep "$PROBE_SECONDS"
fi
"$GOVINSPECT" round start --as-of "$AS_OF" --id "$ROUND_ID" --name "$PROFILE 模拟检查" --watch
"$GOVINSPECT" round get "rounds/$ROUND_ID" --output json >"$OUT/round.json"
"$GOVINSPECT" round export "rounds/$ROUND_ID" -o "$OUT/observations.json"
cp "$STACK_DIR/province/truth.json" "$OUT/truth.json"
"$GOVINSPECT" scores list "rounds/$ROUND_ID" --output json >"$OUT/scorecards.json"
"$BIN_DIR/tools/simprovince/simprovince" score-detection --truth "$OUT/truth.json" \
  --observations "$OUT/observations.json" --scorecards "$OUT/scorecards.json" | tee "$OUT/detection.txt"
# The 通报 (docs/report.md) and each unit's 整改通知单.
for fmt in pdf html xlsx md; do
  "$GOVINSPECT" report get "rounds/$ROUND_ID" --format "$fmt" -o "$OUT/report.$fmt"
done
"$GOVINSPECT" report units "rounds/$ROUND_ID" -o "$OUT/units"
stack_log "round rounds/$ROUND_ID finished; results in $OUT"
echo "$OUT"
