#!/usr/bin/env bash
# The README's main command: installs what is missing, builds veil-issuer, veil-wallet and veil-verifier, starts
# them on loopback (ports 8701, 8702, 8703; data under ./var) and walks the narrated demo: an issuer offers a person
# credential, the wallet accepts it, an AI service asks the verifier to prove age_over_18 and the country of
# residence, the holder approves, and the AI service receives exactly those attributes, verified. The services
# then keep running with their URLs printed until Ctrl-C, which stops all three.
#   ./run.sh                 the demo, then the services keep running until Ctrl-C
#   ./run.sh --interactive   the holder approves or declines in the wallet's web UI (a one-time link is printed)
#   ./run.sh --no-serve      stops after the demo; exits 0 only if the AI service received exactly what was approved
# VEIL_BUILD_DIR chooses the build directory (default ./build); VEIL_WALLET_PASSPHRASE the wallet's passphrase
# (default: ./var/wallet-passphrase, created 0600 on the first run). More options: node scripts/demo/demo.mjs --help
set -euo pipefail
cd "$(dirname "$0")"

for arg in "$@"; do
  case "$arg" in
    --interactive|--no-serve) ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $arg (use --interactive, --no-serve or --help)" >&2; exit 2 ;;
  esac
done

build="${VEIL_BUILD_DIR:-build}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

bash scripts/setup.sh
echo "building Veil in $build/ ..."
if ! { cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$build" -j"$(nproc)" --target veil-issuer veil-wallet veil-verifier; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "run.sh: the build failed (full log above)" >&2
  exit 1
fi
rm -f "$log"
trap - EXIT

# exec: Ctrl-C and SIGTERM reach the demo directly, which stops all three services before it exits.
echo
exec node scripts/demo/demo.mjs --bin-dir "$build" --var-dir var "$@"
