#!/usr/bin/env bash
# Crawl benchmark: one ~2,000-page simulated site exported by `simprovince export-site` and
# served by nginx-light from files on loopback, crawled fully by govinspect's crawler (all link
# checks on, no politeness delay), by `wget --spider -r -p` and by linkinator, in the same run.
# The site is measured twice: as the simulator writes its pages (light) and exported with
# `--page-weight heavy` (the same pages with what real government templates weigh: 30–80 KB of
# HTML each, inline CSS and scripts, long menus and footers). Prints pages/s of each, the
# ratios, peak RSS, the average HTML page size, and whether both exports give the same findings.
#
#   bench/crawl/run.sh [BIN_DIR]     (default build/default; needs crawl_bench and simprovince)
#   WEIGHTS="light heavy" (default) or one of them; KEEP=1 keeps the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR=${1:-$ROOT/build/default}
SIM=$BIN_DIR/tools/simprovince/simprovince
BENCH=$BIN_DIR/bench/crawl_bench
WORK=$(mktemp -d /tmp/gi-crawl-bench-XXXXXX)
chmod 755 "$WORK"  # nginx workers run as another user
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [[ -n ${KEEP:-} ]] || rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 1. A site of about 2,000 pages: the city profile of seed 1 is generated, every site counted by
# a quick crawl through `simprovince serve`, the one nearest 2,000 pages exported as files.
SEED=${SEED:-1}
"$SIM" generate --seed "$SEED" --as-of 2020-06-30 --profile city --out "$WORK/p" >/dev/null 2>&1
"$SIM" serve "$WORK/p" --listen 127.0.0.1:0 >"$WORK/sim.out" 2>/dev/null &
SIM_PID=$!
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/sim.out" 2>/dev/null && break; sleep 0.1; done
SIM_ADDR=$(sed -n 's/.*listening on //p' "$WORK/sim.out")
best=""; best_n=0
while IFS=, read -r id unit name home rest; do
  n=$("$BENCH" "$home" --connect_to "$SIM_ADDR" | python3 -c "import json,sys;print(json.load(sys.stdin)['pages'])")
  d=$(( n > 2000 ? n - 2000 : 2000 - n )); bd=$(( best_n > 2000 ? best_n - 2000 : 2000 - best_n ))
  if [[ -z $best || $d -lt $bd ]]; then best=$id; best_n=$n; best_home=$home; host=$(sed 's#^https\?://##; s#/.*##' <<<"$home"); fi
done < <(tail -n +2 "$WORK/p/sites.csv")
# The charset the simulated site declares in its Content-Type header (some sites declare it
# only there): nginx sends the same header, so the exported copy is the same site.
CHARSET=$(curl -s -o /dev/null -w '%{content_type}' --connect-to "::$SIM_ADDR" \
  "$best_home" |
  sed -n 's/.*charset=\([A-Za-z0-9_-]*\).*/\1/p')
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
WEIGHTS=${WEIGHTS:-light heavy}
for w in $WEIGHTS; do
  "$SIM" export-site "$WORK/p" --site "$best" --out "$WORK/www-$w" --page-weight "$w" >/dev/null 2>&1
  chmod -R a+rX "$WORK/www-$w"
done
log "site $best ($host): $best_n pages; charset header: ${CHARSET:-none}"

# linkinator (npm), installed once for every measurement.
LNK=$WORK/lnk
mkdir -p "$LNK"
if ! (cd "$LNK" && npm install --silent --no-audit --no-fund linkinator >/dev/null 2>&1); then
  log "linkinator: npm install failed (no npm registry?); skipped"
  LNK=""
fi

# Measures the export of weight $1: nginx-light serving its files (query-string file names as
# exported), then govinspect, govinspect with understanding off, wget and linkinator.
measure() {
  local w=$1 www=$WORK/www-$1 out=$WORK/$1
  mkdir -p "$out/nginx"
  local files avg_kib
  files=$(find "$www" -type f | wc -l)
  avg_kib=$(find "$www" -type f -printf '%s\n' | awk '{s+=$1; n++} END {printf "%.1f", s/n/1024}')
  log "[$w] $files files exported, average HTML page $avg_kib KiB"
  if [[ $w == heavy ]] && ! awk -v a="$avg_kib" 'BEGIN {exit !(a >= 30 && a <= 80)}'; then
    echo "heavy export: average HTML page $avg_kib KiB, not within 30-80 KiB" >&2
    exit 1
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  cat >"$out/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $out/nginx/error.log warn;
pid $out/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  ${CHARSET:+charset $CHARSET;}
  client_body_temp_path $out/nginx; proxy_temp_path $out/nginx; fastcgi_temp_path $out/nginx;
  uwsgi_temp_path $out/nginx; scgi_temp_path $out/nginx;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$port default_server;
    root $www;
    location / { try_files "\$uri?\$args" \$uri \$uri/index.html =404; }
  }
}
CONF
  nginx -c "$out/nginx/nginx.conf" -g 'daemon off;' &
  local nginx_pid=$!
  PIDS+=($nginx_pid)
  for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  local url="http://$host/"
  curl -s -o /dev/null -w "[$w] home through nginx: %{http_code}\n" --connect-to "::127.0.0.1:$port" "$url" >&2

  # govinspect (crawl_bench: the crawler library, connect_to → nginx), its findings kept.
  /usr/bin/time -f '%M' -o "$out/gi.rss" "$BENCH" "$url" --connect_to "127.0.0.1:$port" \
    --findings_out "$out/findings.tsv" >"$out/gi.json"
  log "[$w] govinspect: $(cat "$out/gi.json")"
  # The same crawl with page understanding off: what reading the pages costs.
  "$BENCH" "$url" --connect_to "127.0.0.1:$port" --understand 0 >"$out/gi-links.json"
  log "[$w] govinspect (links only): $(cat "$out/gi-links.json")"

  # wget --spider -r -p (sequential, one connection), through the same server.
  local start end
  start=$(date +%s.%N)
  ( cd "$out" && /usr/bin/time -f '%M' -o "$out/wget.rss" wget --spider -r -p -l inf -e robots=off --no-verbose \
      -e use_proxy=yes -e http_proxy="127.0.0.1:$port" --domains "$host" "$url" >"$out/wget.log" 2>&1 || true )
  end=$(date +%s.%N)
  python3 -c "print($end - $start)" >"$out/wget.secs"
  log "[$w] wget: $(cat "$out/wget.secs")s, $(wc -l <"$out/wget.log") log lines"

  # linkinator, recursing over the same server by address.
  echo 0 >"$out/lnk.secs"
  if [[ -n $LNK ]]; then
    start=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$out/lnk.rss" "$LNK/node_modules/.bin/linkinator" "http://127.0.0.1:$port/" \
      --recurse --concurrency 100 --skip '^(?!http://127\.0\.0\.1)' --format json >"$out/lnk.json" 2>/dev/null || true
    end=$(date +%s.%N)
    python3 -c "print($end - $start)" >"$out/lnk.secs"
    log "[$w] linkinator: $(cat "$out/lnk.secs")s"
  fi
  kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
  echo "$avg_kib" >"$out/avg_kib"
}

for w in $WEIGHTS; do measure "$w"; done

python3 - "$WORK" $WEIGHTS <<'PY'
import json, sys
work, weights = sys.argv[1], sys.argv[2:]
targets = {"light": (3, 5, None), "heavy": (2, None, 100)}
for w in weights:
    d = f"{work}/{w}"
    gi = json.load(open(f"{d}/gi.json"))
    links = json.load(open(f"{d}/gi-links.json"))
    pages, secs, rss = gi["pages"], gi["seconds"], int(open(f"{d}/gi.rss").read().split()[-1])
    wget = float(open(f"{d}/wget.secs").read())
    wget_rss = int(open(f"{d}/wget.rss").read().split()[-1])
    lnk = float(open(f"{d}/lnk.secs").read())
    t_wget, t_lnk, t_rss = targets[w]
    print(f"== {w} pages: average HTML page {open(f'{d}/avg_kib').read().strip()} KiB")
    print(f"site pages (HTML) crawled by govinspect: {pages}; findings: {gi['findings']}")
    print(f"govinspect  {secs:8.2f} s  {pages/secs:8.1f} pages/s  peak RSS {rss/1024:.1f} MiB"
          + (f" (target <= {t_rss})" if t_rss else "") + "  (page understanding on)")
    print(f"  links only {links['seconds']:7.2f} s  {pages/links['seconds']:8.1f} pages/s  (understanding costs {secs/links['seconds']:.2f}x)")
    print(f"wget        {wget:8.2f} s  {pages/wget:8.1f} pages/s  peak RSS {wget_rss/1024:.1f} MiB  ratio govinspect/wget {wget/secs:.2f}x (target >= {t_wget})")
    if lnk > 0:
        print(f"linkinator  {lnk:8.2f} s  {pages/lnk:8.1f} pages/s  ratio govinspect/linkinator {lnk/secs:.2f}x"
              + (f" (target >= {t_lnk})" if t_lnk else ""))
print("pages/s of the baselines = the same site's page count / their wall time (each crawls the whole site)")
if "light" in weights and "heavy" in weights:
    a = open(f"{work}/light/findings.tsv").read().splitlines()
    b = open(f"{work}/heavy/findings.tsv").read().splitlines()
    if a == b:
        print(f"findings: the same on both exports ({len(a)})")
    else:
        sa, sb = set(a), set(b)
        print(f"findings DIFFER: light {len(a)}, heavy {len(b)}; only light {len(sa - sb)}, only heavy {len(sb - sa)}")
        for l in sorted(sa - sb)[:10]: print("  light only:", l)
        for l in sorted(sb - sa)[:10]: print("  heavy only:", l)
PY
