#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`, build/fuzz) and runs each for a bounded time on a
# copy of its seed corpus (fuzz/corpus/<name>/, fuzz/regressions/<name>/ and the extra seeds
# below), so the checked-in corpus never grows. One line per target: runs, exec/s, result.
# Exits non-zero when any target crashed, leaked, hit undefined behaviour, timed out or ran out
# of memory; the line names the input that did it (kept with the log in the work directory).
# See docs/fuzzing.md.
#
#   scripts/fuzz.sh                          every target, FUZZ_SECONDS (20) each (exploration)
#   FUZZ_SECONDS=60 scripts/fuzz.sh url csv  some targets, longer
#   scripts/fuzz.sh --replay [targets]       deterministic: every seed and regression input run
#                                            once, no mutation (the CI stage of test-all.sh)
#   FUZZ_NO_BUILD=1 scripts/fuzz.sh          run what build/fuzz holds
#   JOBS=2                                   build parallelism (default 2)
set -euo pipefail
REPLAY=0
if [[ ${1:-} == --replay ]]; then
  REPLAY=1
  shift
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
JOBS=${JOBS:-2}
BIN="$ROOT/build/fuzz/fuzz"

if [[ -z ${FUZZ_NO_BUILD:-} ]]; then
  echo "== fuzz build"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$JOBS"
fi

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/*_fuzzer.cc; do
    n=$(basename "$f" _fuzzer.cc)
    [[ -x $BIN/${n}_fuzzer ]] && targets+=("$n")
  done
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: no fuzz targets in $BIN" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/govinspect-fuzz.XXXXXX")
# libFuzzer stops at the first finding and writes it to -artifact_prefix. Leaks are reported
# (LeakSanitizer); UBSan findings abort (-fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Seeds that live elsewhere in the tree.
extra_seeds() {
  local name=$1 dir=$2
  case $name in
    registry_import) cp docs/examples/registry/units.csv "$dir/example-units.csv" ;;
    ruleset)
      cp rulesets/*.textproto "$dir/"
      # The overlay with its base, as one input (files separated by "#@@" lines).
      { cat rulesets/gov-2019.textproto; printf '\n#@@\n'; cat rulesets/guangdong-2020.textproto; } \
        >"$dir/gov-2019+guangdong-2020"
      ;;
  esac
}

if (( REPLAY )); then
  echo "== replaying the corpus and regressions of ${#targets[@]} targets (work dir $WORK)"
else
  echo "== fuzzing ${#targets[@]} targets, ${FUZZ_SECONDS}s each (work dir $WORK)"
fi
printf '%-18s %10s %9s  %s\n' target runs exec/s result
failed=0
for name in "${targets[@]}"; do
  exe="$BIN/${name}_fuzzer"
  if [[ ! -x $exe ]]; then
    printf '%-18s %10s %9s  %s\n' "$name" - - "MISSING $exe"
    failed=1
    continue
  fi
  dir="$WORK/$name"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  for src in "fuzz/corpus/$name" "fuzz/regressions/$name"; do
    [[ -d $src ]] && find "$src" -type f ! -name '.*' ! -name 'README*' -exec cp {} "$dir/corpus/" \;
  done
  extra_seeds "$name" "$dir/corpus"
  rc=0
  if (( REPLAY )); then
    # -runs=0: libFuzzer executes every input of the corpus once (in a fixed order, seed fixed)
    # and stops before mutating anything. The per-input limit is generous: a replay must not
    # fail because the machine is busy; a hang still ends it.
    (cd "$dir" && timeout --kill-after=10 1800 "$exe" \
        -runs=0 -seed=1 -timeout=120 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/" corpus >"$dir/log" 2>&1) || rc=$?
    # Inputs executed (libFuzzer's "Done N runs" counts the empty input too).
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -1)
  else
    # The outer timeout only guards against a hung process; -max_total_time ends a normal run.
    (cd "$dir" && timeout --kill-after=10 $((FUZZ_SECONDS + 120)) "$exe" \
        -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/" corpus >"$dir/log" 2>&1) || rc=$?
  fi
  (( REPLAY )) || runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  (( REPLAY )) && speed=-
  artifact=$(find "$dir/artifacts" -type f | head -1)
  if [[ $rc -eq 0 && -z $artifact ]]; then
    result=ok
  else
    failed=1
    kind=$(grep -m1 -oE 'FUZZ_CHECK failed: .*|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z -]+|runtime error: .*' \
             "$dir/log" || true)
    result="FAILED (exit $rc) ${kind:-see log}; input: ${artifact:-none}; log: $dir/log"
  fi
  printf '%-18s %10s %9s  %s\n' "$name" "${runs:--}" "${speed:--}" "$result"
done

if [[ $failed -ne 0 ]]; then
  echo "fuzz: FAILED (inputs and logs kept in $WORK; replay one with: $BIN/<name>_fuzzer INPUT)"
  exit 1
fi
rm -rf "$WORK"
if (( REPLAY )); then
  echo "fuzz: all ${#targets[@]} targets ok (corpus and regressions replayed)"
else
  echo "fuzz: all ${#targets[@]} targets ok"
fi
