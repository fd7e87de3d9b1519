#!/usr/bin/env bash
# The tests run every integration test on PostgreSQL as well as SQLite, and need a server that accepts the
# `postgres` user without a password on 127.0.0.1:5432 (or wherever TEST_POSTGRES_URL points).
#   ensure-postgres.sh --check   say how to start one if none answers, and fail (what `make test` does)
#   ensure-postgres.sh           start Debian's cluster, installing it first if need be (what CI does)
set -euo pipefail

URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

answers() {
  # bash's /dev/tcp needs no client tools; the port is what the tests connect to.
  local hostport="${URL#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
  local host="${hostport%%:*}" port="${hostport##*:}"
  [ "$port" = "$hostport" ] && port=5432
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

if answers; then
  exit 0
fi

if [ "${1:-}" = "--check" ]; then
  cat >&2 <<MSG
PostgreSQL is not answering at $URL, and the integration tests run on it as well as on SQLite.
Start one, then run make test again:
  - Debian/Ubuntu:  bash scripts/ensure-postgres.sh   (installs the postgresql package if needed, starts it,
                    and lets the local postgres user in without a password on 127.0.0.1)
  - Docker:         docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16
  - elsewhere:      point TEST_POSTGRES_URL at a server where that user may create databases
MSG
  exit 1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  say "Installing PostgreSQL from Debian packages (one time, about a minute)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
version="$(ls /etc/postgresql | sort -n | tail -1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! $sudo grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
  say "Letting local connections to 127.0.0.1 in without a password (test machine only)"
  $sudo sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
fi
say "Starting PostgreSQL $version"
$sudo pg_ctlcluster "$version" main start 2>/dev/null || $sudo pg_ctlcluster "$version" main reload
for _ in $(seq 1 30); do
  answers && exit 0
  sleep 1
done
echo "PostgreSQL $version did not start; see /var/log/postgresql/" >&2
exit 1
