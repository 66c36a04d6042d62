#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test through ctest.
#   ./test.sh [CTEST-ARGS...]           every stage below; this is what CI runs (.ci/run)
#   ./test.sh --quick [CTEST-ARGS...]   for developers: stages 1-3 only (the normal build and its whole suite)
# Stages, each announced by a "==== test.sh stage" banner; a failure names its stage, and a table of stage times
# ends every run:
#   1 setup        scripts/setup.sh: Debian packages and the npm folders of tests/*
#   2 build        build/ (the compiler's default, RelWithDebInfo)
#   3 test         the whole suite in build/
#   4 valgrind     veil_core_tests under valgrind memcheck, zero errors and no definite or indirect leak (the ctest
#                  of label valgrind that -DVEIL_VALGRIND=ON adds in build/; tests/sanitizers/valgrind.supp)
#   5 asan-build   build-asan/ with clang and -DVEIL_FUZZ=ON: AddressSanitizer + UBSan on all code, and the libFuzzer
#                  harnesses of fuzz/
#   6 asan-test    the whole suite again in build-asan/, plus each harness's short fuzz smoke run (label fuzz), with
#                  the sanitizer options of tests/sanitizers/options.sh (any finding fails its test)
# CTEST-ARGS (e.g. -R 'core: ', -L cli) are passed to every ctest run.
set -euo pipefail
cd "$(dirname "$0")"

quick=0
if [[ ${1:-} == --quick ]]; then quick=1; shift; fi
jobs="$(nproc)"

stage_names=() stage_times=() stage="" stage_start=0
begin() {
  stage="$1" stage_start=$SECONDS
  echo; echo "==== test.sh stage ${stage} ($(date -u +%H:%M:%S) UTC)"
}
end() {
  stage_names+=("$stage") stage_times+=($((SECONDS - stage_start)))
  echo "==== test.sh stage ${stage}: passed in $((SECONDS - stage_start)) s"
  stage=""
}
summary() {
  local status=$?
  echo
  for i in "${!stage_names[@]}"; do printf '  passed  %-12s %5d s\n' "${stage_names[$i]}" "${stage_times[$i]}"; done
  if [[ -n $stage ]]; then
    printf '  FAILED  %-12s %5d s\n' "$stage" $((SECONDS - stage_start))
    echo "==== test.sh: FAILED in stage ${stage} (exit ${status}); the output above this table shows why"
  elif [[ $status -eq 0 ]]; then
    echo "==== test.sh: all stages passed in ${SECONDS} s$( ((quick)) && echo ' (--quick: no valgrind, no sanitizers)')"
  fi
}
trap summary EXIT

begin 1-setup
bash scripts/setup.sh
end

begin 2-build
# VEIL_VALGRIND is set either way, so that a --quick run after a full one drops the valgrind test again.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVEIL_VALGRIND=$( ((quick)) && echo OFF || echo ON)
cmake --build build -j"$jobs"
end

begin 3-test
ctest --test-dir build --output-on-failure -j"$jobs" -LE valgrind "$@"
end

((quick)) && exit 0

begin 4-valgrind
ctest --test-dir build --output-on-failure -L valgrind "$@"
end

begin 5-asan-build
# One instrumented build serves both the sanitizer suite and the fuzz smoke runs: VEIL_FUZZ needs clang and
# implies VEIL_SANITIZE (cmake/instrumentation.cmake).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DVEIL_FUZZ=ON
cmake --build build-asan -j"$jobs"
end

begin 6-asan-test
# shellcheck source=tests/sanitizers/options.sh
source tests/sanitizers/options.sh
ctest --test-dir build-asan --output-on-failure -j"$jobs" "$@"
end
