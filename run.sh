#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs Veil's demo.
# Until the services exist (a later issue), the demo is the offline round trip with the three programs: an issuer
# signs a person credential, the holder reveals three of its claims to a verifier, the verifier checks it, and the
# script shows what was revealed and what stayed hidden.
#   ./run.sh              (same as --no-serve for now: there are no services to start yet)
#   ./run.sh --no-serve   runs the demo and exits 0 only if the verifier received exactly the three claims
# VEIL_BUILD_DIR chooses the build directory (default ./build).
set -euo pipefail
cd "$(dirname "$0")"

for arg in "$@"; do
  case "$arg" in
    --no-serve) ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $arg (use --no-serve or --help)" >&2; exit 2 ;;
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

issuer="$build/veil-issuer"
wallet="$build/veil-wallet"
verifier="$build/veil-verifier"
mkdir -p var/demo
demo="$(mktemp -d var/demo/run-XXXXXX)"
iss="https://issuer.example"
vct="https://credentials.example/person"
aud="https://verifier.example"
nonce="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

cat >"$demo/claims.json" <<'JSON'
{
  "given_name": "Erika",
  "family_name": "Mustermann",
  "birthdate": "1964-08-12",
  "email": "erika.mustermann@example.com",
  "nationalities": ["DE", "FR"],
  "address": {"street_address": "Heidestrasse 17", "locality": "Koeln", "postal_code": "51147", "country": "DE"},
  "age_over_18": true,
  "age_over_21": true,
  "age_over_65": false
}
JSON

echo
echo "Veil offline demo (files in $demo/)"
"$issuer" keygen --alg ES256 --kid issuer-key-1 --out "$demo/issuer.jwk"
"$issuer" pubkey --key "$demo/issuer.jwk" >"$demo/issuer.pub.jwk"
echo "  1. issuer   made an ES256 signing key (issuer.jwk, mode 0600) and published its public JWK"
"$wallet" keygen --alg ES256 --out "$demo/holder.jwk"
"$issuer" pubkey --key "$demo/holder.jwk" >"$demo/holder.pub.jwk"
echo "  2. holder   made an ES256 key of its own (holder.jwk, mode 0600) and gave the issuer its public part"
"$issuer" issue --key "$demo/issuer.jwk" --iss "$iss" --vct "$vct" --claims "$demo/claims.json" \
  --holder-jwk "$demo/holder.pub.jwk" --exp 31536000 >"$demo/credential.txt"
disclosures=$(( $(tr -cd '~' <"$demo/credential.txt" | wc -c) - 1 ))
echo "  3. issuer   signed a person credential for the holder: every claim individually disclosable ($disclosures disclosures)"
"$wallet" present --credential "$demo/credential.txt" --holder-key "$demo/holder.jwk" \
  --disclose given_name,age_over_18,address.country --aud "$aud" --nonce "$nonce" >"$demo/presentation.txt"
echo "  4. holder   presents given_name, age_over_18 and address.country to $aud, signed with its key"
status=0
"$verifier" verify --presentation "$demo/presentation.txt" --issuer-jwk "$demo/issuer.pub.jwk" \
  --aud "$aud" --nonce "$nonce" >"$demo/verified.json" || status=$?
if [ "$status" -ne 0 ]; then
  echo "  5. verifier REJECTED the presentation:" >&2
  cat "$demo/verified.json" >&2
  exit 1
fi
echo "  5. verifier checked the issuer signature, every disclosure, and the holder's key binding (aud, nonce, sd_hash)"

# Show what crossed over and what did not: hidden = every claim of the credential minus what the verifier received.
node - "$demo/claims.json" "$demo/verified.json" <<'JS'
const fs = require('fs');
const [claimsFile, verifiedFile] = process.argv.slice(2);
const all = JSON.parse(fs.readFileSync(claimsFile, 'utf8'));
const verified = JSON.parse(fs.readFileSync(verifiedFile, 'utf8'));
const registered = new Set(['iss', 'vct', 'iat', 'exp', 'nbf', 'cnf', 'status', 'sub']);
const leaves = (value, prefix, out) => {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
  return out;
};
const received = leaves(Object.fromEntries(Object.entries(verified.claims).filter(([k]) => !registered.has(k))), '', new Map());
// Array elements are positional: name them by the value the credential holds so hidden ones are listed correctly.
const original = leaves(all, '', new Map());
const revealed = [...received.keys()];
const hidden = [...original.keys()].filter((path) => {
  if (received.has(path)) return false;
  const m = path.match(/^(.*)\.(\d+)$/);
  if (m && Array.isArray(verified.claims[m[1]])) return !verified.claims[m[1]].includes(original.get(path));
  return true;
});
const width = Math.max(...revealed.map((p) => p.length)) + 2;
console.log(`\nThe verifier received (issuer ${verified.iss}):`);
for (const p of revealed) console.log(`  ${p.padEnd(width)}${JSON.stringify(received.get(p))}`);
console.log(`\nStayed hidden on the holder's side (${hidden.length} of ${original.size} claims):`);
const lines = [''];
for (const p of hidden) {
  const last = lines.length - 1;
  if (lines[last].length + p.length > 90) lines.push('');
  lines[lines.length - 1] += (lines[lines.length - 1] ? ', ' : '') + p;
}
lines.forEach((l, i) => console.log(`  ${l}${i < lines.length - 1 ? ',' : ''}`));
const expected = ['given_name', 'age_over_18', 'address.country'];
const exact = revealed.length === expected.length && expected.every((p) => received.has(p));
console.log(exact ? '\nOK: the verifier got exactly the three approved claims and nothing else.'
                  : `\nFAILED: expected exactly ${expected.join(', ')}, got ${revealed.join(', ')}`);
process.exit(exact ? 0 : 1);
JS
