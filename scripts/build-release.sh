#!/usr/bin/env bash
# Builds the release that ships: the server binary and the site (target/site), with the
# WASM split into chunks loaded on demand (the create and regenerate dialogs) and every file
# name content-hashed (hash.txt beside the binary lists the hashes). Then compresses every
# static file once with brotli -q 11, so the server sends `<file>.br` as is instead of
# compressing on every request.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
command -v brotli >/dev/null || apt_install brotli
rm -rf target/site/pkg   # hashed names: drop the files of earlier builds
cargo leptos build --release --split "$@"
find target/site/pkg -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.json' \) |
  while read -r file; do
    brotli -q 11 -f -o "$file.br" "$file"
  done
echo "built $CARGO_TARGET_DIR/release/keyward and target/site" >&2
