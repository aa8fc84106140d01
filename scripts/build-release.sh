#!/usr/bin/env bash
# Builds the release that ships: the server binary and the site (target/site), with the
# WASM split into chunks loaded on demand (the dialogs and later calls, the key page, the
# sign-in form) and every file name content-hashed (hash.txt beside the binary lists the
# hashes). Then compresses every static file once with brotli -q 11, so the server sends
# `<file>.br` as is instead of compressing on every request.
#
# The binary and hash.txt are copied to target/server/ in this checkout: the cargo target
# directory is shared between checkouts (bootstrap.sh), target/site is not, and a binary run
# beside another checkout's hash.txt would name files this site does not have.
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

# cargo-leptos names the main JS, the main WASM and the split loader by a hash of their
# content taken *before* it writes the hashed names of the other files into them (cargo-leptos
# issue #658, "wasm_split is not re-hashed after chunk hashes are updated", open; PR #653 fixed
# part of it after 0.3.10, the last release that builds on our toolchain) (the JS and
# the WASM import the loader; the loader imports the JS and the chunks), and the loader's text
# varies between builds of the same source. So a name could come back with other content,
# and a browser that kept the old file as immutable would import a loader that no longer
# exists. The three refer to each other, so none can be named by its own final content: they
# are named together, by one hash of all three with those names blanked out. Same length as
# cargo-leptos's hashes, so the WASM's import section keeps its size. The loader's lists of
# shared imports come in a varying order: sorted first, so that unchanged code keeps its
# names and a returning browser its cache.
name_linked_files_by_content() {
  local pkg=target/site/pkg hash_file=target/server/hash.txt js wasm split id
  js="$(awk '$1 == "js:" { print $2 }' "$hash_file")"
  wasm="$(awk '$1 == "wasm:" { print $2 }' "$hash_file")"
  split="$(awk '$1 == "split:" { print $2 }' "$hash_file")"
  local files=("$pkg"/*."$js".js "$pkg"/*."$wasm".wasm "$pkg"/__wasm_split."$split".js)
  for file in "${files[@]}"; do [ -f "$file" ] || { say "missing $file"; exit 1; }; done
  perl -pi -e 's/\{ ([\w, ]+?),\s*\}/"{ " . join(", ", sort split(\/,\s*\/, $1)) . ", }"/ge
    if /initSync\(|Object\.assign\(sharedImports/' "${files[2]}"
  export KW_OLD_JS="$js" KW_OLD_WASM="$wasm" KW_OLD_SPLIT="$split"
  id="$(cat "${files[@]}" |
    perl -pe 's/\Q$ENV{KW_OLD_JS}\E|\Q$ENV{KW_OLD_WASM}\E|\Q$ENV{KW_OLD_SPLIT}\E/-/g' |
    sha256sum | cut -c1-${#js})"
  export KW_NEW="$id"
  for file in "${files[@]}"; do
    perl -pi -e 's/\Q$ENV{KW_OLD_JS}\E|\Q$ENV{KW_OLD_WASM}\E|\Q$ENV{KW_OLD_SPLIT}\E/$ENV{KW_NEW}/g' "$file"
    mv "$file" "$(printf '%s' "$file" | perl -pe 's/\Q$ENV{KW_OLD_JS}\E|\Q$ENV{KW_OLD_WASM}\E|\Q$ENV{KW_OLD_SPLIT}\E/$ENV{KW_NEW}/')"
  done
  perl -pi -e 's/^(js|wasm|split): .*/$1: $ENV{KW_NEW}/' "$hash_file"
  # Every file the JS, the loader and the WASM import must be there.
  grep -aoE '(__wasm_split|keyward|chunk_[0-9]+|split_[a-z_]+)\.[A-Za-z0-9_-]{20,}\.(js|wasm)' \
    "$pkg"/*."$id".js "$pkg"/*."$id".wasm | cut -d: -f2 | sort -u |
    while read -r name; do
      [ -f "$pkg/$name" ] || { say "dangling reference to $name"; exit 1; }
    done
}

# The release WASM's unstable flags (scripts/release-wasm-flags.sh) leave no panic message,
# no source location and no path of the standard library or a dependency in the binary. If a
# toolchain stops honouring one of them, the build still succeeds and ships 20 kB more: so the
# build fails here instead, loudly.
check_release_wasm_flags() {
  local file pattern found=0
  for file in target/site/pkg/*.wasm; do
    for pattern in "library/core/src" "library/alloc/src" "library/std/src" "/.cargo/registry/src" "panicked at"; do
      if grep -qaF "$pattern" "$file"; then
        say "$file contains \"$pattern\": the release WASM flags did not take effect"
        found=1
      fi
    done
  done
  if [ "$found" = 1 ]; then
    say "check scripts/release-wasm-flags.sh against the pinned toolchain (rust-toolchain.toml)"
    exit 1
  fi
}

if [ "$KW_FRONTEND" = 1 ]; then
  rm -rf target/site/pkg   # hashed names: drop the files of earlier builds
  # The WASM's size flags stay in this subshell: the server is built as usual.
  (
    . scripts/release-wasm-flags.sh
    cargo leptos build --release --split --frontend-only "${KW_LIB_CARGO_ARGS[@]}"
  )
  mkdir -p target/server
  cp "$CARGO_TARGET_DIR/release/hash.txt" target/server/hash.txt
  name_linked_files_by_content
  check_release_wasm_flags
  find target/site/pkg -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.json' \) |
    while read -r file; do
      brotli -q 11 -f -o "$file.br" "$file" || exit 1
    done
fi
if [ "$KW_SERVER" = 1 ]; then
  cargo leptos build --release --split --server-only
  mkdir -p target/server
  cp "$CARGO_TARGET_DIR/release/keyward" target/server/keyward
fi
echo "built target/server/keyward (with hash.txt) and target/site" >&2
