#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the default build (unit, integration and
# e2e labels), then the ASan+UBSan build (unit and integration), then the ThreadSanitizer build
# (the tests labelled tsan: queue, fetch engine, executor, QueueWorker, crawler), then the fuzz
# targets replaying their corpus and every regression input (scripts/fuzz.sh --replay,
# deterministic; docs/fuzzing.md), then the container end-to-end test and the runtime image's
# library check (tests/deploy/container_e2e.sh; skipped, with the reason, where Docker cannot run).
# Each test starts the servers it needs (redis-server, the simulator, the services) on loopback
# and stops them.
#
# Every stage runs even when an earlier one failed (a stage whose build failed runs no tests);
# the end prints each stage's result and time, and the script exits non-zero when any failed.
#
#   scripts/test-all.sh                  everything
#   SKIP_ASAN=1 scripts/test-all.sh      without the ASan+UBSan stage
#   SKIP_TSAN=1 scripts/test-all.sh      without the ThreadSanitizer stage
#   SKIP_FUZZ=1 scripts/test-all.sh      without the fuzz replay stage
#   SKIP_CONTAINER=1 scripts/test-all.sh without the container stage
# Open-ended fuzzing (random exploration for a bounded time) is not part of this script: run
# scripts/fuzz.sh by hand (FUZZ_SECONDS=N scripts/fuzz.sh [targets]).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc)}

STAGE_NAMES=()
STAGE_RESULTS=()
STAGE_TIMES=()

# stage NAME COMMAND...: runs COMMAND (a function or a program), records PASS/FAIL and the time.
stage() {
  local name=$1 t0=$SECONDS rc=0
  shift
  echo "== stage $name"
  # A subshell, not `|| rc=$?`: `set -e` inside a stage stops that stage at its first failing
  # step (it would be ignored in an `||` context), and never the script.
  ( "$@" )
  rc=$?
  STAGE_NAMES+=("$name")
  STAGE_TIMES+=("$((SECONDS - t0))")
  if (( rc == 0 )); then
    STAGE_RESULTS+=(PASS)
  else
    STAGE_RESULTS+=("FAIL (exit $rc)")
  fi
  echo "== stage $name: ${STAGE_RESULTS[-1]} in $((SECONDS - t0)) s"
}

skip_stage() {
  STAGE_NAMES+=("$1")
  STAGE_TIMES+=(0)
  STAGE_RESULTS+=("SKIPPED ($2)")
}

default_stage() {
  set -e
  echo "== default build"
  cmake --preset default
  cmake --build --preset default -j "$JOBS"
  echo "== default tests (unit, integration, e2e)"
  ctest --preset default -j "$JOBS"
}

asan_stage() {
  set -e
  echo "== asan build"
  cmake --preset asan
  cmake --build --preset asan -j "$JOBS"
  echo "== asan tests (unit, integration)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0" \
    ctest --preset asan -j "$JOBS"
}

# Only the tests labelled tsan and the libraries they link are built (preset tsan: no simulator,
# CLI or benchmarks). No suppression file is needed: Debian's shared libraries are not
# instrumented (TSan sees no access made inside them), and their absl::Mutex, CondVar and
# Notification are annotated for TSan by common/testing/tsan_absl_annotations.cc.
tsan_stage() {
  set -e
  echo "== tsan build"
  cmake --preset tsan
  cmake --build --preset tsan -j "$JOBS"
  echo "== tsan tests (label tsan)"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --preset tsan -j "$JOBS"
}

# The CI fuzz stage is deterministic: every seed and every regression input, replayed once by the
# libFuzzer binaries (clang, ASan + UBSan); no random exploration.
fuzz_stage() {
  JOBS="$JOBS" bash scripts/fuzz.sh --replay
}

# The runtime image built from the default build's binaries, the stack run as containers with
# the manifests' flags, and the ldd check. Exit 77: Docker cannot run here (the reason is printed).
container_stage() {
  bash tests/deploy/container_e2e.sh
}

T_ALL=$SECONDS
stage install-deps bash scripts/install-deps.sh
stage default default_stage
if [[ -z ${SKIP_ASAN:-} ]]; then stage asan asan_stage; else skip_stage asan SKIP_ASAN; fi
if [[ -z ${SKIP_TSAN:-} ]]; then stage tsan tsan_stage; else skip_stage tsan SKIP_TSAN; fi
if [[ -z ${SKIP_FUZZ:-} ]]; then stage fuzz-replay fuzz_stage; else skip_stage fuzz-replay SKIP_FUZZ; fi
if [[ -z ${SKIP_CONTAINER:-} ]]; then
  stage container container_stage
  [[ ${STAGE_RESULTS[-1]} == "FAIL (exit 77)" ]] &&
    STAGE_RESULTS[-1]="SKIPPED (Docker cannot run here: the stage's output says why)"
else
  skip_stage container SKIP_CONTAINER
fi

passed=0 failed=0 skipped=0
echo
echo "== test-all summary (total $((SECONDS - T_ALL)) s)"
for i in "${!STAGE_NAMES[@]}"; do
  printf '  %-13s %6s s  %s\n' "${STAGE_NAMES[i]}" "${STAGE_TIMES[i]}" "${STAGE_RESULTS[i]}"
  case ${STAGE_RESULTS[i]} in
    PASS) passed=$((passed + 1)) ;;
    SKIPPED*) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
done
echo "stages: $passed passed, $failed failed, $skipped skipped"
(( failed == 0 ))
