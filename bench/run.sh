#!/usr/bin/env bash
# Keyward benchmarks. Not part of the timed test suite. Run: bash bench/run.sh
# Builds a release, serves it on a fresh PostgreSQL database, loads it from loopback with oha
# (installed if missing), compares key verification with pgbench doing the same lookup, and
# writes a markdown table to bench/results/<date>.md (also printed).
# Knobs: BENCH_SECONDS (per measurement, default 10), BENCH_CONCURRENCY (default 32).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh --test
command -v oha >/dev/null || cargo install oha --version 1.16.0 --locked
command -v brotli >/dev/null || apt_install brotli

SECS="${BENCH_SECONDS:-10}"
CONC="${BENCH_CONCURRENCY:-32}"
PORT=3200
BASE="http://127.0.0.1:$PORT"
PG="${KEYWARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB="keyward_bench_$$"
WORK="$(mktemp -d)"
OUT="bench/results/$(date +%F).md"

cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  psql "$PG/postgres" -Xq -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building release…" >&2
cargo leptos build --release >&2
BIN="$CARGO_TARGET_DIR/release/keyward"

# --- bundle bytes -----------------------------------------------------------------------
PKG=target/site/pkg
sizes() { # file -> raw gzip brotli
  echo "$(stat -c %s "$1") $(gzip -9c "$1" | wc -c) $(brotli -q 11 -c "$1" | wc -c)"
}
read -r WASM_RAW WASM_GZ WASM_BR <<<"$(sizes $PKG/keyward.wasm)"
read -r JS_RAW JS_GZ JS_BR <<<"$(sizes $PKG/keyward.js)"
read -r CSS_RAW CSS_GZ CSS_BR <<<"$(sizes $PKG/keyward.css)"

# --- server -------------------------------------------------------------------------------
psql "$PG/postgres" -Xq -c "CREATE DATABASE \"$DB\"" >/dev/null
DATABASE_URL="$PG/$DB" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  "$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done

EMAIL="bench-$$@example.com"
PASSWORD="correct horse battery staple"
curl -fs -c "$WORK/jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/register" >"$WORK/user.json"
USER_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"]["id"])' "$WORK/user.json")"
COOKIE="keyward_session=$(awk '$6=="keyward_session"{print $7}' "$WORK/jar")"
KEY="$(curl -fs -b "$WORK/jar" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$BASE/api/api-keys" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["fullKey"])')"
KEY_HASH="$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)"

seed_keys() { # total live keys wanted in the table
  local have want=$1
  have="$(psql "$PG/$DB" -XAtq -c "SELECT count(*) FROM api_keys")"
  [ "$have" -ge "$want" ] && return
  psql "$PG/$DB" -Xq -c "INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, created_at)
    SELECT gen_random_uuid(), '$USER_ID', 'filler-' || g, encode(sha256(('filler' || g)::bytea), 'hex'),
           'pk_live_fill', now()
    FROM generate_series($have, $want - 1) g" >/dev/null
  # Settle the table now, or autovacuum does it in the middle of the next measurement.
  psql "$PG/$DB" -Xq -c "VACUUM ANALYZE api_keys" >/dev/null
}

oha_json() { # extra oha args…  -> JSON summary on stdout
  oha --no-tui --output-format json -H "Authorization: Bearer $KEY" "$@" "$BASE/api/v1/me"
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
measure_me() { # oha args… -> "rps p50 p99 p999" (ms)
  oha_json "$@" | field '"%.0f %.3f %.3f %.3f" % (d["summary"]["requestsPerSec"], d["latencyPercentiles"]["p50"]*1000, d["latencyPercentiles"]["p99"]*1000, d["latencyPercentiles"]["p99.9"]*1000)'
}

echo "warming up…" >&2
oha_json -z 3s -c "$CONC" >/dev/null

seed_keys 1000
read -r RPS_1K P50_1K P99_1K P999_1K <<<"$(measure_me -z "${SECS}s" -c "$CONC")"
HALF=$((RPS_1K / 2))
read -r RPS_HALF P50_HALF P99_HALF P999_HALF <<<"$(measure_me -z "${SECS}s" -c "$CONC" -q "$HALF")"

cat >"$WORK/lookup.sql" <<SQL
SELECT k.id, k.name, k.last_used_at, u.id, u.email FROM api_keys k JOIN users u ON u.id = k.user_id
WHERE k.key_hash = '$KEY_HASH' AND k.deleted_at IS NULL;
SQL
pgbench_tps() {
  pgbench -n -M prepared -c "$CONC" -j 2 -T "$SECS" -f "$WORK/lookup.sql" "$PG/$DB" 2>/dev/null |
    awk '/^tps = /{printf "%.0f", $3}'
}
PGB_1K="$(pgbench_tps)"

seed_keys 100000
oha_json -z 2s -c "$CONC" >/dev/null
read -r RPS_100K P50_100K P99_100K P999_100K <<<"$(measure_me -z "${SECS}s" -c "$CONC")"
PGB_100K="$(pgbench_tps)"
RSS_KB="$(awk '/VmHWM/{print $2}' /proc/$SERVER_PID/status)"

# --- sign-in and its effect on verification latency ---------------------------------------
LOGIN_BODY="{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
LOGIN_RPS="$(oha --no-tui --output-format json -z "${SECS}s" -c 4 -m POST -H 'Content-Type: application/json' \
  -d "$LOGIN_BODY" "$BASE/api/auth/login" | field '"%.1f" % d["summary"]["requestsPerSec"]')"
oha --no-tui --output-format json -z "${SECS}s" -c 4 -m POST -H 'Content-Type: application/json' \
  -d "$LOGIN_BODY" "$BASE/api/auth/login" >/dev/null &
LOGIN_LOAD=$!
sleep 1
read -r RPS_SI P50_SI P99_SI P999_SI <<<"$(measure_me -z "$((SECS - 2))s" -c "$CONC" -q "$HALF")"
wait "$LOGIN_LOAD" || true

# --- create / regenerate ----------------------------------------------------------------
WRITES="$(python3 bench/write_load.py "$BASE" "$COOKIE" 8 "$SECS")"
read -r CREATE_RPS CREATE_P99 REGEN_RPS REGEN_P99 <<<"$(python3 -c "
import json,sys; d=json.loads(sys.argv[1])
print('%.0f %.2f %.0f %.2f' % (d[0]['rps'], d[0]['p99_ms'], d[1]['rps'], d[1]['p99_ms']))" "$WRITES")"

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
INITIAL_BR=$((WASM_BR + JS_BR))
{
  echo "# Keyward benchmarks — $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; server and load generator share it."
  echo "Concurrency $CONC, $SECS s per measurement, PostgreSQL $(psql "$PG/postgres" -XAtq -c 'SHOW server_version')."
  echo
  echo "| measurement | result | target |"
  echo "|---|---|---|"
  echo "| \`GET /api/v1/me\`, 1,000 keys | $RPS_1K req/s; p50 $P50_1K ms, p99 $P99_1K ms, p99.9 $P999_1K ms | |"
  echo "| \`GET /api/v1/me\`, 100,000 keys | $RPS_100K req/s; p50 $P50_100K ms, p99 $P99_100K ms, p99.9 $P999_100K ms | |"
  echo "| throughput 100k / 1k keys | $(ratio "$RPS_100K" "$RPS_1K") | ≥ 0.9 |"
  echo "| pgbench same lookup, 1k / 100k keys | $PGB_1K / $PGB_100K tps | |"
  echo "| server / pgbench (1k keys) | $(ratio "$RPS_1K" "$PGB_1K") | ≥ 0.7 |"
  echo "| server / pgbench (100k keys) | $(ratio "$RPS_100K" "$PGB_100K") | ≥ 0.7 |"
  echo "| p99 at half max ($HALF req/s offered) | $P99_HALF ms (p50 $P50_HALF, p99.9 $P999_HALF) | < 2 ms |"
  echo "| p99 at half max while sign-ins run | $P99_SI ms (p50 $P50_SI) | ≤ 1.5 × $P99_HALF ms |"
  echo "| sign-in throughput (4 clients, argon2id) | $LOGIN_RPS req/s | |"
  echo "| create key (8 clients) | $CREATE_RPS req/s, p99 $CREATE_P99 ms | |"
  echo "| regenerate key (8 clients) | $REGEN_RPS req/s, p99 $REGEN_P99 ms | |"
  echo "| server peak RSS after the verification load | $((RSS_KB / 1024)) MiB | < 64 MiB |"
  echo "| initial WASM (raw / gzip / brotli) | $WASM_RAW / $WASM_GZ / $WASM_BR B | |"
  echo "| initial JS (raw / gzip / brotli) | $JS_RAW / $JS_GZ / $JS_BR B | |"
  echo "| initial WASM + JS, brotli | $INITIAL_BR B | ≤ 150,000 B |"
  echo "| CSS (raw / gzip / brotli) | $CSS_RAW / $CSS_GZ / $CSS_BR B | |"
} | tee "$OUT"
echo "written to $OUT" >&2
