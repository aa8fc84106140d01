#!/usr/bin/env bash
# Quick start: installs what is missing, then builds and serves Keyward at
# http://127.0.0.1:3000 on the embedded SQLite database (data/keyward.db), no setup needed.
# Set DATABASE_URL=postgres://... to use PostgreSQL instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
# The release that ships (scripts/build-release.sh: split WASM with its size flags, hashed and
# precompressed files), which is also what the browser tests run against. The server reads
# Leptos.toml and finds target/site from here.
bash scripts/build-release.sh
exec target/server/keyward
