#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer harnesses (clang, build-fuzz/, -DVEIL_FUZZ=ON) and runs each for SECONDS
# (default 600), two at a time, on a corpus in build-fuzz/corpus/<harness> seeded from fuzz/corpus/<harness> (the
# source tree is never written). Prints, and writes to build-fuzz/fuzz-summary.md, per harness: runs, exec/s,
# coverage (cov/ft), corpus size before/after, and crashes/leaks/timeouts/OOMs (artifacts in
# build-fuzz/artifacts/<harness>/). Exits non-zero when any harness found something.
#   FUZZ_JOBS=N      harnesses at once (default 2)       FUZZ_ONLY="json dcql"  run only these harnesses
#   FUZZ_NO_BUILD=1  use the existing build
set -euo pipefail

SECONDS_PER=${1:-600}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-fuzz
JOBS=${FUZZ_JOBS:-2}
HARNESSES=(json sd_jwt_compact sd_jwt_json sd_jwt_verify jws jwk disclosure kb_jwt dcql status_list_token
           status_list_inflate authorization_request credential_offer wallet_body issuer_body)
declare -A DICT=([json]=json [sd_jwt_compact]=jwt [sd_jwt_json]=jwt [sd_jwt_verify]=sd_jwt [jws]=jwt [jwk]=jwk
                 [disclosure]=sd_jwt [kb_jwt]=sd_jwt [dcql]=dcql [status_list_token]=status_list
                 [status_list_inflate]="" [authorization_request]=links [credential_offer]=links [wallet_body]=http
                 [issuer_body]=http)
if [[ -n ${FUZZ_ONLY:-} ]]; then read -r -a HARNESSES <<<"$FUZZ_ONLY"; fi

if [[ -z ${FUZZ_NO_BUILD:-} ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DVEIL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  targets=()
  for h in "${HARNESSES[@]}"; do targets+=("fuzz_$h"); done
  # -k 0: a harness whose code does not build right now is reported as "not built", the others still run.
  cmake --build "$BUILD" --target "${targets[@]}" -j2 -- -k 0 || echo "warning: not every harness built" >&2
fi

LOGS=$BUILD/fuzz-logs
mkdir -p "$LOGS" "$BUILD/corpus" "$BUILD/artifacts"

run_one() {
  local h=$1 corpus=$BUILD/corpus/$1 artifacts=$BUILD/artifacts/$1/
  rm -f "$LOGS/$h.log" "$LOGS/$h.rc"
  [[ -x $BUILD/fuzz/fuzz_$h ]] || { echo missing >"$LOGS/$h.rc"; return 0; }
  mkdir -p "$corpus" "$artifacts/previous"
  # Findings of earlier runs are kept aside, so the counts below are this run's.
  find "$artifacts" -maxdepth 1 -type f -exec mv -t "$artifacts/previous" {} +
  cp -Rn "$ROOT/fuzz/corpus/$h/." "$corpus/" 2>/dev/null || true
  ls "$corpus" | wc -l >"$LOGS/$h.before"
  local dict=()
  [[ -n ${DICT[$h]} ]] && dict=(-dict="$ROOT/fuzz/dict/${DICT[$h]}.dict")
  # -fork would keep going after a crash; one process is what the figures below describe.
  "$BUILD/fuzz/fuzz_$h" "$corpus" "${dict[@]}" -max_total_time="$SECONDS_PER" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts" >"$LOGS/$h.log" 2>&1 && echo 0 >"$LOGS/$h.rc" \
    || echo $? >"$LOGS/$h.rc"
}

echo "fuzzing ${#HARNESSES[@]} harnesses for ${SECONDS_PER}s each, $JOBS at a time"
running=0
for h in "${HARNESSES[@]}"; do
  run_one "$h" &
  running=$((running + 1))
  if ((running >= JOBS)); then wait -n; running=$((running - 1)); fi
done
wait

# stat NAME LOG: the value of a -print_final_stats line (stat::number_of_executed_units: 123).
stat() { grep -o "^stat::$1: *[0-9]*" "$2" | tail -1 | grep -o '[0-9]*$' || echo 0; }
summary=$BUILD/fuzz-summary.md
{
  echo "| harness | seconds | runs | exec/s | cov | ft | corpus (before → after) | peak RSS MB | crashes | leaks | timeouts | ooms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary"
failures=0
for h in "${HARNESSES[@]}"; do
  log=$LOGS/$h.log
  if [[ $(cat "$LOGS/$h.rc") == missing ]]; then
    echo "| $h | - | not built | | | | | | | | | |" >>"$summary"
    failures=$((failures + 1))
    continue
  fi
  runs=$(stat number_of_executed_units "$log")
  execs=$(stat average_exec_per_sec "$log")
  rss=$(stat peak_rss_mb "$log")
  last=$(grep -E "^#[0-9]+" "$log" | tail -1 || true)
  cov=$(grep -o "cov: [0-9]*" <<<"$last" | grep -o "[0-9]*" || echo 0)
  ft=$(grep -o "ft: [0-9]*" <<<"$last" | grep -o "[0-9]*" || echo 0)
  before=$(cat "$LOGS/$h.before")
  after=$(ls "$BUILD/corpus/$h" | wc -l)
  crashes=$(ls "$BUILD/artifacts/$h" | grep -c '^crash-' || true)
  leaks=$(ls "$BUILD/artifacts/$h" | grep -c '^leak-' || true)
  timeouts=$(ls "$BUILD/artifacts/$h" | grep -c '^timeout-' || true)
  ooms=$(ls "$BUILD/artifacts/$h" | grep -c '^oom-' || true)
  rc=$(cat "$LOGS/$h.rc")
  if [[ $rc != 0 ]] && ((crashes + leaks + timeouts + ooms == 0)); then crashes="exit $rc"; fi
  [[ $rc != 0 ]] && failures=$((failures + 1))
  echo "| $h | $SECONDS_PER | $runs | $execs | $cov | $ft | $before → $after | $rss | $crashes | $leaks | $timeouts | $ooms |" >>"$summary"
done
cat "$summary"
echo "logs: $LOGS/<harness>.log; summary: $summary"
if ((failures > 0)); then
  echo "FAIL: $failures harness(es) did not build or found a crash, leak, timeout or OOM (reproduce: build-fuzz/fuzz/fuzz_<harness> <artifact>)" >&2
  exit 1
fi
