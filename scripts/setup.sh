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
  sqlite3                               # the fault tests run PRAGMA integrity_check with the sqlite3 shell
  zlib1g-dev                            # Token Status List compression
  catch2                                # unit tests (v2)
  json-schema-test-suite                # the official JSON Schema tests, run against our validator subset
  nodejs npm                            # interop tests against the npm @sd-jwt reference libraries
  ccache                                # lets the several build directories (sanitizers, fuzzing) share objects
  wrk                                   # load generator for the benchmarks and the load tests
  clang libclang-rt-14-dev llvm         # libFuzzer harnesses and the AddressSanitizer/UBSan build (llvm-symbolizer)
  valgrind                              # memcheck over the core tests
  chromium fonts-dejavu-core            # the browser test drives Debian's chromium through playwright-core
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

# npm packages: every tests/*/package.json (interop libraries, the browser driver, the MCP client). A folder is
# (re)installed when a dependency it declares is missing, so a tree installed before a dependency was added gets it.
here="$(cd "$(dirname "$0")/.." && pwd)"
for manifest in "$here"/tests/*/package.json; do
  folder="$(dirname "$manifest")"
  missing_module=$(node -e '
    const fs = require("fs"), path = require("path");
    const folder = process.argv[1];
    const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8")).dependencies || {});
    console.log(deps.find((d) => !fs.existsSync(path.join(folder, "node_modules", d, "package.json"))) || "");
  ' "$folder")
  if [ -n "$missing_module" ]; then
    echo "setup: installing npm packages for ${folder#"$here"/} ($missing_module is missing)"
    (cd "$folder" && npm install --no-audit --no-fund --loglevel=error)
  fi
done
