#!/usr/bin/env bash
# Load and slowloris check of the three Veil services (issue 7), on loopback only:
#   bench/service_load.sh [SECONDS]          (default 60)
# It builds the three programs (Release, in $VEIL_LOAD_BUILD_DIR, default ./build-load; VEIL_LOAD_SKIP_BUILD=1
# uses what is there), then for each service starts it on a free 127.0.0.1 port in a temporary directory, warms
# it up with wrk, records its RSS, runs wrk (a second process, 1 thread, $VEIL_LOAD_CONNECTIONS keep-alive connections, default 16) against its hot endpoint for SECONDS while a
# separate loop checks its health endpoint every second (each check must answer 200 within 1 s), records its RSS
# again, then runs bench/slowloris.mjs (300 connections trickling request-head bytes for 10 s while a legitimate
# request is made every 250 ms; each must answer within 2 s).
#   issuer:   GET /status/1 — the status list token every relying party polls: a SQLite read, the list deflated
#             and signed (ES256) on every request. /nonce is rate limited per address (ATTACKS H12), so from one
#             load generator it would measure 429s; /credential needs a fresh access token per request.
#             Health: GET /.well-known/openid-credential-issuer.
#   wallet:   GET /api/credentials with the api-token, one credential stored. Health: GET /api/status.
#   verifier: POST /v1/verify with a pool of valid presentations (bench/verifier_load.lua). Health: GET /health.
# Bounds (exit 1 if any fails): zero non-2xx answers, zero socket errors, zero health-check misses, RSS at the end
# within 10% of RSS after warm-up, and every legitimate request under slowloris answered within 2 s.
# The table goes to stdout and to $VEIL_LOAD_BUILD_DIR/service-load.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${VEIL_LOAD_BUILD_DIR:-build-load}"
connections="${VEIL_LOAD_CONNECTIONS:-16}"
warmup_seconds=5
slow_connections=300 slow_seconds=10
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for tool in wrk node curl; do
  command -v "$tool" >/dev/null || { echo "service_load.sh: $tool is missing; run scripts/setup.sh first" >&2; exit 1; }
done

if [ "${VEIL_LOAD_SKIP_BUILD:-0}" = 1 ]; then
  echo "using the programs already built in $build/"
else
  echo "building the programs (Release) in $build/ ..."
  # -O2 as the other Release builds; -g changes no code and makes the flags those of RelWithDebInfo, whose
  # objects ccache then shares.
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -g -DNDEBUG" >/dev/null
  cmake --build "$build" -j2 --target veil-issuer veil-wallet veil-verifier >/dev/null
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME PROGRAM ARGS...: runs `PROGRAM serve ARGS` and sets url and pid once it prints its listening line.
start() {
  local name="$1" program="$2"
  shift 2
  "$build/$program" serve --port 0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do grep -q "^listening on" "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
  url="$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/$name.out" | head -1)"
  [ -n "$url" ] || { cat "$work/$name.err" >&2; echo "service_load.sh: $name did not start" >&2; exit 1; }
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# --- set-up: an issuer, a wallet holding one credential from it, and presentations for the verifier ---------
echo "setting up in $work ..."
start issuer veil-issuer --data-dir "$work/issuer" --schemas "$PWD/schemas"
issuer_url="$url" issuer_pid="$pid"
admin_key="$(cat "$work/issuer/admin-api-key")"
printf '{"allow_loopback_http": true, "kdf": "minimum"}\n' >"$work/wallet.json"
printf 'load test passphrase\n' >"$work/passphrase"
chmod 600 "$work/passphrase"
offer="$(curl -sf -X POST "$issuer_url/admin/offers" -H "Authorization: Bearer $admin_key" \
  -H 'Content-Type: application/json' \
  --data @- <<JSON
{"credential_configuration_id": "person", "claims": $(cat schemas/person/example_claims.json)}
JSON
)"
offer_uri="$(node -e 'console.log(JSON.parse(process.argv[1]).offer_uri)' "$offer")"
"$build/veil-wallet" accept "$offer_uri" --yes --data-dir "$work/wallet" --config "$work/wallet.json" \
  --passphrase-file "$work/passphrase" >/dev/null
start wallet veil-wallet --data-dir "$work/wallet" --config "$work/wallet.json" --passphrase-file "$work/passphrase"
wallet_url="$url" wallet_pid="$pid"
wallet_token="$(cat "$work/wallet/api-token")"

# The verifier's workload, as bench/verifier_load.sh makes it: one credential, 3 claims disclosed with a KB-JWT,
# one presentation per nonce.
iss="https://issuer.example" aud="https://verifier.example"
"$build/veil-issuer" keygen --alg ES256 --kid load-issuer --out "$work/issuer.jwk"
"$build/veil-issuer" pubkey --key "$work/issuer.jwk" >"$work/issuer.pub.jwk"
"$build/veil-wallet" keygen --alg ES256 --out "$work/holder.jwk"
"$build/veil-issuer" issue --key "$work/issuer.jwk" --iss "$iss" --vct https://credentials.example/person \
  --claims schemas/person/example_claims.json --holder-jwk "$work/holder.jwk" --exp 86400 >"$work/credential.txt"
node -e '
  const fs = require("fs");
  const jwk = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  fs.writeFileSync(process.argv[2], JSON.stringify({issuers: [{iss: process.argv[3], jwks: {keys: [jwk]}}]}));
' "$work/issuer.pub.jwk" "$work/trust.json" "$iss"
: >"$work/pool.jsonl"
for i in $(seq 1 256); do
  nonce="load-nonce-$i-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  presentation="$("$build/veil-wallet" present --credential "$work/credential.txt" --holder-key "$work/holder.jwk" \
    --disclose given_name,birthdate,address.country --aud "$aud" --nonce "$nonce")"
  printf '{"presentation":"%s","aud":"%s","nonce":"%s"}\n' "$presentation" "$aud" "$nonce" >>"$work/pool.jsonl"
done
start verifier veil-verifier --data-dir "$work/verifier" --trust "$work/trust.json"
verifier_url="$url" verifier_pid="$pid"
verifier_key="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).relying_parties[0].api_key)' \
  "$work/verifier/api-keys.json")"

# --- one service under load --------------------------------------------------------------------------------------
failed=0
rows=()
# measure NAME PID URL HEALTH_PATH AUTH HOT_LABEL WRK_SCRIPT: warm-up, load with health checks, RSS, slowloris.
measure() {
  local name="$1" pid="$2" base="$3" health="$4" auth="$5" label="$6" script="$7"
  local header=()
  [ -n "$auth" ] && header=(-H "Authorization: $auth")
  echo "== $name: $label for ${seconds}s, $connections connections"
  wrk -t1 -c"$connections" -d"${warmup_seconds}s" -s "$script" "$base" >/dev/null
  local rss_warm; rss_warm="$(rss_kib "$pid")"

  # Health checks: one per second, each must be 200 within 1 s.
  : >"$work/$name.health"
  (
    while :; do
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${header[@]}" "$base$health" || true)"
      echo "$code" >>"$work/$name.health"
      sleep 1
    done
  ) &
  local checker=$!
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$script" "$base" >"$work/$name.wrk"
  kill "$checker" 2>/dev/null; wait "$checker" 2>/dev/null || true
  local rss_end; rss_end="$(rss_kib "$pid")"

  local summary; summary="$(grep '^wrk ' "$work/$name.wrk")"
  field() { sed "s/.*$1=\([0-9.]*\).*/\1/" <<<"$summary"; }
  local rps p50 p99 requests invalid non2xx socket_errors
  rps="$(field rps)" p50="$(field p50_ms)" p99="$(field p99_ms)" requests="$(field requests)" invalid="$(field invalid)"
  non2xx="$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$work/$name.wrk")"
  non2xx="$(( ${non2xx:-0} > invalid ? ${non2xx:-0} : invalid ))"
  socket_errors="$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' \
    "$work/$name.wrk" | awk '{print $1 + $2 + $3 + $4}')"
  socket_errors="${socket_errors:-0}"
  local checks misses
  checks="$(wc -l <"$work/$name.health")"
  misses="$(grep -vc '^200$' "$work/$name.health" || true)"
  local drift; drift="$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN {printf "%+.1f", 100 * (b - a) / a}')"

  echo "   slowloris: $slow_connections trickling connections for ${slow_seconds}s ..."
  local slow slow_ok=yes
  slow="$(node bench/slowloris.mjs --url "$base" --path "$health" ${auth:+--header "Authorization: $auth"} \
    --connections "$slow_connections" --seconds "$slow_seconds")" || slow_ok=no
  local slow_max; slow_max="$(sed 's/.*max_ms=\([0-9.]*\).*/\1/' <<<"$slow")"
  local slow_legit; slow_legit="$(sed 's/.*legit=\([0-9]*\) ok=\([0-9]*\).*/\2\/\1/' <<<"$slow")"

  local verdict=ok
  [ "$non2xx" -eq 0 ] || verdict=FAIL
  [ "$socket_errors" -eq 0 ] || verdict=FAIL
  [ "$misses" -eq 0 ] && [ "$checks" -gt 0 ] || verdict=FAIL
  awk -v d="$drift" 'BEGIN {exit (d <= 10 && d >= -10) ? 0 : 1}' || verdict=FAIL
  [ "$slow_ok" = yes ] || verdict=FAIL
  [ "$verdict" = ok ] || failed=1
  echo "   ${summary#wrk } non2xx=$non2xx socket_errors=$socket_errors health=$((checks - misses))/$checks" \
       "rss_kib=$rss_warm->$rss_end ($drift%)"
  echo "   $slow"
  rows+=("| $name | $label | $rps | $p50 | $p99 | $requests | $non2xx | $socket_errors | $misses/$checks | $(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN {printf "%.1f → %.1f", a / 1024, b / 1024}') MiB ($drift%) | $slow_legit in ≤ 2 s, max $slow_max ms | $verdict |")
}

export VEIL_METHOD=GET VEIL_PATH=/status/1 VEIL_AUTHORIZATION=""
measure issuer "$issuer_pid" "$issuer_url" /.well-known/openid-credential-issuer "" "GET /status/1" \
  bench/service_load.lua
export VEIL_PATH=/api/credentials VEIL_AUTHORIZATION="Bearer $wallet_token"
measure wallet "$wallet_pid" "$wallet_url" /api/status "Bearer $wallet_token" "GET /api/credentials" \
  bench/service_load.lua
export VEIL_POOL="$work/pool.jsonl" VEIL_API_KEY="$verifier_key" VEIL_DELAY_MS=0
measure verifier "$verifier_pid" "$verifier_url" /health "" "POST /v1/verify" bench/verifier_load.lua

table="$build/service-load.md"
{
  echo "Veil services under load: bench/service_load.sh $seconds — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores" \
       "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), load average at the start: $load_at_start"
  echo "wrk: 1 thread, $connections keep-alive connections, ${seconds} s after a ${warmup_seconds} s warm-up; health checked every second" \
       "(200 within 1 s); slowloris: $slow_connections connections trickling header bytes for ${slow_seconds} s, a legitimate request every 250 ms."
  echo
  echo "| service | hot endpoint | requests/s | p50 ms | p99 ms | requests | non-2xx | socket errors | health misses | RSS warm → end | slowloris: legitimate requests | verdict |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$table"
echo
cat "$table"
exit "$failed"
