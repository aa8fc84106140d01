# The restrictions figure (sourced by bench/run.sh, or run alone: bash bench/restrictions.sh
# after scripts/build-release.sh): forward-auth verification throughput for an unrestricted
# key against a key with scopes, a rate limit too high to trigger and an address list, on one
# server, in alternating rounds so that both meet the same machine. Target: ratio ≥ 0.85.
restrictions_report() {
  local db base=http://127.0.0.1:3220 config="$WORK/restrictions.toml" round free=() fenced=()
  cat >"$config" <<'TOML'
[scopes."orders:read"]
description = "Read orders"
allow = ["GET /orders", "GET /orders/**"]

[scopes."orders:write"]
description = "Create and change orders"
allow = ["POST /orders", "PUT /orders/*", "PATCH /orders/*"]
TOML
  db="$(fresh_db)"
  start_server "$BIN" 3220 "$PG/$db" KEYWARD_CONFIG="$config" KEYWARD_TRUSTED_PROXIES=127.0.0.1/32
  local server=$SERVER
  user_and_key "$base"
  local open_key=$KEY restricted_key
  # A limit of a million a minute: every block is 100,000 uses, so it never triggers here.
  restricted_key="$(curl -fs -b "$WORK/jar" -H 'Content-Type: application/json' -d '{
      "name": "restricted",
      "scopes": ["orders:read", "orders:write"],
      "rateLimit": {"requests": 1000000, "perSeconds": 60},
      "allowedIps": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "2001:db8::/32", "127.0.0.0/8"]
    }' "$base/api/api-keys" | field 'd["fullKey"]')"
  authorize() { # key -> req/s of forward auth for a GET /orders/42 the proxy names
    oha --no-tui --output-format json -z "${SECS}s" -c "$CONC" \
      -H "Authorization: Bearer $1" -H "X-Original-Method: GET" -H "X-Original-URI: /orders/42" \
      "$base/api/v1/authorize" | field '"%.0f" % d["summary"]["requestsPerSec"]'
  }
  # Both keys answer 204 before anything is measured (a refusal would be fast and wrong).
  for key in "$open_key" "$restricted_key"; do
    local status
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
      -H "X-Original-Method: GET" -H "X-Original-URI: /orders/42" "$base/api/v1/authorize")"
    [ "$status" = 204 ] || { echo "authorize answered $status" >&2; exit 1; }
    oha --no-tui -z 2s -c "$CONC" -H "Authorization: Bearer $key" -H "X-Original-Method: GET" \
      -H "X-Original-URI: /orders/42" "$base/api/v1/authorize" >/dev/null
  done
  for round in 1 2 3; do
    free+=("$(authorize "$open_key")")
    fenced+=("$(authorize "$restricted_key")")
  done
  stop_server "$server"
  local median_free median_fenced
  median_free="$(printf '%s\n' "${free[@]}" | sort -n | sed -n 2p)"
  median_fenced="$(printf '%s\n' "${fenced[@]}" | sort -n | sed -n 2p)"
  echo "| forward auth, unrestricted key (3 rounds: ${free[*]}) | median $median_free req/s | |"
  echo "| forward auth, key with 2 scopes, a rate limit and 5 networks (3 rounds: ${fenced[*]}) | median $median_fenced req/s; ratio $(ratio "$median_fenced" "$median_free") | ratio ≥ 0.85 |"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  . scripts/bootstrap.sh --test
  command -v oha >/dev/null || cargo install oha --version 1.16.0 --locked
  SECS="${BENCH_SECONDS:-10}"
  CONC="${BENCH_CONCURRENCY:-32}"
  PG="${KEYWARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
  WORK="$(mktemp -d)"
  PIDS=()
  BIN="${KEYWARD_BIN:-$PWD/target/server/keyward}"
  . bench/lib.sh
  trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true;
        while read -r db; do psql "$PG/postgres" -Xq -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done <"$WORK/databases" 2>/dev/null;
        rm -rf "$WORK"' EXIT
  echo "| measurement | result | target |"
  echo "|---|---|---|"
  restrictions_report
fi
