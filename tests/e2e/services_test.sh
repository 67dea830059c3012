#!/usr/bin/env bash
# e2e: every service binary starts, answers health (SERVING), exposes /metrics with
# grpc_server_handled_total, refuses a mutating call without the token, and exits 0 on SIGTERM.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"
STACK_DIR=$(mktemp -d /tmp/gi-e2e-svc-XXXXXX)
source "$SRC_DIR/scripts/lib/stack.sh"
trap 'stack_stop; rm -rf "$STACK_DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect

stack_start_redis
STACK_FLAGS=(--api_token=svc-token)
CRAWLER_FLAGS=()
stack_start_services
"$GOVINSPECT" health --list >"$STACK_DIR/health.txt" || fail "health"
cat "$STACK_DIR/health.txt"
# Server reflection (what `grpcurl list` shows) names each service's API.
for api in govinspect.coordinator.v1.RegistryService govinspect.coordinator.v1.RoundService \
    govinspect.crawler.v1.CrawlerService govinspect.newmedia.v1.NewMediaService \
    govinspect.dataopen.v1.DataOpenService govinspect.scoring.v1.ScoringService \
    govinspect.report.v1.ReportService; do
  grep -q "$api" "$STACK_DIR/health.txt" || fail "reflection does not list $api"
done

# Without the token a mutating call is refused (exit code 6 = UNAUTHENTICATED).
set +e
GOVINSPECT_TOKEN= "$GOVINSPECT" registry import "$SRC_DIR/docs/examples/registry" 2>/dev/null
rc=$?
set -e
[[ $rc -eq 6 ]] || fail "import without token exited $rc, want 6"
GOVINSPECT_TOKEN=svc-token "$GOVINSPECT" registry import "$SRC_DIR/docs/examples/registry" >/dev/null \
  || fail "import with token"

for svc in COORDINATOR CRAWLER NEWMEDIA DATAOPEN SCORING REPORT; do
  m="${svc}_METRICS"
  curl -sf "http://${!m}/metrics" >"$STACK_DIR/metrics.txt" || fail "$svc /metrics"
  grep -q '^grpc_server_handled_total' "$STACK_DIR/metrics.txt" || fail "$svc has no grpc_server_handled_total"
done
grep -q 'grpc_method="ImportRegistry"' <(curl -sf "http://$COORDINATOR_METRICS/metrics") \
  || fail "ImportRegistry not counted"

# SIGTERM: each exits 0.
for svc in CRAWLER NEWMEDIA DATAOPEN SCORING REPORT COORDINATOR; do
  p="${svc}_PID"
  kill -TERM "${!p}"
  set +e
  wait "${!p}"
  rc=$?
  set -e
  stack_forget_pid "${!p}"
  [[ $rc -eq 0 ]] || fail "$svc exited $rc on SIGTERM"
done

# A placeholder token or Redis password (the value of examples, "change-me") is refused at
# start-up by every service, with the reason.
for name in coordinator crawler newmedia dataopen scoring report; do
  for flag in --api_token=change-me --redis_password=CHANGE-ME; do
    set +e
    timeout 60 "$BIN_DIR/services/$name/$name" --listen_address=127.0.0.1:0 \
      --metrics_address=none --redis_address="$REDIS_ADDR" "$flag" 2>"$STACK_DIR/placeholder.log"
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "$name $flag exited $rc, want 1 (refused at start-up)"
    grep -q "placeholder value" "$STACK_DIR/placeholder.log" ||
      fail "$name $flag: no reason given: $(tail -n 3 "$STACK_DIR/placeholder.log")"
  done
done

# stack_stop signals only its own live children: a number of STACK_PIDS that now belongs to
# another process (here: one this shell did not start) is left alone.
stranger=$( (sleep 600 >/dev/null 2>&1 & echo $!) )
STACK_PIDS+=("$stranger")
stack_stop
kill -0 "$stranger" 2>/dev/null || fail "stack_stop signalled a process that is not its child"
kill "$stranger"
echo "PASS"
