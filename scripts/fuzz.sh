#!/usr/bin/env bash
# Property-based fuzzing of the REST API with schemathesis, against the release binary on a fresh database.
#
#   FUZZ_EXAMPLES  examples per operation and phase (default 200; `make test` runs a bounded 50)
#   FUZZ_SEED      the random seed, so a failure can be replayed (default: fixed)
#
# Every operation of /openapi.json is exercised with an admin's token (so moderation goes past its 403): the examples in the document, the
# coverage phase (boundaries and edge values of every schema), random fuzzing, and stateful sequences that follow
# the document's links (create → read → edit → delete). Every check is on: a 5xx, a response that breaks its
# schema, an undeclared status, a valid request refused or an invalid one accepted each fail the run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCHEMATHESIS_VERSION=4.32.5
VENV="$ROOT/.tools/venv"
EXAMPLES="${FUZZ_EXAMPLES:-200}"
SEED="${FUZZ_SEED:-20261126}"
BIN="${BULLETIN_BIN:-$ROOT/target/release/bulletin}"   # the release build, unless told otherwise

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  say "Installing schemathesis $SCHEMATHESIS_VERSION into .tools/venv (PyPI, one time, under a minute)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ -x "$BIN" ] || { echo "$BIN is missing: run make build" >&2; exit 1; }

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/fuzz.db?mode=rwc"
DATABASE_URL="$DATABASE_URL" JWT_SECRET="fuzz-secret-$(date +%s%N)-padding-padding" \
  BCRYPT_COST=4 AUTH_RATE_LIMIT=off LOGIN_FAILURE_LIMIT=off LOGIN_SUCCESS_LIMIT=off PASSKEY_START_LIMIT=off POST_RATE_LIMIT=off COMMENT_RATE_LIMIT=off \
  UPVOTE_RATE_LIMIT=off PROFILE_RATE_LIMIT=off REPORT_RATE_LIMIT=off LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  "$BIN" > "$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
# The member whose token the fuzzer uses (fuzz_hooks.py logs in again whenever the token has been revoked).
export FUZZ_BASE_URL="$base" FUZZ_USERNAME=fuzz_member FUZZ_PASSWORD="fuzzing password $RANDOM"
FUZZ_USER_ID="$(curl -fsS -X POST "$base/auth/register" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$FUZZ_USERNAME\",\"password\":\"$FUZZ_PASSWORD\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["userId"])')"
export FUZZ_USER_ID
# An admin: the moderation operations are then exercised past their 403. Nobody can suspend themselves, and
# fuzz_hooks.py keeps the run from taking its own role away (after making another member admin, it could).
RUST_LOG=warn "$BIN" admin grant "$FUZZ_USERNAME" admin

say "schemathesis: every operation, $EXAMPLES examples each, seed $SEED"
status=0
PYTHONPATH="$ROOT/scripts" SCHEMATHESIS_HOOKS=fuzz_hooks "$VENV/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" \
  run "$base/openapi.json" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$EXAMPLES" \
  --seed "$SEED" \
  --generation-database none \
  --workers 1 \
  --no-color \
  --report ndjson --report-ndjson-path "$ROOT/target/fuzz/events.ndjson" \
  || status=$?
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked during fuzzing:" >&2
  grep -B2 -A10 "panicked" "$work/server.log" >&2
  status=1
fi
exit "$status"
