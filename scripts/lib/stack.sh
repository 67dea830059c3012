# Shared shell functions: start Redis, the simulated province and the six services on loopback
# (ports chosen by the kernel), and stop everything. Sourced by run-round.sh and the e2e tests.
#
# Requires: STACK_DIR (a work dir), BIN_DIR (the build dir with the binaries).
# Optional: STACK_STABLE_PORTS=1 makes the services listen on ports below the kernel's ephemeral
# range (see stack_free_port), for tests that stop a service and start it again on its port.

STACK_PIDS=()

stack_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# stack_wait_line FILE PATTERN [TIMEOUT_S] [PID]: waits (bounded) until FILE contains a line
# matching PATTERN and prints it; gives up early when process PID (if given) has exited.
stack_wait_line() {
  local file=$1 pattern=$2 timeout=${3:-30} pid=${4:-} i=0
  while (( i < timeout * 10 )); do
    if [[ -f $file ]] && grep -q -- "$pattern" "$file"; then
      grep -m1 -- "$pattern" "$file"
      return 0
    fi
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      # One last look: the line may have been written just before the exit.
      if [[ -f $file ]] && grep -q -- "$pattern" "$file"; then
        grep -m1 -- "$pattern" "$file"
        return 0
      fi
      stack_log "process $pid exited before '$pattern' appeared in $file"
      tail -n 20 "$file" >&2 || true
      return 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
  stack_log "timed out waiting for '$pattern' in $file"
  tail -n 20 "$file" >&2 || true
  return 1
}

# Prints a free loopback port below the kernel's ephemeral range (net.ipv4.ip_local_port_range).
# A port the kernel hands out for bind(0) is also one it hands out as the source port of outgoing
# connections: once its server stops, any client may take it, and the server cannot come back on
# it. Ports below that range are never taken that way.
stack_free_port() {
  python3 -c '
import random, socket
lo = 32768
try:
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    pass
first = 10000 if lo > 12000 else 1024
for _ in range(200):
    port = random.randrange(first, lo)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port below the ephemeral range")
'
}

# Starts redis-server with AOF in STACK_DIR/redis; sets REDIS_PORT, REDIS_ADDR and REDIS_PID.
# stack_start_redis PORT starts it again on that port with the same dir (and so the same AOF),
# e.g. after it was killed: the services reconnect to the same address.
stack_start_redis() {
  mkdir -p "$STACK_DIR/redis"
  REDIS_PORT=${1:-$(stack_free_port)}
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STACK_DIR/redis" \
    --appendonly yes --save '' --daemonize no --loglevel warning \
    --logfile "$STACK_DIR/redis/redis.log" &
  REDIS_PID=$!
  STACK_PIDS+=("$REDIS_PID")
  local i=0
  until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
    sleep 0.1; i=$((i + 1))
    if ! kill -0 "$REDIS_PID" 2>/dev/null || (( i > 600 )); then
      stack_log "redis did not answer PING on port $REDIS_PORT within 60 s (or exited)"
      tail -n 20 "$STACK_DIR/redis/redis.log" >&2 || true
      return 1
    fi
  done
  REDIS_ADDR="127.0.0.1:$REDIS_PORT"
}

# Forgets a process of STACK_PIDS that has exited and been waited for (so that stack_stop never
# signals a recycled pid).
stack_forget_pid() {
  local pid=$1 p kept=()
  for p in ${STACK_PIDS[@]+"${STACK_PIDS[@]}"}; do [[ $p == "$pid" ]] || kept+=("$p"); done
  STACK_PIDS=(${kept[@]+"${kept[@]}"})
}

# stack_start_sim PROVINCE_DIR [extra serve args...]; sets SIM_ADDR.
stack_start_sim() {
  local dir=$1; shift
  "$BIN_DIR/tools/simprovince/simprovince" serve "$dir" --listen 127.0.0.1:0 "$@" \
    >"$STACK_DIR/simprovince.out" 2>"$STACK_DIR/simprovince.log" &
  STACK_PIDS+=("$!")
  local line
  line=$(stack_wait_line "$STACK_DIR/simprovince.out" "listening on" 120 "$!") || return 1
  SIM_ADDR=${line##*listening on }
}

# stack_start_service NAME [extra flags...]; sets <NAME>_ADDR, <NAME>_METRICS, <NAME>_PID.
stack_start_service() {
  local name=$1; shift
  local log="$STACK_DIR/$name.log"
  [[ -f $log ]] && mv "$log" "$log.$(date +%s%N)"
  local listen=127.0.0.1:0
  [[ ${STACK_STABLE_PORTS:-0} == 1 ]] && listen="127.0.0.1:$(stack_free_port)"
  "$BIN_DIR/services/$name/$name" \
    --listen_address="$listen" --metrics_address=127.0.0.1:0 \
    --redis_address="$REDIS_ADDR" "$@" 2>"$log" &
  local pid=$!
  STACK_PIDS+=("$pid")
  local line port metrics upper
  # Bounded generously: a loaded machine starts a service slowly; a failed start ends the wait.
  line=$(stack_wait_line "$log" '"message":"'"$name"' serving"' 120 "$pid") || return 1
  port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' <<<"$line")
  metrics=$(sed -n 's/.*"metrics":"\([^"]*\)".*/\1/p' <<<"$line")
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$name")
  printf -v "${upper}_ADDR" '%s' "127.0.0.1:$port"
  printf -v "${upper}_METRICS" '%s' "$metrics"
  printf -v "${upper}_PID" '%s' "$pid"
  export "GOVINSPECT_${upper}=127.0.0.1:$port"
}

# Starts one of the six services with the flags stack_start_services gives it (also to restart
# one that was stopped or killed); extra flags come last and win, e.g.
# `stack_start_one scoring --listen_address=127.0.0.1:$port` to come back on the same port.
stack_start_one() {
  local name=$1; shift
  case $name in
    scoring) stack_start_service scoring ${STACK_FLAGS[@]+"${STACK_FLAGS[@]}"} "$@" ;;
    report) stack_start_service report ${STACK_FLAGS[@]+"${STACK_FLAGS[@]}"} \
      --scoring_address="$SCORING_ADDR" --reports_dir="$STACK_DIR/reports" "$@" ;;
    coordinator) stack_start_service coordinator ${STACK_FLAGS[@]+"${STACK_FLAGS[@]}"} \
      --scoring_address="$SCORING_ADDR" --report_address="$REPORT_ADDR" \
      ${COORDINATOR_FLAGS[@]+"${COORDINATOR_FLAGS[@]}"} "$@" ;;
    crawler) stack_start_service crawler ${STACK_FLAGS[@]+"${STACK_FLAGS[@]}"} \
      ${CRAWLER_FLAGS[@]+"${CRAWLER_FLAGS[@]}"} "$@" ;;
    newmedia) stack_start_service newmedia ${STACK_FLAGS[@]+"${STACK_FLAGS[@]}"} \
      ${SIM_ADDR:+--connect_to="$SIM_ADDR"} ${NEWMEDIA_FLAGS[@]+"${NEWMEDIA_FLAGS[@]}"} "$@" ;;
    dataopen) stack_start_service dataopen ${STACK_FLAGS[@]+"${STACK_FLAGS[@]}"} \
      --connect_to="${SIM_ADDR:-}" ${DATAOPEN_FLAGS[@]+"${DATAOPEN_FLAGS[@]}"} "$@" ;;
    *) stack_log "unknown service $name"; return 1 ;;
  esac
}

# Starts the six services. Extra flags for all of them in STACK_FLAGS (array), for one of them in
# CRAWLER_FLAGS, COORDINATOR_FLAGS, NEWMEDIA_FLAGS, DATAOPEN_FLAGS (arrays, optional).
stack_start_services() {
  local name
  for name in scoring report coordinator crawler newmedia dataopen; do
    stack_start_one "$name" || return 1
  done
}

# stack_is_ours PID: PID is a live child of this shell. A process of the stack that exited and
# was reaped leaves its number free: with pid_max at 32768 and a busy machine, the kernel soon
# gives it to another process — another test's service, a compiler. Signalling a number of
# STACK_PIDS without this check once stopped another test's scoring service mid-round.
stack_is_ours() {
  local ppid
  ppid=$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')
  [[ $ppid == "$$" ]]
}

# SIGTERM everything started that still runs (newest first), wait bounded, then SIGKILL what is
# left. Only live children of this shell are signalled (stack_is_ours).
stack_stop() {
  local i pid ours=()
  for (( i=${#STACK_PIDS[@]}-1; i>=0; i-- )); do
    pid=${STACK_PIDS[i]}
    stack_is_ours "$pid" || continue
    ours+=("$pid")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for (( i=0; i<100; i++ )); do
    local alive=0
    for pid in ${ours[@]+"${ours[@]}"}; do stack_is_ours "$pid" && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for pid in ${ours[@]+"${ours[@]}"}; do
    stack_is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
  done
  wait 2>/dev/null || true
  STACK_PIDS=()
}

# stack_round_status ROUND_ID: prints "STATE FINISHED TOTAL DETAIL" of rounds/ROUND_ID (DETAIL:
# done/total/dead per kind, no spaces), or "UNREACHABLE 0 0 -" when the coordinator does not
# answer. Needs GOVINSPECT (the CLI) and GOVINSPECT_COORDINATOR.
stack_round_status() {
  local json
  if ! json=$(timeout 30 "$GOVINSPECT" --deadline 10s --output json round get "rounds/$1" 2>/dev/null); then
    echo "UNREACHABLE 0 0 -"
    return 0
  fi
  python3 -c 'import json,sys
r = json.load(sys.stdin)
p = r.get("progress", [])
fin = sum(int(k.get("done", 0)) + int(k.get("dead", 0)) for k in p)
tot = sum(int(k.get("total", 0)) for k in p)
detail = ",".join("%s:%s/%s/%s" % (k["kind"].replace("TASK_KIND_", "").lower(), k.get("done", 0),
                  k.get("total", 0), k.get("dead", 0)) for k in p) or "-"
print(r["state"], fin, tot, detail)' <<<"$json" 2>/dev/null || echo "UNREACHABLE 0 0 -"
}

# stack_queue_state: one line with each queue's length, pending entries and dead letters (for
# the message of a test that gives up).
stack_queue_state() {
  local q out=""
  for q in crawl account portal; do
    out+="$q: xlen=$(redis-cli -p "$REDIS_PORT" XLEN "govinspect:queue:$q" 2>/dev/null || echo ?)"
    out+=" pending=$(redis-cli -p "$REDIS_PORT" XPENDING "govinspect:queue:$q" workers 2>/dev/null | head -1 || echo ?)"
    out+=" dead=$(redis-cli -p "$REDIS_PORT" XLEN "govinspect:queue:$q:dead" 2>/dev/null || echo ?); "
  done
  echo "${out%; }"
}

# stack_wait_round ROUND_ID [STALL_S] [MAX_S]: waits until the round is DONE. A busy machine
# makes a round slower, not stuck: the bound is on progress — it gives up when neither the
# state nor the finished-task count changed for STALL_S seconds (default 300), or after MAX_S
# seconds in all (default 1800). Prints each change of state; on giving up (or on FAILED /
# CANCELLED) prints what it waited for, the last state, the queues, and returns 1.
stack_wait_round() {
  local id=$1 stall=${2:-300} max=${3:-1800}
  local t0=$SECONDS last_change=$SECONDS last="" state fin tot detail
  while :; do
    read -r state fin tot detail < <(stack_round_status "$id")
    if [[ "$state $fin" != "$last" ]]; then
      [[ $state != "${last%% *}" ]] && stack_log "round $id: $state ($fin/$tot finished: $detail)"
      last="$state $fin"
      last_change=$SECONDS
    fi
    case $state in
      DONE) return 0 ;;
      FAILED|CANCELLED)
        stack_log "round $id ended $state ($fin/$tot finished: $detail); waited for DONE"
        "$GOVINSPECT" --deadline 10s round get "rounds/$id" >&2 || true
        return 1 ;;
    esac
    if (( SECONDS - last_change >= stall || SECONDS - t0 >= max )); then
      stack_log "gave up waiting for round $id to be DONE after $((SECONDS - t0)) s" \
        "(no progress for $((SECONDS - last_change)) s; bounds: ${stall} s without progress," \
        "${max} s in all): last state $state, $fin/$tot tasks finished ($detail);" \
        "queues: $(stack_queue_state)"
      return 1
    fi
    sleep 1
  done
}

# stack_exit_trap: `trap stack_exit_trap EXIT` in a test. Stops the stack; on success removes
# STACK_DIR; on failure keeps it (every service's log is there), says where, and prints the
# warnings and errors of each log (bounded).
stack_exit_trap() {
  local rc=$? f lines
  trap - EXIT
  stack_stop
  if (( rc == 0 )); then
    rm -rf "$STACK_DIR"
    exit 0
  fi
  for f in "$STACK_DIR"/*.log "$STACK_DIR"/*.log.* "$STACK_DIR"/redis/redis.log; do
    [[ -f $f ]] || continue
    lines=$(grep -E '"severity":"(WARNING|ERROR|FATAL)"|^[0-9]+:[A-Z] .* # ' "$f" |
      grep -v overcommit | tail -n 15) || true
    [[ -n $lines ]] || continue
    echo "---- $f (warnings and errors, last 15)" >&2
    echo "$lines" >&2
  done
  echo "logs kept in $STACK_DIR" >&2
  exit "$rc"
}
