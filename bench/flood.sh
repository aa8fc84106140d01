# The flood figure (sourced by bench/run.sh): key verification on instance B for one user's
# key while another account, on instance A, regenerates its key as fast as it is allowed.
# Each regenerate gives the epoch of its key's shard a new value, so every instance must look
# the keys of that shard up again; unlimited, one account kept everyone's hit rate near zero.
# Three runs of the same binary: no flood; a flood under the default limit (100 changes an
# hour); a flood with the limit lifted (what the code allowed before). B's counters (lookups,
# cache hits) come from the line it logs at shutdown.
flood_run() { # label limit flood(0|1) -> one report row
  local label=$1 limit=$2 flood=$3 db a b victim rps p50 p99 refused=0 regenerated=0
  db="$(fresh_db)"
  start_server "$BIN" 3210 "$PG/$db" KEYWARD_KEY_CHANGES_PER_HOUR="$limit"
  a=$SERVER
  start_server "$BIN" 3211 "$PG/$db" KEYWARD_KEY_CHANGES_PER_HOUR="$limit" RUST_LOG=info
  b=$SERVER
  user_and_key "http://127.0.0.1:3211"
  victim=$KEY
  user_and_key "http://127.0.0.1:3210"
  KEY=$victim
  me_load "http://127.0.0.1:3211" -z 2s -c "$CONC" >/dev/null
  if [ "$flood" = 1 ]; then
    python3 bench/write_load.py "http://127.0.0.1:3210" "$COOKIE" 4 "$SECS" regenerate >"$WORK/flood.json" &
    local flooder=$!
  fi
  read -r rps p50 p99 <<<"$(me_load "http://127.0.0.1:3211" -z "${SECS}s" -c "$CONC")"
  if [ "$flood" = 1 ]; then
    wait "$flooder"
    read -r regenerated refused <<<"$(field '"%d %d" % (d[0]["requests"], d[0]["limited"])' <"$WORK/flood.json")"
  fi
  stop_server "$a"
  stop_server "$b"
  local counters
  counters="$(grep -o 'lookups=[0-9]* cache_hits=[0-9]*' "$WORK/server-3211.log" | tail -n 1)"
  local lookups=${counters#lookups=}
  lookups=${lookups%% *}
  local hits=${counters##*cache_hits=}
  echo "| $label | $regenerated regenerated, $refused refused | $rps req/s (p50 $p50 ms, p99 $p99 ms) | $(python3 -c "print('%.1f %%' % (100 * $hits / max($lookups, 1)))") |"
  : >"$WORK/server-3211.log"
}

flood_report() {
  echo "measuring key verification under a regenerate flood…" >&2
  echo "| run | flooding account (4 clients on A) | \`/api/v1/me\` on B, another user's key | B's cache hit rate |"
  echo "|---|---|---|---|"
  flood_run "no flood" 100 0
  flood_run "flood, limit 100 an hour (default)" 100 1
  flood_run "flood, limit lifted (as before)" 100000000 1
}
