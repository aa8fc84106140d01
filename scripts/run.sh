#!/usr/bin/env bash
# Quick start: installs what is missing, then builds and serves Keyward at
# http://127.0.0.1:3000 on the embedded SQLite database (data/keyward.db), no setup needed.
# Set DATABASE_URL=postgres://... to use PostgreSQL instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
# --split: the WASM has #[lazy] chunks (dialogs, the key page, the sign-in form), and without
# the split step its imports of them resolve to nothing and the page never hydrates. Release
# mode: this serves the same build the browser tests run against.
exec cargo leptos serve --release --split "$@"
