#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the default build (unit, integration and
# e2e labels), then the ASan+UBSan build (unit and integration), then the ThreadSanitizer build
# (the tests labelled tsan: queue, fetch engine, executor, QueueWorker, crawler), then the fuzz
# targets for a bounded time (scripts/fuzz.sh, docs/fuzzing.md). Each test starts the servers it
# needs (redis-server, the simulator, the services) on loopback and stops them.
#
#   scripts/test-all.sh            everything
#   SKIP_ASAN=1 scripts/test-all.sh    without the ASan+UBSan stage
#   SKIP_TSAN=1 scripts/test-all.sh    without the ThreadSanitizer stage
#   SKIP_FUZZ=1 scripts/test-all.sh    without the fuzz stage (FUZZ_SECONDS=N: N s per target)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc)}

bash scripts/install-deps.sh

echo "== default build"
cmake --preset default
cmake --build --preset default -j "$JOBS"
echo "== default tests (unit, integration, e2e)"
ctest --preset default -j "$JOBS"

if [[ -z ${SKIP_ASAN:-} ]]; then
  echo "== asan build"
  cmake --preset asan
  cmake --build --preset asan -j "$JOBS"
  echo "== asan tests (unit, integration)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0" \
    ctest --preset asan -j "$JOBS"
fi

if [[ -z ${SKIP_TSAN:-} ]]; then
  # Only the tests labelled tsan and the libraries they link are built (preset tsan: no simulator,
  # CLI or benchmarks). No suppression file is needed: Debian's shared libraries are not
  # instrumented (TSan sees no access made inside them), and their absl::Mutex, CondVar and
  # Notification are annotated for TSan by common/testing/tsan_absl_annotations.cc.
  tsan_start=$SECONDS
  echo "== tsan build"
  cmake --preset tsan
  cmake --build --preset tsan -j "$JOBS"
  echo "== tsan tests (label tsan)"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --preset tsan -j "$JOBS"
  echo "== tsan stage: $((SECONDS - tsan_start)) s"
fi

if [[ -z ${SKIP_FUZZ:-} ]]; then
  echo "== fuzz (build/fuzz, ${FUZZ_SECONDS:-20}s per target)"
  JOBS="$JOBS" bash scripts/fuzz.sh
fi
