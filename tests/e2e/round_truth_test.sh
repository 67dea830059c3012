#!/usr/bin/env bash
# e2e: the README round (scripts/run-round.sh, city profile) on the whole stack. Every finding
# kind and every indicator must reach precision and recall ≥ 0.97 against the simulator's truth,
# every site's and filed account's veto set and verdict must match the truth, and the report
# files must be there.
set -euo pipefail
: "${BIN_DIR:?}" "${SRC_DIR:?}"
OUT=$(mktemp -d /tmp/gi-e2e-round-XXXXXX)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

SKIP_BUILD=1 PROFILE=city bash "$SRC_DIR/scripts/run-round.sh" "$OUT/round" >"$OUT/run.log" 2>&1 ||
  { tail -40 "$OUT/run.log"; fail "run-round.sh"; }
cat "$OUT/round/detection.txt"
for f in report.pdf report.html report.xlsx report.md round.json observations.json scorecards.json truth.json; do
  [[ -s $OUT/round/$f ]] || fail "missing $f"
done
[[ -n $(ls "$OUT/round/units") ]] || fail "no rectification sheets"
python3 - "$OUT/round/detection.txt" <<'PY'
import re, sys
bad = []
verdicts = 0
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.split()
    if len(f) == 6 and re.fullmatch(r"[0-9.]+", f[4]) and f[0] not in ("finding", "indicator"):
        if float(f[4]) < 0.97 or float(f[5]) < 0.97:
            bad.append(line.strip())
    m = re.match(r"(\w+)\s+(\d+) of\s+(\d+) match", line)
    if m:
        verdicts += 1
        if m.group(2) != m.group(3):
            bad.append(line.strip())
    if line.startswith("mismatch "):
        bad.append(line.strip())
if verdicts < 2:
    bad.append("no verdict lines")
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
echo "PASS"
