#!/usr/bin/env bash
# The development loop: `cargo leptos watch` rebuilds the server and the WASM on every save,
# restarts the server and reloads the browser (live reload on port 3001). Debug builds, no
# size flags: a change is served in seconds rather than the release's minutes. Split like the
# release: the #[lazy] views import a loader that only exists in a split build (without it
# the page fails to hydrate with "Failed to resolve module specifier
# __wasm_split_placeholder__"). http://127.0.0.1:3000 on SQLite (data/keyward.db) unless
# DATABASE_URL says otherwise; LEPTOS_SITE_ADDR and LEPTOS_RELOAD_PORT move the ports.
#   scripts/dev.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
exec cargo leptos watch --split "$@"
