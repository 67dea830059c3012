#!/usr/bin/env bash
# Crawl benchmark: one ~2,000-page simulated site exported by `simprovince export-site` and
# served by nginx-light from files on loopback, crawled fully by govinspect's crawler (all link
# checks on, no politeness delay), by `wget --spider -r -p` and by linkinator, in the same run.
# Prints pages/s of each, the ratios, and peak RSS.
#
#   bench/crawl/run.sh [BIN_DIR]     (default build/default; needs crawl_bench and simprovince)
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
"$SIM" export-site "$WORK/p" --site "$best" --out "$WORK/www" >/dev/null 2>&1
chmod -R a+rX "$WORK/www"
log "site $best ($host): $best_n pages; $(find "$WORK/www" -type f | wc -l) files exported; charset header: ${CHARSET:-none}"

# 2. nginx-light serving the files (query-string file names as exported).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $WORK/nginx/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  ${CHARSET:+charset $CHARSET;}
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$PORT default_server;
    root $WORK/www;
    location / { try_files "\$uri?\$args" \$uri \$uri/index.html =404; }
  }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
URL="http://$host/"
curl -s -o /dev/null -w "home through nginx: %{http_code}\n" --connect-to "::127.0.0.1:$PORT" "$URL" >&2

# 3. govinspect (crawl_bench: the crawler library, connect_to → nginx).
/usr/bin/time -f '%M' -o "$WORK/gi.rss" "$BENCH" "$URL" --connect_to "127.0.0.1:$PORT" >"$WORK/gi.json"
gi_pages=$(python3 -c "import json;print(json.load(open('$WORK/gi.json'))['pages'])")
gi_secs=$(python3 -c "import json;print(json.load(open('$WORK/gi.json'))['seconds'])")
gi_rss=$(cat "$WORK/gi.rss")
log "govinspect: $(cat "$WORK/gi.json")"
# The same crawl with page understanding off: what reading the pages costs.
"$BENCH" "$URL" --connect_to "127.0.0.1:$PORT" --understand 0 >"$WORK/gi-links.json"
gi_links_secs=$(python3 -c "import json;print(json.load(open('$WORK/gi-links.json'))['seconds'])")
log "govinspect (links only): $(cat "$WORK/gi-links.json")"

# 4. wget --spider -r -p (sequential, one connection), through the same server.
start=$(date +%s.%N)
( cd "$WORK" && /usr/bin/time -f '%M' -o "$WORK/wget.rss" wget --spider -r -p -l inf -e robots=off --no-verbose \
    -e use_proxy=yes -e http_proxy="127.0.0.1:$PORT" --domains "$host" "$URL" >"$WORK/wget.log" 2>&1 || true )
end=$(date +%s.%N)
wget_secs=$(python3 -c "print($end - $start)")
wget_pages=$(grep -c 'text/html\|\.html\|\.htm\|\.action' "$WORK/wget.log" || true)
log "wget: ${wget_secs}s, $(wc -l <"$WORK/wget.log") log lines"

# 5. linkinator (npm), recursing over the same server by address.
LNK=$WORK/lnk
mkdir -p "$LNK"
if (cd "$LNK" && npm install --silent --no-audit --no-fund linkinator >/dev/null 2>&1); then
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$WORK/lnk.rss" "$LNK/node_modules/.bin/linkinator" "http://127.0.0.1:$PORT/" \
    --recurse --concurrency 100 --skip '^(?!http://127\.0\.0\.1)' --format json >"$WORK/lnk.json" 2>/dev/null || true
  end=$(date +%s.%N)
  lnk_secs=$(python3 -c "print($end - $start)")
  lnk_links=$(python3 -c "import json;d=json.load(open('$WORK/lnk.json'));print(len(d.get('links',[])))" 2>/dev/null || echo 0)
  log "linkinator: ${lnk_secs}s, $lnk_links links"
else
  lnk_secs=""
  log "linkinator: npm install failed (no npm registry?); skipped"
fi

python3 - "$gi_pages" "$gi_secs" "$gi_rss" "$wget_secs" "${lnk_secs:-0}" "$gi_links_secs" <<'PY'
import sys
pages, gi, rss, wget, lnk = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
links_only = float(sys.argv[6])
print(f"site pages (HTML) crawled by govinspect: {pages}")
print(f"govinspect  {gi:8.2f} s  {pages/gi:8.1f} pages/s  peak RSS {rss/1024:.1f} MiB  (page understanding on)")
print(f"  links only {links_only:7.2f} s  {pages/links_only:8.1f} pages/s  (understanding costs {gi/links_only:.2f}x)")
print(f"wget        {wget:8.2f} s  {pages/wget:8.1f} pages/s  ratio govinspect/wget {wget/gi:.2f}x (target >= 3)")
if lnk > 0:
    print(f"linkinator  {lnk:8.2f} s  {pages/lnk:8.1f} pages/s  ratio govinspect/linkinator {lnk/gi:.2f}x (target >= 5)")
print("pages/s of the baselines = the same site's page count / their wall time (each crawls the whole site)")
PY
