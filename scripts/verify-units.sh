#!/usr/bin/env bash
# Checks deploy/'s systemd units as `make test` does: `systemd-analyze verify` with any complaint an error (it
# exits 0 on unknown keys and bad values, which it only prints), and bulletin.service's hardening scored by
# `systemd-analyze security` (exposure at most 2.5 of 10). The units name /opt/bulletin/bulletin, which verify
# insists exists: a copy of each unit names the freshly built binary instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/target/debug/bulletin}"
[ -x "$BIN" ] || { echo "verify-units: no executable at $BIN (build it first)" >&2; exit 1; }
BIN="$(realpath "$BIN")"   # ExecStart= takes an absolute path
units=(bulletin.service bulletin-backup.service bulletin-backup.timer)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for unit in "${units[@]}"; do
  sed "s|/opt/bulletin/bulletin\\b|$BIN|g" "$ROOT/deploy/$unit" > "$tmp/$unit"
done
cd "$tmp"
complaints="$(systemd-analyze verify "${units[@]/#/./}" 2>&1)" || complaints="${complaints:-systemd-analyze verify failed}"
if [ -n "$complaints" ]; then
  echo "verify-units: systemd-analyze verify complains:" >&2
  echo "$complaints" >&2
  exit 1
fi
systemd-analyze security --offline=yes --threshold=25 ./bulletin.service | tail -1
echo "verify-units: ${units[*]} verify"
