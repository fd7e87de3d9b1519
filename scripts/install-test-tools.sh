#!/usr/bin/env bash
# Installs what the tests need, idempotently: Debian's Chromium (Playwright cannot download its own browsers
# here), nginx (the load balancer of the cluster test), systemd (systemd-analyze checks deploy/'s units), and the
# Playwright test runner from npm, pinned by end2end/package-lock.json. PostgreSQL is checked (and if need be installed) by scripts/ensure-postgres.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)   # verifies deploy/'s units
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]} from Debian packages (one time, 1-2 minutes)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]; then
  say "Installing the Playwright test runner and axe-core (npm, under a minute)"
  # Browsers come from Debian; never let the package try to download its own.
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
