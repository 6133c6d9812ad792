#!/usr/bin/env bash
# One-time set-up on a fresh machine: npm packages, and Debian's Chromium for the browser tests
# (Playwright drives /usr/bin/chromium; it never downloads a browser of its own).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
