#!/usr/bin/env bash
# Installs everything Veil needs to build, test and run from Debian 12's packages. Idempotent: when every
# package is already present it only checks and returns, without touching apt.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config      # toolchain
  libssl-dev                            # OpenSSL 3: ES256, SHA-2, X.509
  libsodium-dev                         # Ed25519, XChaCha20-Poly1305, Argon2id, constant-time compare
  libcpp-httplib-dev                    # HTTP server and client
  nlohmann-json3-dev                    # JSON
  libexpected-dev                       # tl::expected, the base of Result<T>
  libsqlitecpp-dev libsqlite3-dev       # embedded SQLite
  zlib1g-dev                            # Token Status List compression
  catch2                                # unit tests (v2)
  json-schema-test-suite                # the official JSON Schema tests, run against our validator subset
  nodejs npm                            # interop tests against the npm @sd-jwt reference libraries
  wrk                                   # load generator for the verifier benchmark (bench/verifier_load.sh)
)

missing=()
for p in "${packages[@]}"; do
  # A machine image may ship its own node and npm outside dpkg; those serve as well as Debian's.
  if [[ $p == nodejs || $p == npm ]] && command -v node >/dev/null && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the interop tests and the comparison benchmark (tests/interop/package.json).
here="$(cd "$(dirname "$0")/.." && pwd)"
# Each package.json dependency is checked, so that a tree installed before a dependency was added gets it too.
need_npm=0
for module in @sd-jwt/sd-jwt-vc @openid4vc/openid4vci @openid4vc/oauth2; do
  [ -d "$here/tests/interop/node_modules/$module" ] || need_npm=1
done
if [ -f "$here/tests/interop/package.json" ] && [ $need_npm -eq 1 ]; then
  echo "setup: installing npm packages for tests/interop"
  (cd "$here/tests/interop" && npm install --no-audit --no-fund --loglevel=error)
fi
