#!/usr/bin/env bash
# Keyward benchmarks. Not part of the test suite; no test asserts on time.
#   bash bench/run.sh
# Builds the release that ships (scripts/build-release.sh), serves it on fresh PostgreSQL
# databases and loads it from loopback with oha. Prints one markdown report and writes it to
# bench/results/<date>-<commit>.md:
#   - key verification (GET /api/v1/me): PostgreSQL round trips per verification (counted by
#     a proxy), req/s with 1k and 100k keys, pgbench running the same lookup over the same
#     transport (TCP), p50/p99 at full load and at half of it (and pgbench's at that rate),
#     peak RSS; once with the verification cache and once without;
#   - sign-in p99 alone and during a registration burst;
#   - forward auth: req/s through nginx -> Keyward -> upstream against nginx -> upstream;
#   - forward auth for a key with scopes, a rate limit and an address list against an
#     unrestricted key (bench/restrictions.sh);
#   - create/regenerate throughput, and verification while another account floods regenerates
#     (bench/flood.sh);
#   - the first load of /settings/api-keys: every .wasm/.js file (brotli -q 11), the first
#     working click (unthrottled and Fast 3G + 4x CPU), and what a second visit downloads.
# Knobs: BENCH_SECONDS (per measurement, default 10), BENCH_CONCURRENCY (default 32),
# BENCH_BASELINE_BIN (an older server binary: its verification and sign-in figures are
# measured in the same run, for a before/after on the same machine) and
# BENCH_BASELINE_CONFIG (the Leptos.toml it understands).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh --test
command -v oha >/dev/null || cargo install oha --version 1.16.0 --locked
command -v brotli >/dev/null || apt_install brotli

SECS="${BENCH_SECONDS:-10}"
CONC="${BENCH_CONCURRENCY:-32}"
PG="${KEYWARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
WORK="$(mktemp -d)"
OUT="bench/results/$(date +%F)-$(git rev-parse --short HEAD).md"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  while read -r db; do
    psql "$PG/postgres" -Xq -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done <"$WORK/databases" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building the release…" >&2
bash scripts/build-release.sh >&2
BIN="$PWD/target/server/keyward"

. bench/lib.sh
. bench/flood.sh
. bench/restrictions.sh

# --- key verification, for this build and (optionally) a baseline ----------------------
verification() { # label bin config [VAR=value…] -> appends report rows to $WORK/verification.md
  local label=$1 bin=$2 config=$3 db base=http://127.0.0.1:3200
  shift 3
  echo "measuring key verification: $label…" >&2
  local trips
  trips="$(round_trips "$bin" "$config" "$@")"
  db="$(fresh_db)"
  start_server "$bin" 3200 "$PG/$db" KEYWARD_CONFIG="$config" "$@"
  local server=$SERVER
  user_and_key "$base"
  me_load "$base" -z 3s -c "$CONC" >/dev/null
  seed_keys "$db" 1000
  read -r rps_1k p50_1k p99_1k <<<"$(me_load "$base" -z "${SECS}s" -c "$CONC")"
  local half=$((rps_1k / 2))
  read -r rps_half p50_half p99_half <<<"$(me_load "$base" -z "${SECS}s" -c "$CONC" -q "$half")"
  local pgb_1k pgb_half_p50 pgb_half_p99
  pgb_1k="$(pgbench_tps "$db")"
  read -r pgb_half_p50 pgb_half_p99 <<<"$(pgbench_latency "$db" "$half")"
  seed_keys "$db" 100000
  me_load "$base" -z 2s -c "$CONC" >/dev/null
  read -r rps_100k p50_100k p99_100k <<<"$(me_load "$base" -z "${SECS}s" -c "$CONC")"
  local pgb_100k rss
  pgb_100k="$(pgbench_tps "$db")"
  rss="$(awk '/VmHWM/{print int($2 / 1024)}' "/proc/$server/status")"
  read -r signin_alone signin_burst <<<"$(sign_in_p99 "$base")"
  stop_server "$server"
  {
    echo "| $label: round trips per verification | $trips | ≤ 1 |"
    echo "| $label: \`/api/v1/me\`, 1,000 keys | $rps_1k req/s (p50 $p50_1k ms, p99 $p99_1k ms); pgbench $pgb_1k tps; ratio $(ratio "$rps_1k" "$pgb_1k") | ratio ≥ 0.7 |"
    echo "| $label: \`/api/v1/me\`, 100,000 keys | $rps_100k req/s (p50 $p50_100k ms, p99 $p99_100k ms); pgbench $pgb_100k tps; ratio $(ratio "$rps_100k" "$pgb_100k") | ratio ≥ 0.7 |"
    echo "| $label: p99 at half load ($half req/s offered) | $p99_half ms (p50 $p50_half ms); pgbench at the same rate: p99 $pgb_half_p99 ms (p50 $pgb_half_p50 ms) | < 2 ms |"
    echo "| $label: peak RSS | $rss MiB | < 64 MiB |"
    echo "| $label: sign-in p99, alone / during a registration burst | $signin_alone ms / $signin_burst ms | |"
  } | tee -a "$WORK/verification.md" >&2
}

: >"$WORK/verification.md"
verification "this build" "$BIN" "$PWD/Leptos.toml"
# The same binary without its verification cache: the lever's before and after in one run.
verification "this build, cache off" "$BIN" "$PWD/Leptos.toml" KEYWARD_KEY_LOOKUP_CACHE=false
if [ -n "${BENCH_BASELINE_BIN:-}" ]; then
  verification "baseline" "$BENCH_BASELINE_BIN" "${BENCH_BASELINE_CONFIG:-/dev/null}"
fi

flood_report >"$WORK/flood.md"
echo "measuring restricted against unrestricted keys…" >&2
restrictions_report >"$WORK/restrictions.md"

# --- forward auth through nginx ---------------------------------------------------------
echo "measuring forward auth through nginx…" >&2
DB="$(fresh_db)"
# The per-user limit on key changes is lifted here: the create/regenerate figures below are
# the server's own write throughput (bench/flood.sh measures the limit).
start_server "$BIN" 3200 "$PG/$DB" KEYWARD_TRUSTED_PROXIES=127.0.0.1/32 KEYWARD_KEY_CHANGES_PER_HOUR=100000000
FA_SERVER=$SERVER
user_and_key "http://127.0.0.1:3200"
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<NGINX
daemon off;
master_process off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    upstream keyward { server 127.0.0.1:3200; keepalive 64; }
    upstream my_api { server 127.0.0.1:3282; keepalive 64; }
    server { listen 127.0.0.1:3282; location / { return 200 'ok'; } }
    server {
        listen 127.0.0.1:3281;
        include $PWD/deploy/nginx/keyward-forward-auth.conf;
        location /protected { include $PWD/deploy/nginx/keyward-protect.conf; proxy_pass http://my_api; proxy_http_version 1.1; proxy_set_header Connection ""; }
        location /open { proxy_pass http://my_api; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
NGINX
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=("$!")
sleep 0.5
rps_of() { oha --no-tui --output-format json -z "${SECS}s" -c "$CONC" "$@" | field '"%.0f" % d["summary"]["requestsPerSec"]'; }
oha --no-tui -z 2s -c "$CONC" -H "Authorization: Bearer $KEY" "http://127.0.0.1:3281/protected" >/dev/null
FA_OPEN="$(rps_of "http://127.0.0.1:3281/open")"
# Where the two cores go during the protected run: what a forward-auth hop costs, and who
# pays. Sampled while the load generator still runs, so that it is counted too.
python3 bench/cpu_by_process.py >"$WORK/cpu-before.json"
(sleep "$((SECS - 1))"; python3 bench/cpu_by_process.py "$WORK/cpu-before.json" >"$WORK/cpu.txt") &
FA_PROTECTED="$(rps_of -H "Authorization: Bearer $KEY" "http://127.0.0.1:3281/protected")"
wait "$!"
FA_CPU="$(cat "$WORK/cpu.txt")"

# --- create / regenerate -----------------------------------------------------------------
WRITES="$(python3 bench/write_load.py "http://127.0.0.1:3200" "$COOKIE" 8 "$SECS")"
read -r CREATE_RPS CREATE_P99 REGEN_RPS REGEN_P99 <<<"$(python3 -c "
import json,sys; d=json.loads(sys.argv[1])
print('%.0f %.2f %.0f %.2f' % (d[0]['rps'], d[0]['p99_ms'], d[1]['rps'], d[1]['p99_ms']))" "$WRITES")"
# The create phase has just put thousands of keys in a table autovacuum has not analysed yet;
# measure regenerate again once it has statistics (see README, "Benchmarks").
psql "$PG/$DB" -Xq -c "ANALYZE api_keys" >/dev/null
read -r REGEN_ANALYZED_RPS REGEN_ANALYZED_P99 <<<"$(python3 bench/write_load.py "http://127.0.0.1:3200" "$COOKIE" 8 "$SECS" | python3 -c "
import json,sys; d=json.load(sys.stdin)
print('%.0f %.2f' % (d[1]['rps'], d[1]['p99_ms']))")"

# --- the first load in a browser ---------------------------------------------------------
echo "measuring the first load in Chromium…" >&2
node bench/first_load.mjs "http://127.0.0.1:3200" >"$WORK/first_load.json"
stop_server "$FA_SERVER"
FIRST_LOAD_TABLE="$(python3 - "$WORK/first_load.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows, total = [], 0
for f in sorted(d["files"], key=lambda f: -f["brotli"]):
    total += f["brotli"]
    rows.append(f"| `{f['file']}` | {f['raw']:,} | {f['brotli']:,} |")
print("| file | raw bytes | brotli -q 11 |")
print("|---|---|---|")
print("\n".join(rows))
print(f"| **total ({len(d['files'])} files)** | {sum(f['raw'] for f in d['files']):,} | **{total:,}** |")
print()
click = lambda xs: " / ".join(f"{x} ms" for x in xs)
print(f"First working click on Create Key (navigation to open dialog): unthrottled {click(d['firstClickMs'])}; "
      f"Fast 3G + 4x CPU {click(d['firstClickThrottledMs'])}.")
second = d["secondVisitFromNetwork"]
print(f"Second visit: {len(second)} .wasm/.js files from the network{(': ' + ', '.join(second)) if second else ''}.")
PY
)"

{
  echo "# Keyward benchmarks — $(date -u +'%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, shared by the server, PostgreSQL,"
  echo "nginx and the load generator. Concurrency $CONC, $SECS s per measurement,"
  echo "PostgreSQL $(psql "$PG/postgres" -XAtq -c 'SHOW server_version'), server and pgbench over TCP."
  echo
  echo "| measurement | result | target |"
  echo "|---|---|---|"
  cat "$WORK/verification.md"
  echo "| forward auth: nginx → Keyward → upstream / nginx → upstream | $FA_PROTECTED / $FA_OPEN req/s; ratio $(ratio "$FA_PROTECTED" "$FA_OPEN") | ≥ 0.5 |"
  echo "| create key (8 clients) | $CREATE_RPS req/s, p99 $CREATE_P99 ms | |"
  echo "| regenerate key (8 clients), table not yet analysed | $REGEN_RPS req/s, p99 $REGEN_P99 ms | |"
  echo "| regenerate key (8 clients), after ANALYZE | $REGEN_ANALYZED_RPS req/s, p99 $REGEN_ANALYZED_P99 ms | |"
  echo
  echo "CPU during the forward-auth run (share of both cores, by process): $FA_CPU."
  echo
  echo "## Restricted keys: forward auth with and without scopes, a rate limit and an address list"
  echo
  echo "| measurement | result | target |"
  echo "|---|---|---|"
  cat "$WORK/restrictions.md"
  echo
  echo "## Verification while another account regenerates as fast as it may"
  echo
  cat "$WORK/flood.md"
  echo
  echo "## First load of /settings/api-keys (signed in; .wasm and .js until network idle + 1.5 s)"
  echo
  echo "$FIRST_LOAD_TABLE"
  echo
  echo "Target: ≤ 150,000 B brotli (stretch ≤ 120,000 B)."
} | tee "$OUT"
echo "written to $OUT" >&2
