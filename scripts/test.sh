#!/usr/bin/env bash
# The whole test suite, from a bare machine: installs what is missing, then runs
#   1. rustfmt and clippy (-D warnings), server and client builds;
#   2. Rust unit tests and the HTTP integration tests against a fresh PostgreSQL database;
#   3. the integration tests again against SQLite;
#   4. the Playwright suite in Chromium against the release that ships (split WASM);
#   5. the README's quick start (scripts/run.sh), served and checked in Chromium;
#   6. the development loop (scripts/dev.sh, cargo leptos watch), served and checked the same way.
# Every database it creates is dropped at the end, pass or fail.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh --test
# Incremental caches help edit-compile loops, not one-shot test runs, and cost gigabytes.
export CARGO_INCREMENTAL=0

PG_BASE="${KEYWARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
RUN_ID="r$(date +%s)$$"
export KEYWARD_TEST_PG_URL="$PG_BASE" KEYWARD_TEST_RUN="$RUN_ID"
E2E_DB="keyward_e2e_${RUN_ID}"

drop_test_databases() {
  psql "$PG_BASE/postgres" -XAtq -c \
    "SELECT datname FROM pg_database WHERE datname LIKE 'keyward_t_${RUN_ID}_%' OR datname = '${E2E_DB}'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && psql "$PG_BASE/postgres" -Xq -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
}

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

# Every runner's output also goes to a log, so the run ends with one total.
LOG="$(mktemp)"
QUICKSTART_DATA_DIR="$(mktemp -d)"
DEV_DATA_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG" "$QUICKSTART_DATA_DIR" "$DEV_DATA_DIR"; drop_test_databases' EXIT
counted() { "$@" 2>&1 | tee -a "$LOG"; }

step "format and lint"
cargo fmt --all --check
# No two modules of src/ may import each other, at any level (README, "Architecture").
python3 scripts/module-cycles.py
python3 scripts/module-docs.py
cargo clippy --all-targets --features ssr -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# --no-fail-fast: one failing test binary must not hide how the others did.
step "Rust unit + integration tests on PostgreSQL"
counted env KEYWARD_TEST_BACKEND=postgres cargo test --workspace --features ssr --no-fail-fast

step "Rust integration tests on SQLite"
counted env KEYWARD_TEST_BACKEND=sqlite cargo test --features ssr --no-fail-fast --test '*'

step "build the release that ships (split WASM, hashed names, precompressed) for the browser tests"
bash scripts/build-release.sh
psql "$PG_BASE/postgres" -Xq -c "CREATE DATABASE \"$E2E_DB\"" >/dev/null

step "Playwright in Chromium"
(
  cd end2end
  KEYWARD_BIN="$PWD/../target/server/keyward" \
  KEYWARD_E2E_DATABASE_URL="$PG_BASE/$E2E_DB" \
  LEPTOS_SITE_ROOT=target/site RUST_LOG="${RUST_LOG:-warn}" \
    counted npx playwright test
)

# The quick start once served pages that never hydrated, and only curl had looked at them.
# On the build above it starts in about a minute; its SQLite file goes to a temporary
# directory (end2end/quickstart.config.ts).
step "the README's quick start in Chromium"
(
  cd end2end
  KEYWARD_QUICKSTART_DATA_DIR="$QUICKSTART_DATA_DIR" counted npx playwright test --config quickstart.config.ts
)
# The development loop builds debug (server and split WASM) and serves with live reload;
# its pages must hydrate as the release's do.
step "the development loop (cargo leptos watch) in Chromium"
(
  cd end2end
  KEYWARD_START=dev KEYWARD_QUICKSTART_DATA_DIR="$DEV_DATA_DIR" counted npx playwright test --config quickstart.config.ts
)
step "all tests passed"
# Rust: "test result: ok. N passed; M failed"; Playwright: "  N passed (12.3s)".
awk '/^test result:/ { rust += $4; failed += $6 }
     /^ +[0-9]+ passed/ { browser += $1 }
     /^ +[0-9]+ failed/ { failed += $1 }
     END { printf "Rust tests: %d, Playwright tests: %d\ntests: %d passed, %d failed\n", rust, browser, rust + browser, failed }' "$LOG"
