#!/usr/bin/env bash
# The shipped image runs as shipped: builds deploy/docker/Dockerfile's runtime stage on a Debian 12
# base imported from a debootstrapped root (no registry), lists every shared library each binary
# needs (ldd) and fails when the runtime stage's packages do not provide one, then runs Redis and
# the six services as containers on the host network with the flags files, commands, arguments
# and environment the Kubernetes manifests give them (rendered from the city overlay by
# deploy/tools/render_kustomize.py, nothing copied by hand), runs the tiny round through them with
# the image's CLI and downloads the report.
#
# Differences from a cluster, each needed to run on one host without the internet:
#   - every Service name (redis, scoring, report, coordinator) resolves to 127.0.0.1 (--add-host);
#   - the Secret is made here (random values), as docs/operations.md makes it;
#   - the workers get the flags that send them to the simulated province instead of the internet
#     (crawler and dataopen --connect_to, newmedia --connect_to and --platform_api), after the
#     manifest's flagfile;
#   - Redis runs from the base image with Debian's redis-server, with the manifest's arguments.
#
#   tests/deploy/container_e2e.sh          runtime stage with the binaries of BIN_DIR (default
#                                          build/default): nothing compiled twice
#   tests/deploy/container_e2e.sh --full   the whole multi-stage build (compiles in the image)
#
# Starts dockerd (Debian's docker.io) when no daemon answers, and stops it at the end; the
# daemon's data (the imported base image, a cache) stays in CONTAINER_E2E_DATA
# (/var/tmp/govinspect-container-e2e). Exit 77 (skipped) with the reason when Docker cannot run
# here (no docker.io, no debootstrap, dockerd does not start, no Debian mirror reachable).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR=${BIN_DIR:-$ROOT/build/default}
DATA=${CONTAINER_E2E_DATA:-/var/tmp/govinspect-container-e2e}
BASE_IMAGE=govinspect-base:bookworm
IMAGE=govinspect:container-e2e
FULL=0
[[ ${1:-} == --full ]] && FULL=1
WORK=$(mktemp -d /tmp/gi-container-e2e-XXXXXX)
DOCKERD_PID=
SIM_PID=
CONTAINERS=()
# Debian's client (docker.io) has BuildKit built in; a newer client elsewhere on PATH may want a
# buildx plugin that is not there.
DOCKER_BIN=$(command -v /usr/bin/docker || command -v docker || true)
docker() { "$DOCKER_BIN" "$@"; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
skip() { echo "SKIP: container e2e: $*" >&2; exit 77; }
fail() { echo "FAIL: container e2e: $*" >&2; exit 1; }

cleanup() {
  local rc=$?
  trap - EXIT
  local c
  [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null
  for c in ${CONTAINERS[@]+"${CONTAINERS[@]}"}; do
    if (( rc != 0 && rc != 77 )); then
      echo "---- container $c (last 20 lines)" >&2
      docker logs --tail 20 "$c" >&2 2>&1 || true
    fi
    docker rm -f "$c" >/dev/null 2>&1 || true
  done
  if [[ -n $DOCKERD_PID ]]; then
    kill -TERM "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DOCKERD_PID" 2>/dev/null || true
  fi
  if (( rc == 0 || rc == 77 )); then rm -rf "$WORK"; else echo "work dir kept: $WORK" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# ---- Docker ----------------------------------------------------------------------------------
command -v dockerd >/dev/null || skip "dockerd not installed (Debian package docker.io)"
[[ -n $DOCKER_BIN ]] || skip "docker CLI not installed (Debian package docker.io)"
command -v debootstrap >/dev/null || skip "debootstrap not installed"
if ! docker info >/dev/null 2>&1; then
  mkdir -p "$DATA"
  export DOCKER_HOST="unix://$DATA/docker.sock"
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (data in $DATA)"
    dockerd --data-root "$DATA/root" --exec-root "$DATA/exec" --pidfile "$DATA/dockerd.pid" \
      -H "$DOCKER_HOST" >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 1 600); do
      docker info >/dev/null 2>&1 && break
      kill -0 "$DOCKERD_PID" 2>/dev/null || break
      sleep 0.1
    done
    docker info >/dev/null 2>&1 ||
      skip "dockerd did not start within 60 s: $(tail -n 3 "$WORK/dockerd.log" | tr '\n' ' ')"
  fi
fi
log "docker: server $(docker version --format '{{.Server.Version}}')"

# ---- the base image --------------------------------------------------------------------------
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "making $BASE_IMAGE from a debootstrapped Debian 12 root"
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    skip "debootstrap of bookworm from $mirror failed: $(tail -n 2 "$WORK/debootstrap.log" | tr '\n' ' ')"
  tar -C "$WORK/rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$WORK/rootfs"
fi

# ---- the image -------------------------------------------------------------------------------
export DOCKER_BUILDKIT=1
if (( FULL )); then
  log "building $IMAGE: the whole multi-stage Dockerfile"
  docker build --network host --build-arg BASE="$BASE_IMAGE" --target runtime -t "$IMAGE" \
    -f "$ROOT/deploy/docker/Dockerfile" "$ROOT" >"$WORK/build.log" 2>&1 ||
    { tail -n 30 "$WORK/build.log" >&2; fail "docker build --full"; }
else
  log "building $IMAGE: the runtime stage with the binaries of $BIN_DIR"
  ctx=$WORK/context
  mkdir -p "$ctx/out/bin" "$ctx/out/share/govinspect"
  for b in services/coordinator/coordinator services/crawler/crawler services/newmedia/newmedia \
           services/dataopen/dataopen services/scoring/scoring services/report/report \
           tools/govinspect/govinspect tools/simprovince/simprovince; do
    [[ -x $BIN_DIR/$b ]] || fail "$BIN_DIR/$b missing (build the default preset first)"
    cp "$BIN_DIR/$b" "$ctx/out/bin/"
  done
  cp -r "$ROOT/rulesets" "$ctx/out/share/govinspect/"
  docker build --network host --build-arg BASE="$BASE_IMAGE" --build-arg BINARIES_FROM=prebuilt \
    --target runtime -t "$IMAGE" -f "$ROOT/deploy/docker/Dockerfile" "$ctx" \
    >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; fail "docker build"; }
fi

# ---- every shared library of every binary comes from the runtime stage's packages ------------
log "ldd: shared libraries of /usr/local/bin/*"
docker run --rm --network none --entrypoint /bin/sh "$IMAGE" -c '
  missing=0
  for b in /usr/local/bin/*; do
    libs=$(ldd "$b" 2>&1) || { echo "$b: ldd failed: $libs"; missing=1; continue; }
    n=$(echo "$libs" | grep -c "=>" || true)
    if echo "$libs" | grep -q "not found"; then
      echo "$b: NOT PROVIDED BY THE IMAGE:"; echo "$libs" | grep "not found" | sed "s/^/    /"
      missing=1
    else
      pkgs=$(echo "$libs" | sed -n "s/.*=> \(\/[^ ]*\) .*/\1/p" | xargs -r readlink -f |
             xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u | tr "\n" " ")
      echo "$b: $n libraries, all found, from: $pkgs"
    fi
  done
  exit $missing' | tee "$WORK/ldd.txt" || fail "a binary needs a library the runtime stage lacks (above)"

# ---- the manifests' flags, commands and environment ------------------------------------------
log "rendering the city overlay"
python3 "$ROOT/deploy/tools/render_kustomize.py" "$ROOT/deploy/k8s/overlays/city" >"$WORK/manifests.yaml"
API_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
REDIS_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$WORK/flags" "$WORK/reports" "$WORK/redis"
chown 10001:10001 "$WORK/reports"
chmod 777 "$WORK/redis"
# For each workload: its command and args as JSON, its environment as NAME=VALUE lines (secrets
# resolved), and the flags files of its ConfigMap into $WORK/flags.
python3 - "$WORK" "$API_TOKEN" "$REDIS_PASSWORD" <<'PY'
import json, pathlib, sys, yaml
work, token, password = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
secret = {"api_token": token, "redis_password": password}
docs = [d for d in yaml.safe_load_all((work / "manifests.yaml").read_text()) if d]
cms = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
for d in docs:
    if d["kind"] not in ("Deployment", "StatefulSet"):
        continue
    spec = d["spec"]["template"]["spec"]
    for v in spec.get("volumes", []):
        if "configMap" in v:
            for k, text in cms[v["configMap"]["name"]]["data"].items():
                (work / "flags" / k).write_text(text)
    c = spec["containers"][0]
    env = {}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        else:
            ref = e["valueFrom"]["secretKeyRef"]
            assert ref["name"] == "govinspect-secrets", ref
            env[e["name"]] = secret[ref["key"]]
    name = d["metadata"]["name"]
    # Kubernetes expands $(VAR) in args from the container's environment.
    args = [a.replace("$(REDIS_PASSWORD)", env.get("REDIS_PASSWORD", "")) for a in c.get("args", [])]
    (work / f"{name}.cmd.json").write_text(json.dumps((c.get("command") or []) + args))
    (work / f"{name}.env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    (work / f"{name}.mounts.json").write_text(json.dumps(mounts))
    sc = spec.get("securityContext", {})
    (work / f"{name}.user").write_text(f"{sc.get('runAsUser', 0)}:{sc.get('runAsGroup', 0)}")
PY
for p in 6379 50051 50052 50053 50054 50055 50056 51051 51052 51053 51054 51055 51056; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    skip "port $p is taken on this host (the containers use the manifests' ports on the host network)"
  fi
done

# The simulated province on the host's loopback (the internet of this test).
"$BIN_DIR/tools/simprovince/simprovince" generate --seed 7 --as-of 2020-06-30 --profile tiny \
  --out "$WORK/province" >/dev/null 2>&1
"$BIN_DIR/tools/simprovince/simprovince" serve "$WORK/province" --listen 127.0.0.1:0 \
  >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 1 1200); do grep -q "listening on" "$WORK/sim.out" 2>/dev/null && break; sleep 0.1; done
SIM_ADDR=$(sed -n 's/.*listening on //p' "$WORK/sim.out" | head -1)
[[ -n $SIM_ADDR ]] || fail "simprovince did not start: $(tail -n 3 "$WORK/sim.log")"

HOSTS=(--add-host redis:127.0.0.1 --add-host scoring:127.0.0.1 --add-host report:127.0.0.1
       --add-host coordinator:127.0.0.1)
SIM_PLATFORMS="wechat=http://api.wechat.sim,weibo=http://api.weibo.sim,douyin=http://api.douyin.sim,toutiao=http://api.toutiao.sim"

# run_workload NAME [extra args...]: the manifest's container as a container on the host network.
run_workload() {
  local name=$1; shift
  local cmd mounts user
  mapfile -t cmd < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$WORK/$name.cmd.json")
  mounts=()
  while IFS=$'\t' read -r vol path; do
    case $vol in
      flags) mounts+=(-v "$WORK/flags:$path:ro") ;;
      reports) mounts+=(-v "$WORK/reports:$path") ;;
      data) mounts+=(-v "$WORK/redis:$path") ;;
      tmp) mounts+=(--tmpfs "$path") ;;
      *) fail "$name: volume $vol not handled here" ;;
    esac
  done < <(python3 -c 'import json,sys; [print(k + "\t" + v) for k, v in json.load(open(sys.argv[1])).items()]' "$WORK/$name.mounts.json")
  user=$(cat "$WORK/$name.user")
  docker run -d --name "gi-e2e-$name" --network host "${HOSTS[@]}" --read-only \
    --cap-drop ALL --security-opt no-new-privileges --user "$user" \
    --env-file "$WORK/$name.env" ${mounts[@]+"${mounts[@]}"} "$IMAGE" "${cmd[@]}" "$@" >/dev/null
  CONTAINERS+=("gi-e2e-$name")
}

# wait_serving NAME: the service's "serving" log line (bounded, or the container exited).
wait_serving() {
  local name=$1 i
  for (( i = 0; i < 1200; i++ )); do
    docker logs "gi-e2e-$name" 2>&1 | grep -q "\"message\":\"$name serving\"" && return 0
    [[ $(docker inspect -f '{{.State.Running}}' "gi-e2e-$name") == true ]] ||
      fail "$name exited: $(docker logs --tail 5 "gi-e2e-$name" 2>&1)"
    sleep 0.1
  done
  fail "$name: no 'serving' line within 120 s: $(docker logs --tail 5 "gi-e2e-$name" 2>&1)"
}

log "redis (Debian's redis-server in the base image, the manifest's arguments)"
docker build --network host -t govinspect-redis:container-e2e - >"$WORK/redis-build.log" 2>&1 <<EOF || { tail -n 20 "$WORK/redis-build.log" >&2; fail "redis image"; }
FROM $BASE_IMAGE
RUN apt-get update && apt-get install -y --no-install-recommends redis-server redis-tools && rm -rf /var/lib/apt/lists/*
EOF
REDIS_IMAGE_SAVED=$IMAGE
IMAGE=govinspect-redis:container-e2e run_workload redis
IMAGE=$REDIS_IMAGE_SAVED
for _ in $(seq 1 600); do
  docker exec gi-e2e-redis redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done

log "the six services"
run_workload scoring;     wait_serving scoring
run_workload report;      wait_serving report
run_workload coordinator; wait_serving coordinator
run_workload crawler --connect_to="$SIM_ADDR"; wait_serving crawler
run_workload newmedia --connect_to="$SIM_ADDR" --platform_api="$SIM_PLATFORMS"; wait_serving newmedia
run_workload dataopen --connect_to="$SIM_ADDR"; wait_serving dataopen

# The CLI of the image, on the host network, with the token of the Secret.
cli() {
  docker run --rm -i --network host --read-only --user 10001:10001 -e GOVINSPECT_TOKEN="$API_TOKEN" \
    -v "$WORK/province:/province:ro" -v "$WORK/out:/out" "$IMAGE" /usr/local/bin/govinspect "$@"
}
mkdir -p "$WORK/out"; chmod 777 "$WORK/out"
cli health >"$WORK/health.txt" || { cat "$WORK/health.txt" >&2; fail "health"; }
cli registry import /province >/dev/null || fail "registry import"
cli round start --as-of 2020-06-30 --id container1 >/dev/null || fail "round start"
log "round container1 started; waiting for DONE (bounded by progress)"
last="" t_change=$SECONDS
while :; do
  state=$(cli --output json round get rounds/container1 2>/dev/null |
          python3 -c 'import json,sys; r=json.load(sys.stdin); p=r.get("progress",[]); print(r["state"], sum(int(k.get("done",0)) for k in p), sum(int(k.get("total",0)) for k in p))' 2>/dev/null || echo "UNREACHABLE 0 0")
  [[ $state != "$last" ]] && { log "round: $state"; last=$state; t_change=$SECONDS; }
  case ${state%% *} in
    DONE) break ;;
    FAILED|CANCELLED) fail "round ended $state" ;;
  esac
  (( SECONDS - t_change < 300 )) || fail "round made no progress for 300 s (last: $state)"
  sleep 2
done
cli report get rounds/container1 --format pdf -o /out/report.pdf >/dev/null || fail "report get"
[[ $(head -c 5 "$WORK/out/report.pdf") == "%PDF-" ]] || fail "the downloaded report is not a PDF"
ls "$WORK/reports" | grep -q . || fail "report wrote nothing to its volume (--reports_dir)"
log "report: $(stat -c %s "$WORK/out/report.pdf") bytes; on the report volume: $(ls "$WORK/reports" | tr '\n' ' ')"
echo "PASS: container e2e (image $IMAGE on $BASE_IMAGE; round container1 DONE; report downloaded)"
