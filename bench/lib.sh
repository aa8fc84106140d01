# Helpers for bench/run.sh (sourced): databases, servers, load and the counting proxy.
# Expects PG, SECS, CONC, WORK and PIDS from the caller.
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
fresh_db() { # -> name of a new empty database (called in $(…): remembered in a file)
  local db="keyward_bench_$$_$(date +%s%N)"
  psql "$PG/postgres" -Xq -c "CREATE DATABASE \"$db\"" >/dev/null
  echo "$db" >>"$WORK/databases"
  echo "$db"
}
start_server() { # bin port database_url [VAR=value…] -> pid in $SERVER
  local bin=$1 port=$2 url=$3
  shift 3
  env DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
    RUST_LOG=warn KEYWARD_SIGN_UP_MAX_PER_IP=1000000 "$@" "$bin" >>"$WORK/server-$port.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server on $port did not start:" >&2; cat "$WORK/server-$port.log" >&2; exit 1
}
stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# Registers a user on the server at $1 and creates a key; sets EMAIL, USER_ID, COOKIE, KEY.
user_and_key() {
  local base=$1
  EMAIL="bench-$RANDOM$RANDOM@example.com"
  curl -fs -c "$WORK/jar" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery staple\"}" "$base/api/auth/register" >"$WORK/user.json"
  USER_ID="$(field 'd["user"]["id"]' <"$WORK/user.json")"
  COOKIE="$(awk '$6 ~ /keyward_session$/ {print $6 "=" $7}' "$WORK/jar")"
  KEY="$(curl -fs -b "$WORK/jar" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$base/api/api-keys" | field 'd["fullKey"]')"
}
seed_keys() { # database total_live_keys
  local db=$1 want=$2 have
  have="$(psql "$PG/$db" -XAtq -c "SELECT count(*) FROM api_keys")"
  [ "$have" -ge "$want" ] && return
  psql "$PG/$db" -Xq -c "INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, created_at)
    SELECT gen_random_uuid(), '$USER_ID', 'filler-' || g, encode(sha256(('filler' || g)::bytea), 'hex'),
           'pk_live_fill', now()
    FROM generate_series($have, $want - 1) g" >/dev/null
  # Settle the table now, or autovacuum does it in the middle of the next measurement.
  psql "$PG/$db" -Xq -c "VACUUM ANALYZE api_keys" >/dev/null
}
me_load() { # base oha-args… -> "rps p50 p99" (ms)
  local base=$1
  shift
  oha --no-tui --output-format json -H "Authorization: Bearer $KEY" "$@" "$base/api/v1/me" |
    field '"%.0f %.3f %.3f" % (d["summary"]["requestsPerSec"], d["latencyPercentiles"]["p50"]*1000, d["latencyPercentiles"]["p99"]*1000)'
}
pgbench_tps() { # database -> tps of the server's own lookup, over TCP like the server
  local hash
  hash="$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)"
  cat >"$WORK/lookup.sql" <<SQL
SELECT k.id, k.name, k.user_id, u.email, k.last_used_at, k.deleted_at, k.expires_at
FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = '$hash';
SQL
  pgbench -n -M prepared -c "$CONC" -j 2 -T "$SECS" -f "$WORK/lookup.sql" "$PG/$1" 2>/dev/null |
    awk '/^tps = /{printf "%.0f", $3}'
}
pgbench_latency() { # database rate -> "p50 p99" (ms) of the same lookup at a fixed rate: the
  # floor the database and this machine set for the server's latency at that rate. Execution
  # time only (schedule lag taken out), as oha measures without latency correction.
  rm -f "$WORK"/pgb_log*
  pgbench -n -M prepared -c "$CONC" -j 2 -T "$SECS" -R "$2" -l --log-prefix="$WORK/pgb_log" \
    -f "$WORK/lookup.sql" "$PG/$1" >/dev/null 2>&1
  cat "$WORK"/pgb_log* | python3 -c "
import sys
t = sorted((int(f[2]) - int(f[6])) / 1000 for f in (l.split() for l in sys.stdin) if len(f) > 6)
print('%.3f %.3f' % (t[len(t) // 2], t[int(len(t) * 0.99)]))"
}
round_trips() { # bin config [VAR=value…] -> PostgreSQL round trips per verification, through the counting proxy
  local bin=$1 config=$2 db proxy_port=3299 n=5000 before after
  shift 2
  db="$(fresh_db)"
  python3 bench/pg_round_trips.py "$proxy_port" 127.0.0.1 5432 "$WORK/round-trips" &
  PIDS+=("$!")
  local proxy=$!
  sleep 0.5
  start_server "$bin" 3290 "postgres://postgres@127.0.0.1:$proxy_port/$db" KEYWARD_CONFIG="$config" "$@"
  local server=$SERVER
  user_and_key "http://127.0.0.1:3290"
  oha --no-tui -n 200 -c 8 -H "Authorization: Bearer $KEY" "http://127.0.0.1:3290/api/v1/me" >/dev/null
  sleep 1
  before="$(cat "$WORK/round-trips")"
  oha --no-tui -n "$n" -c "$CONC" -H "Authorization: Bearer $KEY" "http://127.0.0.1:3290/api/v1/me" >/dev/null
  sleep 1
  after="$(cat "$WORK/round-trips")"
  stop_server "$server"
  kill "$proxy" 2>/dev/null || true
  python3 -c "print('%.2f' % (($after - $before) / $n))"
}
# Sign-in p99 with 2 clients, alone and while 16 clients register (each registration costs a
# full argon2 hash even when it ends in 409, so one email does).
sign_in_p99() { # base -> "alone during"
  local base=$1 login alone during
  login="{\"email\":\"$EMAIL\",\"password\":\"correct horse battery staple\"}"
  alone="$(oha --no-tui --output-format json -z "${SECS}s" -c 2 -m POST -H 'Content-Type: application/json' \
    -d "$login" "$base/api/auth/login" | field '"%.1f" % (d["latencyPercentiles"]["p99"]*1000)')"
  oha --no-tui -z "$((SECS + 2))s" -c 16 -m POST -H 'Content-Type: application/json' \
    -d '{"email":"burst@example.com","password":"correct horse battery staple"}' "$base/api/auth/register" >/dev/null &
  local burst=$!
  sleep 1
  during="$(oha --no-tui --output-format json -z "${SECS}s" -c 2 -m POST -H 'Content-Type: application/json' \
    -d "$login" "$base/api/auth/login" | field '"%.1f" % (d["latencyPercentiles"]["p99"]*1000)')"
  wait "$burst" || true
  echo "$alone $during"
}

