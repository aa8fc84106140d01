#!/usr/bin/env bash
# Builds the release that ships: the server binary and the site (target/site), with the
# WASM split into chunks loaded on demand (the dialogs and later calls, the key page, the
# sign-in form) and every file name content-hashed (hash.txt beside the binary lists the
# hashes). Then compresses every static file once with brotli -q 11, so the server sends
# `<file>.br` as is instead of compressing on every request.
#   scripts/build-release.sh [--frontend-only | --server-only]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
command -v brotli >/dev/null || apt_install brotli
KW_FRONTEND=1 KW_SERVER=1
for arg in "$@"; do
  case "$arg" in
    --frontend-only) KW_SERVER=0 ;;
    --server-only) KW_FRONTEND=0 ;;
    *) say "unknown option: $arg"; exit 2 ;;
  esac
done

if [ "$KW_FRONTEND" = 1 ]; then
  rm -rf target/site/pkg   # hashed names: drop the files of earlier builds
  # The WASM's size flags stay in this subshell: the server is built as usual.
  (
    . scripts/release-wasm-flags.sh
    cargo leptos build --release --split --frontend-only "${KW_LIB_CARGO_ARGS[@]}"
  )
  find target/site/pkg -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.json' \) |
    while read -r file; do
      brotli -q 11 -f -o "$file.br" "$file"
    done
fi
if [ "$KW_SERVER" = 1 ]; then
  cargo leptos build --release --split --server-only
fi
echo "built $CARGO_TARGET_DIR/release/keyward and target/site" >&2
