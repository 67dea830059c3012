#!/usr/bin/env bash
# e2e: Debian's prometheus scrapes every service and Redis (through prometheus-redis-exporter)
# during a round on the tiny profile; then every PromQL expression of the Grafana dashboards and
# the alert rules is evaluated through Prometheus' HTTP API. Any error fails; the round-progress,
# crawler and queue panels must return data; the rules must load healthy.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"
STACK_DIR=$(mktemp -d /tmp/gi-e2e-prom-XXXXXX)
source "$SRC_DIR/scripts/lib/stack.sh"
trap 'stack_stop; rm -rf "$STACK_DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v prometheus >/dev/null || { echo "SKIP: prometheus not installed"; exit 77; }
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect
export GOVINSPECT_TOKEN=prom-token

"$BIN_DIR/tools/simprovince/simprovince" generate --seed 3 --as-of 2020-06-30 --profile tiny \
  --out "$STACK_DIR/province" >/dev/null
stack_start_redis
stack_start_sim "$STACK_DIR/province"
STACK_FLAGS=(--api_token=prom-token)
CRAWLER_FLAGS=(--connect_to="$SIM_ADDR")
stack_start_services

EXPORTER_PORT=$(stack_free_port)
prometheus-redis-exporter --redis.addr="redis://$REDIS_ADDR" \
  --web.listen-address="127.0.0.1:$EXPORTER_PORT" >"$STACK_DIR/exporter.log" 2>&1 &
STACK_PIDS+=("$!")

PROM_PORT=$(stack_free_port)
mkdir -p "$STACK_DIR/prom"
cp "$SRC_DIR/deploy/prometheus/rules.yml" "$STACK_DIR/prom/rules.yml"
{
  echo "global: {scrape_interval: 1s, evaluation_interval: 1s}"
  echo "rule_files: [rules.yml]"
  echo "scrape_configs:"
  for svc in coordinator crawler newmedia dataopen scoring report; do
    m="$(tr '[:lower:]' '[:upper:]' <<<"$svc")_METRICS"
    echo "  - {job_name: govinspect-$svc, static_configs: [{targets: ['${!m}']}]}"
  done
  echo "  - {job_name: redis, static_configs: [{targets: ['127.0.0.1:$EXPORTER_PORT']}]}"
} >"$STACK_DIR/prom/prometheus.yml"
promtool check config "$STACK_DIR/prom/prometheus.yml" >/dev/null || fail "generated config invalid"
prometheus --config.file="$STACK_DIR/prom/prometheus.yml" \
  --storage.tsdb.path="$STACK_DIR/prom/data" --web.listen-address="127.0.0.1:$PROM_PORT" \
  >"$STACK_DIR/prometheus.log" 2>&1 &
STACK_PIDS+=("$!")
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null ||
  fail "prometheus not ready after 120 s: $(tail -n 5 "$STACK_DIR/prometheus.log")"

"$GOVINSPECT" registry import "$STACK_DIR/province" >/dev/null
"$GOVINSPECT" round start --as-of 2020-06-30 --id prom1 --watch >/dev/null || fail "round"
# Every panel a finished round must fill is checked, and the check waits (bounded, 180 s) for
# the coordinator's collector (every 5 s) and the scrapes to see the finished round: it gives up
# only when a panel stays empty that long, and names it.
python3 - "http://127.0.0.1:$PROM_PORT" "$SRC_DIR/deploy" <<'PY'
import json, pathlib, sys, time, urllib.parse, urllib.request, yaml
base, deploy = sys.argv[1], pathlib.Path(sys.argv[2])
# Panels a finished round does not fill, and why. Everything else must show data.
MAY_BE_EMPTY = {
    # The availability probes run on their own schedule (hourly), not as part of a round.
    ("availability", "Probe success by site (last probe)"),
    ("availability", "Share of sites whose last probe succeeded"),
    ("availability", "Slowest sites (last probe)"),
}

def query(expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)

def substitute(expr):
    return expr.replace("$namespace", ".*").replace("$round", ".*")

def check_panels():
    errors, empty, checked = [], {}, 0
    for f in sorted((deploy / "grafana" / "dashboards").glob("*.json")):
        d = json.loads(f.read_text())
        for p in d["panels"]:
            for t in p["targets"]:
                res = query(substitute(t["expr"]))
                checked += 1
                if res.get("status") != "success":
                    errors.append(f"{f.name} panel {p['id']} {p['title']!r}: {res.get('error')}")
                elif not res["data"]["result"]:
                    empty[(f.stem, p["title"])] = f"{f.stem}: {p['title']} ({t['expr']})"
    return errors, empty, checked

deadline = time.time() + 180
while True:
    errors, empty, checked = check_panels()
    must = {k: v for k, v in empty.items() if k not in MAY_BE_EMPTY}
    if errors or not must or time.time() > deadline:
        break
    time.sleep(2)
unknown_allowed = [k for k in MAY_BE_EMPTY if k not in {(f.stem, p["title"])
                   for f in (deploy / "grafana" / "dashboards").glob("*.json")
                   for p in json.loads(f.read_text())["panels"]}]
for g in yaml.safe_load((deploy / "prometheus" / "rules.yml").read_text())["groups"]:
    for r in g["rules"]:
        res = query(r["expr"])
        checked += 1
        if res.get("status") != "success":
            errors.append(f"rule {r['alert']}: {res.get('error')}")
missing = sorted(must.values())
with urllib.request.urlopen(base + "/api/v1/rules", timeout=10) as r:
    rules = json.load(r)["data"]["groups"]
unhealthy = [x["name"] for g in rules for x in g["rules"] if x.get("health") != "ok"]
loaded = sum(len(g["rules"]) for g in rules)
print(f"{checked} expressions evaluated, {len(errors)} errors; "
      f"{len(empty)} without data ({len(empty) - len(must)} allowed: probes); {loaded} rules loaded")
for e in errors:
    print("ERROR", e)
for m in missing:
    print("EMPTY after waiting 180 s for a finished round's data:", m)
if unknown_allowed:
    print("MAY_BE_EMPTY names panels that do not exist:", unknown_allowed)
if errors or missing or unhealthy or loaded == 0 or unknown_allowed:
    print("unhealthy rules:", unhealthy)
    sys.exit(1)
PY
echo "PASS"
