#!/usr/bin/env bash
# Installs the build tools Bulletin needs, idempotently: every step checks first and skips what is already there.
#
# Why by hand: cargo-leptos would download wasm-bindgen, wasm-opt and sass from GitHub, which is not reachable from
# the build machines, so we build it with `no_downloads` and put exact-version tools on PATH ourselves.
#   - wasm-bindgen-cli must equal the `wasm-bindgen` crate in Cargo.lock (a mismatch breaks the generated JS glue).
#   - wasm-opt comes from the npm package `binaryen` (v132). Debian's binaryen 108 emits a broken wasm: never use it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"                 # project-local npm tools (wasm-opt); git-ignored
CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_VERSION=132.0.0
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' "$ROOT/Cargo.lock")"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

have_version() { # have_version BIN VERSION: BIN is on PATH and prints VERSION
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}

# webauthn-rs (passkeys) verifies signatures with OpenSSL: its -sys crate needs the headers and pkg-config.
if ! pkg-config --exists openssl 2>/dev/null; then
  say "Installing OpenSSL headers and pkg-config from Debian packages (under a minute)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libssl-dev pkg-config >/dev/null
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "Adding the wasm32-unknown-unknown Rust target (under a minute)"
  rustup target add wasm32-unknown-unknown
fi

if ! have_version cargo-leptos "$CARGO_LEPTOS_VERSION"; then
  say "Building cargo-leptos $CARGO_LEPTOS_VERSION from source (one time, about 11 minutes on 2 cores)"
  # Its published lock pins cargo-util-schemas 0.14.2, which needs a newer rustc than ours; 0.14.1 is compatible.
  work="$(mktemp -d)"
  (
    cd "$work"
    cargo new --quiet fetcher && cd fetcher
    cargo add --quiet "cargo-leptos@=$CARGO_LEPTOS_VERSION"
    cargo fetch --quiet
  )
  # `cargo fetch` leaves the crate archive in the registry cache; unpack a private copy we may edit.
  crate="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/cargo-leptos-"$CARGO_LEPTOS_VERSION".crate | head -n1)"
  tar -xzf "$crate" -C "$work"
  src="$work/cargo-leptos-$CARGO_LEPTOS_VERSION"
  (
    cd "$src"
    cargo update --quiet -p cargo-util-schemas --precise 0.14.1
    cargo install --quiet --path . --locked --features no_downloads
  )
  rm -rf "$work"
fi

if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "Cargo.lock names no wasm-bindgen version; run 'cargo generate-lockfile' first" >&2
  exit 1
fi
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  say "Building wasm-bindgen-cli $WASM_BINDGEN_VERSION (one time, about 4 minutes)"
  cargo install --quiet wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

if ! PATH="$TOOLS/node_modules/.bin:$PATH" have_version wasm-opt "version ${BINARYEN_VERSION%%.*}"; then
  say "Installing wasm-opt (npm binaryen $BINARYEN_VERSION) into .tools/ (under a minute)"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION"
fi
