#!/usr/bin/env bash
# System tools the test suite drives for real: headless Chromium with its driver (HTML report)
# and shellcheck (actionlint checks the action's shell steps). Debian/Ubuntu packages.
set -euo pipefail
needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v chromedriver >/dev/null 2>&1 || needed+=(chromium-driver)
command -v shellcheck >/dev/null 2>&1 || needed+=(shellcheck)
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
