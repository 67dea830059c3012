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
cmake --preset default -S "$ROOT" >/dev/null
cmake --build --preset default

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
stack_start_sim "$STACK_DIR/province"
CRAWLER_FLAGS=(--connect_to="$SIM_ADDR")
stack_start_services
stack_log "services up: coordinator $COORDINATOR_ADDR, simulator $SIM_ADDR"

"$GOVINSPECT" registry import "$STACK_DIR/province"
"$GOVINSPECT" round start --as-of "$AS_OF" --id "$ROUND_ID" --name "$PROFILE 模拟检查" --watch
"$GOVINSPECT" round get "rounds/$ROUND_ID" --output json >"$OUT/round.json"
"$GOVINSPECT" round export "rounds/$ROUND_ID" -o "$OUT/observations.json"
cp "$STACK_DIR/province/truth.json" "$OUT/truth.json"
"$BIN_DIR/tools/simprovince/simprovince" score-detection --truth "$OUT/truth.json" \
  --observations "$OUT/observations.json" | tee "$OUT/detection.txt"
# The 通报 (docs/report.md) and each unit's 整改通知单.
for fmt in pdf html xlsx md; do
  "$GOVINSPECT" report get "rounds/$ROUND_ID" --format "$fmt" -o "$OUT/report.$fmt"
done
"$GOVINSPECT" report units "rounds/$ROUND_ID" -o "$OUT/units"
stack_log "round rounds/$ROUND_ID finished; results in $OUT"
echo "$OUT"
