#!/usr/bin/env bash
# The development loop: `cargo leptos watch` rebuilds the server and the WASM on every save,
# restarts the server and reloads the browser (live reload on port 3001). Debug builds, one
# WASM module (no split, no size flags): a change is served in seconds rather than the
# release's minutes. http://127.0.0.1:3000 on SQLite (data/keyward.db) unless DATABASE_URL says
# otherwise; LEPTOS_SITE_ADDR and LEPTOS_RELOAD_PORT move the ports.
#   scripts/dev.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
exec cargo leptos watch "$@"
