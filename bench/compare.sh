#!/usr/bin/env bash
# Builds veil_bench (Release) and runs it side by side with the npm @sd-jwt/sd-jwt-vc benchmark on the same
# workload, then prints the ratios against the targets of issue 2:
#   issue/s and present/s >= 5x the npm library, verify/s >= 3x, verify/s >= 85% of raw OpenSSL verify/2.
#   bench/compare.sh [--rounds N] [--seconds S]      (defaults: 7 rounds of >= 0.5 s per figure)
# VEIL_BENCH_BUILD_DIR chooses the build directory (default ./build-bench). Needs tests/interop/node_modules
# (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${VEIL_BENCH_BUILD_DIR:-build-bench}"

if [ ! -d tests/interop/node_modules/@sd-jwt/sd-jwt-vc ]; then
  echo "compare.sh: tests/interop/node_modules is missing; run scripts/setup.sh first" >&2
  exit 1
fi
echo "building veil_bench (Release) in $build/ ..."
# -O2 rather than CMake's default -O3 for Release: GCC 12 at -O3 reports a false -Wrestrict inside
# std::string operator+ (GCC bug 105329), which -Werror turns into a failed build.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target veil_bench >/dev/null

veil_out="$(mktemp)"; js_out="$(mktemp)"
trap 'rm -f "$veil_out" "$js_out"' EXIT
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
"$build/bench/veil_bench" "$@" | tee "$veil_out"
echo
node bench/sd_jwt_js_bench.mjs "$@" | tee "$js_out"

figure() { awk -v k="$2" '$1 == "bench" && $2 == k { print $3 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "meets" : "MISSES") }'; }

echo
echo "comparison (same machine, same run):"
for op in issue present verify; do
  v="$(figure "$veil_out" ${op}_per_s)"; j="$(figure "$js_out" ${op}_per_s)"
  target=5; [ "$op" = verify ] && target=3
  r="$(ratio "$v" "$j")"
  printf "  %-8s veil %8s/s   sd-jwt-js %8s/s   ratio %6sx   target >= %sx: %s\n" "$op" "$v" "$j" "$r" "$target" \
    "$(verdict "$r" "$target")"
  echo "bench ratio_${op}_vs_sd_jwt_js $r" >>"$veil_out.ratios"
done
bound="$(figure "$veil_out" verify_vs_raw_bound)"
printf "  verify   %s of the raw OpenSSL bound (verify/2)              target >= 0.85: %s\n" "$bound" \
  "$(verdict "$bound" 0.85)"
paired="$(figure "$veil_out" verify_vs_raw_bound_paired)"
printf "  verify   %s of the bound, interleaved 0.1 s slices (median)   target >= 0.85: %s\n" "$paired" \
  "$(verdict "$paired" 0.85)"
cat "$veil_out.ratios"; rm -f "$veil_out.ratios"
