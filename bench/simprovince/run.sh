#!/usr/bin/env bash
# simprovince benchmark: generation time and peak memory of the province profile, and
# requests/s served for a list page and an article page (wrk, 2 threads, 64 keep-alive
# connections). Target: >= 20,000 req/s each on a 2-core machine.
#
# usage: bench/simprovince/run.sh [BUILD_DIR]   (default build/sim)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/sim}"
BIN="$BUILD/tools/simprovince/simprovince"
DURATION="${DURATION:-10s}"
TARGET_RPS=20000
command -v wrk >/dev/null || { echo "wrk not found: run scripts/install-deps.sh" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: run scripts/install-deps.sh" >&2; exit 1; }
[ -x "$BIN" ] || { echo "$BIN not built: ninja -C $BUILD simprovince" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== generate --profile province"
/usr/bin/time -v "$BIN" generate --seed 1 --as-of 2020-06-30 --profile province --out "$WORK/prov" \
  2> "$WORK/time.txt" >/dev/null
GEN_S=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt")
GEN_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
echo "generation wall time: $GEN_S (target < 60 s)"
echo "generation peak RSS:  $((GEN_KB / 1024)) MiB (target < 2048 MiB)"

echo "== serve (2 threads) + wrk -t2 -c64 -d$DURATION"
"$BIN" serve "$WORK/prov" --listen 127.0.0.1:0 --threads 2 > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
ADDR=$(sed -n 's/^listening on //p' "$WORK/serve.out")
[ -n "$ADDR" ] || { echo "server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }
# The province portal: a list page and an article page.
HOST=$(awk -F, 'NR==2 {sub("http://","",$4); sub("/$","",$4); print $4}' "$WORK/prov/sites.csv")
HOME_PAGE=$(curl -s -H "Host: $HOST" "http://$ADDR/")
LIST=$(printf '%s' "$HOME_PAGE" | grep -o 'href="/[^"]*index[^"]*"\|href="/[^"]*list[^"]*"\|href="/News_list[^"]*"' | head -1 | sed 's/href="//; s/"$//; s/&amp;/\&/g')
LIST_PAGE=$(curl -s -H "Host: $HOST" "http://$ADDR$LIST")
ARTICLE=$(printf '%s' "$LIST_PAGE" | grep -o 'href="/[^"]*\(t[0-9]\{8\}_[0-9]*\.html\|post_[0-9]*\.html\|/[0-9a-f]\{32\}\.htm\|messagekey=[0-9]*\)"' | head -1 | sed 's/href="//; s/"$//')
echo "host $HOST  list $LIST ($(curl -s -H "Host: $HOST" "http://$ADDR$LIST" | wc -c) bytes)  article $ARTICLE ($(curl -s -H "Host: $HOST" "http://$ADDR$ARTICLE" | wc -c) bytes)"
run_wrk() {
  wrk -t2 -c64 -d"$DURATION" -H "Host: $HOST" "http://$ADDR$1" | awk '/Requests\/sec/ {print $2}'
}
LIST_RPS=$(run_wrk "$LIST")
ART_RPS=$(run_wrk "$ARTICLE")
verdict() { awk -v r="$1" -v t="$TARGET_RPS" 'BEGIN { print (r >= t) ? "OK" : "BELOW TARGET" }'; }
echo "list page:    $LIST_RPS req/s (target >= $TARGET_RPS) $(verdict "$LIST_RPS")"
echo "article page: $ART_RPS req/s (target >= $TARGET_RPS) $(verdict "$ART_RPS")"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && echo "server exited 0 on SIGTERM"
SERVER_PID=""
