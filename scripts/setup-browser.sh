#!/usr/bin/env bash
# Installs a headless browser (Debian's chromium) for looking at and testing the wallet's web UI. Separate from
# setup.sh because neither the build nor the test suite needs it yet, and it is large. Idempotent.
set -euo pipefail
if dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then exit 0; fi
sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
