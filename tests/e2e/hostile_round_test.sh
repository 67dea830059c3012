#!/usr/bin/env bash
# e2e: a round over sites that cannot be read, on the whole stack. The simulated city's sites are
# joined by sites whose home page fails every way a home page fails (503 on every request, a
# server that never answers, connections reset, a 12 MB page, a host nobody serves; beside
# them a site whose home page links into a redirect loop) and by registry URLs written the ways offices write them (full-width letters, a
# zero-width space, a trailing ideographic space, a Chinese domain). Every such site must come
# out NOT_ASSESSED with its reason or vetoed (不合格) with the reason — never 合格 — and the
# notice must list it (无法评估, or the annex). A bundle with URLs that cannot be made safe
# (credentials, another scheme) is refused with file, line and field, importing nothing.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"
STACK_DIR=$(mktemp -d /tmp/gi-e2e-hostile-XXXXXX)
source "$SRC_DIR/scripts/lib/stack.sh"
trap stack_exit_trap EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
GOVINSPECT=$BIN_DIR/tools/govinspect/govinspect
export GOVINSPECT_TOKEN=e2e-token
P=$STACK_DIR/province

"$BIN_DIR/tools/simprovince/simprovince" generate --seed 3 --as-of 2020-06-30 --profile tiny \
  --out "$P" >/dev/null
unit=$(sed -n '2p' "$P/units.csv" | cut -d, -f1)
# Two of the city's own sites turn hostile: a link into a redirect loop on the home page (a
# broken link, the site still read) and a 12 MB home page (not read).
site_field() { sed -n "$(($1 + 1))p" "$P/sites.csv" | cut -d, -f"$2"; }
loop_id=$(site_field 2 1) loop_host=$(site_field 2 4 | sed 's#^https\?://##; s#/.*##')
huge_id=$(site_field 3 1) huge_host=$(site_field 3 4 | sed 's#^https\?://##; s#/.*##')

# 1. Bad URL forms that cannot be made safe: refused with file:line: field, nothing imported.
mkdir -p "$STACK_DIR/bad"
cp "$P"/units.csv "$STACK_DIR/bad/"
{
  head -1 "$P/sites.csv"
  echo "cred-site,$unit,带口令的网站,http://admin:secret@www.cred.gov.cn/,department,,"
  echo "ftp-site,$unit,FTP网站,ftp://www.ftp.gov.cn/,department,,"
} >"$STACK_DIR/bad/sites.csv"
stack_start_redis
stack_start_sim "$P" --hang-ms 4000 \
  --fault "www.h503.gov.cn:fail=1,fail_mode=5xx" \
  --fault "www.hang.gov.cn:fail=1,fail_mode=timeout" \
  --fault "www.reset.gov.cn:fail=1,fail_mode=reset" \
  --fault "$loop_host:redirect_loop" \
  --fault "$huge_host:oversize_mb=12"
STACK_FLAGS=(--api_token=e2e-token --lease=10s --max_deliveries=3)
CRAWLER_FLAGS=(--connect_to="$SIM_ADDR" --worker_threads=2 --max_pages=60 --fetch_timeout=2s)
stack_start_services

if "$GOVINSPECT" registry import "$STACK_DIR/bad" >"$STACK_DIR/bad.out" 2>"$STACK_DIR/bad.err"; then
  fail "a bundle with credentials and an ftp URL was imported"
fi
grep -q 'sites.csv:2: field home_url' "$STACK_DIR/bad.err" || fail "no line/field for the credentials: $(cat "$STACK_DIR/bad.err")"
grep -q 'sites.csv:3: field home_url' "$STACK_DIR/bad.err" || fail "no line/field for ftp: $(cat "$STACK_DIR/bad.err")"
echo "ok: bad URL forms refused: $(grep -c 'field home_url' "$STACK_DIR/bad.err") errors"

# 2. The hostile sites beside the city's own (the simulator answers 404 for a host it does not
# serve; its faults above are matched by host).
hostile=(h503-site hang-site reset-site "$huge_id" nobody-site fullwidth-site zerowidth-site idn-site)
{
  echo "h503-site,$unit,总是503的网站,http://www.h503.gov.cn/,department,,"
  echo "hang-site,$unit,从不应答的网站,http://www.hang.gov.cn/,department,,"
  echo "reset-site,$unit,连接被重置的网站,http://www.reset.gov.cn/,department,,"
  echo "nobody-site,$unit,无人提供的网站,http://www.nobody.gov.cn/,department,,"
  echo "fullwidth-site,$unit,全角网址的网站,ｈｔｔｐ://ｗｗｗ.ｆｕｌｌ.gov.cn/,department,,"
  printf 'zerowidth-site,%s,零宽字符网址的网站,http://www.zero\u200bwidth.gov.cn/\u3000,department,,\n' "$unit"
  echo "idn-site,$unit,中文域名的网站,http://中山测试.政务/,department,,"
} >>"$P/sites.csv"
"$GOVINSPECT" registry import "$P" >"$STACK_DIR/import.out" || fail "import: $(cat "$STACK_DIR/import.out")"
sites=$(($(wc -l <"$P/sites.csv") - 1))
"$GOVINSPECT" round start --as-of 2020-06-30 --id hostile1 >/dev/null
stack_wait_round hostile1 300 1500 || fail "round hostile1 did not finish DONE (see above)"

"$GOVINSPECT" round export rounds/hostile1 -o "$STACK_DIR/export.json"
"$GOVINSPECT" --output json scores list rounds/hostile1 >"$STACK_DIR/scores.json"
"$GOVINSPECT" --deadline 60s report get rounds/hostile1 --format markdown -o "$STACK_DIR/report.md" >/dev/null
"$GOVINSPECT" registry list sites --output json >"$STACK_DIR/sites.json"

python3 - "$STACK_DIR" "$sites" "$loop_id" "${hostile[@]}" <<'PY'
import json, sys
d, sites, loop_id, hostile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
export = json.load(open(f"{d}/export.json"))
scores = json.load(open(f"{d}/scores.json"))
report = open(f"{d}/report.md", encoding="utf-8").read()
registry = json.load(open(f"{d}/sites.json"))
reg = {s["name"]: s for s in registry.get("sites", registry if isinstance(registry, list) else [])}
obs = {t["target"]: t for t in export["targets"]}
cards = {c["target"]: c for c in scores.get("scorecards", scores.get("cards", []))}
assert len([t for t in obs if t.startswith("sites/")]) == sites, (len(obs), sites)
bad = []
for h in hostile:
    t = f"sites/{h}"
    o, c = obs.get(t), cards.get(t, {})
    if o is None:
        bad.append(f"{t}: no observation")
        continue
    verdict = c.get("verdict", "")
    vetoed = any(f.get("kind") == "site_unreachable" for f in o.get("findings", []))
    reason = o.get("not_assessed_reason", "")
    if verdict in ("PASS", "VERDICT_PASS"):
        bad.append(f"{t}: 合格 ({o.get('status')}, reason {reason!r})")
    elif o.get("status") == "TARGET_STATUS_NOT_ASSESSED" or o.get("status") == "NOT_ASSESSED":
        if not reason:
            bad.append(f"{t}: not assessed without a reason")
    elif not vetoed:
        bad.append(f"{t}: {o.get('status')} {verdict} without the unreachable veto")
    print(f"{t}: {o.get('status')} {verdict or '-'} {'veto' if vetoed else ''} {reason}")
# URLs as offices write them were made safe at import.
want = {"fullwidth-site": "http://www.full.gov.cn/", "zerowidth-site": "http://www.zerowidth.gov.cn/"}
for sid, url in want.items():
    got = reg.get(f"sites/{sid}", {}).get("home_url")
    if got != url:
        bad.append(f"sites/{sid}: home_url {got!r}, want {url!r}")
idn = reg.get("sites/idn-site", {}).get("home_url", "")
if "xn--" not in idn:
    bad.append(f"sites/idn-site: home_url {idn!r} is not in IDNA form")
# The site linking into a redirect loop is read, and the loop is a broken link with its reason.
loop = obs.get(f"sites/{loop_id}", {})
if not any(f.get("kind") == "broken_link" and f.get("detail") == "redirect_loop" for f in loop.get("findings", [])):
    bad.append(f"sites/{loop_id}: no broken_link with detail redirect_loop ({loop.get('status')})")
# Every hostile site is named in the notice: under 无法评估 or in the annex.
for h in hostile:
    label = reg.get(f"sites/{h}", {}).get("display_name", "")
    if not label:
        bad.append(f"sites/{h} has no display_name in the registry listing")
    elif label not in report:
        bad.append(f"sites/{h} ({label}) is not in the notice")
if "无法评估" not in report:
    bad.append("the notice has no 无法评估 section")
if bad:
    print("\n".join(bad))
    sys.exit(1)
print(f"ok: {len(hostile)} hostile sites, none 合格, each listed in the notice")
PY
echo "PASS"
