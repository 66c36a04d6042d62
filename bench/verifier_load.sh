#!/usr/bin/env bash
# Load benchmark of `veil-verifier serve` (issue 5): POST /v1/verify under keep-alive load from wrk (a second
# process) with a pool of valid presentations, measured side by side with `veil-verifier verify --batch
# --threads 2` on the same presentations. Prints, per round and as medians:
#   the CLI's verifications/s, the service's requests/s at full load (p50/p99, errors, rejected answers),
#   p50/p99 at half the measured maximum rate, and the service's RSS before and after.
# Targets: service >= 70% of the CLI, p99 < 10 ms at 50% of the maximum rate, zero errors.
#   bench/verifier_load.sh [--rounds N] [--seconds S] [--pool N]     (defaults: 3 rounds, 10 s, 256 presentations)
# VEIL_BENCH_BUILD_DIR chooses the build directory (default ./build-bench). Load only ever targets 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${VEIL_BENCH_BUILD_DIR:-build-bench}"
rounds=3 seconds=10 pool_size=256
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --pool) pool_size="$2"; shift 2 ;;
    *) echo "verifier_load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "verifier_load.sh: wrk is missing; run scripts/setup.sh first" >&2; exit 1; }

echo "building the programs (Release) in $build/ ..."
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target veil-issuer veil-wallet veil-verifier >/dev/null

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The workload: the person credential of the README demo, 3 of its claims disclosed with a KB-JWT, one
# presentation per nonce.
iss="https://issuer.example" aud="https://verifier.example"
"$build/veil-issuer" keygen --alg ES256 --kid bench-issuer --out "$work/issuer.jwk"
"$build/veil-issuer" pubkey --key "$work/issuer.jwk" >"$work/issuer.pub.jwk"
"$build/veil-wallet" keygen --alg ES256 --out "$work/holder.jwk"
cat >"$work/claims.json" <<'JSON'
{"given_name": "Erika", "family_name": "Mustermann", "birthdate": "1964-08-12",
 "email": "erika.mustermann@example.com", "nationalities": ["DE", "FR"],
 "address": {"street_address": "Heidestrasse 17", "locality": "Koeln", "postal_code": "51147", "country": "DE"},
 "age_over_18": true, "age_over_21": true, "age_over_65": false}
JSON
"$build/veil-issuer" issue --key "$work/issuer.jwk" --iss "$iss" --vct https://credentials.example/person \
  --claims "$work/claims.json" --holder-jwk "$work/holder.jwk" --exp 86400 >"$work/credential.txt"
node -e '
  const fs = require("fs");
  const jwk = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  fs.writeFileSync(process.argv[2], JSON.stringify({issuers: [{iss: process.argv[3], jwks: {keys: [jwk]}}]}));
' "$work/issuer.pub.jwk" "$work/trust.json" "$iss"
echo "making $pool_size presentations ..."
: >"$work/pool.jsonl"
for i in $(seq 1 "$pool_size"); do
  nonce="bench-nonce-$i-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  presentation="$("$build/veil-wallet" present --credential "$work/credential.txt" --holder-key "$work/holder.jwk" \
    --disclose given_name,age_over_18,address.country --aud "$aud" --nonce "$nonce")"
  printf '{"presentation":"%s","aud":"%s","nonce":"%s"}\n' "$presentation" "$aud" "$nonce" >>"$work/pool.jsonl"
done
# The CLI batch: the pool repeated to about 40000 lines, so start-up is noise.
repeat=$(( (40000 + pool_size - 1) / pool_size ))
for _ in $(seq 1 "$repeat"); do cat "$work/pool.jsonl"; done >"$work/batch.jsonl"
batch_lines=$(wc -l <"$work/batch.jsonl")

"$build/veil-verifier" serve --port 0 --data-dir "$work/verifier" --trust "$work/trust.json" \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$work/serve.out" | head -1)"
[ -n "$url" ] || { cat "$work/serve.err" >&2; echo "verifier_load.sh: the verifier did not start" >&2; exit 1; }
api_key="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).relying_parties[0].api_key)' \
  "$work/verifier/api-keys.json")"
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
rss_before="$(rss_kib)"

export VEIL_POOL="$work/pool.jsonl" VEIL_API_KEY="$api_key"
connections=8   # the server's worker threads: a kept-alive connection holds one
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "service $url, $connections keep-alive connections from wrk (1 thread), ${seconds}s per run, $rounds rounds"
: >"$work/results"
for round in $(seq 1 "$rounds"); do
  start=$(date +%s.%N)
  "$build/veil-verifier" verify --batch "$work/batch.jsonl" --threads 2 --trust "$work/trust.json" >"$work/batch.out"
  end=$(date +%s.%N)
  cli_rate=$(awk -v n="$batch_lines" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
  valid=$(grep -c '"valid": *true' "$work/batch.out" || true)
  [ "$valid" -eq "$batch_lines" ] || { echo "verifier_load.sh: the CLI rejected $((batch_lines - valid)) presentations" >&2; exit 1; }

  full="$(VEIL_DELAY_MS=0 wrk -t1 -c"$connections" -d"${seconds}s" -s bench/verifier_load.lua "$url" | grep '^wrk ')"
  rps=$(sed 's/.*rps=\([0-9]*\).*/\1/' <<<"$full")
  # Half the maximum rate: each connection pauses so that together they send rps/2 requests per second.
  delay_ms=$(awk -v c="$connections" -v r="$rps" 'BEGIN {printf "%d", c * 1000 / (r / 2)}')
  half="$(VEIL_DELAY_MS="$delay_ms" wrk -t1 -c"$connections" -d"${seconds}s" -s bench/verifier_load.lua "$url" | grep '^wrk ')"
  echo "round $round: cli_verify_per_s=$cli_rate | full load: ${full#wrk } | half load (delay ${delay_ms} ms): ${half#wrk }"
  echo "$cli_rate $full | $half" >>"$work/results"
done
rss_after="$(rss_kib)"

field() { sed "s/.*$1=\([0-9.]*\).*/\1/"; }
cli=$(awk '{print $1}' "$work/results" | median)
rps=$(cut -d'|' -f1 "$work/results" | field rps | median)
p99_full=$(cut -d'|' -f1 "$work/results" | field p99_ms | median)
half_rps=$(cut -d'|' -f2 "$work/results" | field rps | median)
p50_half=$(cut -d'|' -f2 "$work/results" | field p50_ms | median)
p99_half=$(cut -d'|' -f2 "$work/results" | field p99_ms | median)
errors=$(grep -o 'errors=[0-9]*' "$work/results" | cut -d= -f2 | awk '{s += $1} END {print s + 0}')
rejected=$(grep -o 'invalid=[0-9]*' "$work/results" | cut -d= -f2 | awk '{s += $1} END {print s + 0}')
echo
echo "medians over $rounds rounds:"
echo "  veil-verifier verify --batch --threads 2: $cli verifications/s"
echo "  POST /v1/verify at full load:            $rps requests/s (p99 $p99_full ms) = $(awk -v a="$rps" -v b="$cli" 'BEGIN {printf "%.1f", 100 * a / b}')% of the CLI (target >= 70%)"
echo "  POST /v1/verify at about half load:      $half_rps requests/s ($(awk -v a="$half_rps" -v b="$rps" 'BEGIN {printf "%.0f", 100 * a / b}')% of the maximum; wrk pauses in whole ms), p50 $p50_half ms, p99 $p99_half ms (target p99 < 10 ms)"
echo "  errors $errors, rejected answers $rejected (target 0 and 0)"
echo "  verifier RSS: $rss_before KiB before, $rss_after KiB after"
