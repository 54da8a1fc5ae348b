# Sourced by the benchmarks that run a whole node (pipeline.sh, logs.sh, live.sh, backfill.sh): each gets its own
# Redis, Cassandra and node ports (for number n: 2n379, 2n042, 2n700, 2n080, 2n558) and data under
# .local/bench-<name>, so benchmarks never touch a running local instance or the tests' services.
# The ports stay below Linux's ephemeral range (32768 and up): there, the services script's probe of a
# port nothing listens on yet can be given that very port as its own and connect to itself, which
# holds the port, so Cassandra then failed to bind it while the probe reported it up.
# Everything started is stopped on exit (BENCH_KEEP=1 keeps it, for a look afterwards).

say() { echo "[bench] $*" >&2; }
. "$repo/deploy/local/node-java.sh"
# The benchmark nodes' admin token (a node refuses one under 32 characters).
bench_admin_token=bench-admin-token-0123456789abcdef

# bench_prepare <name> <port number n (3-5, 7-9; edge.sh takes ports of 6)>: work folder, ports, the jar, clean-up on exit.
bench_prepare() {
  work=$repo/.local/bench-$1
  export VULCAN_LOCAL_DIR=$work VULCAN_REDIS_PORT=2${2}379 VULCAN_CQL_PORT=2${2}042 VULCAN_STORAGE_PORT=2${2}700
  http_port=2${2}080 management_port=2${2}558
  api=http://127.0.0.1:$http_port
  [ -f target/vulcan-tracker.jar ] || mvn -q -B -DskipTests package
  rm -rf "$work" && mkdir -p "$work"
  app_pid=
  trap bench_cleanup EXIT
  [ -n "${BENCH_KEEP:-}" ] && trap - EXIT
  return 0
}

bench_cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  deploy/local/services.sh stop >/dev/null 2>&1 || true
}

# bench_start <heap> [VAR=value ...]: Redis, Cassandra and one node with every role, until ready.
bench_start() {
  deploy/local/services.sh start
  bench_node "$@"
}

# bench_node <heap> [VAR=value ...]: a node with every role on the running services, until ready.
bench_node() {
  local heap=$1
  shift
  env VULCAN_ENV=local VULCAN_ADMIN_TOKEN="$bench_admin_token" VULCAN_HTTP_PORT="$http_port" VULCAN_MANAGEMENT_PORT="$management_port" \
    VULCAN_REMOTE_PORT=0 VULCAN_REDIS_URI="redis://127.0.0.1:$VULCAN_REDIS_PORT" \
    VULCAN_CASSANDRA_CONTACT_POINTS="127.0.0.1:$VULCAN_CQL_PORT" VULCAN_KEYSPACE_PREFIX=bench VULCAN_STREAM_PREFIX=bench VULCAN_SPOOL_DIR="$work/spool" "$@" \
    "$(node_java)" -Xms"$heap" -Xmx"$heap" -XX:NewRatio=1 ${BENCH_JAVA_OPTS:-} -jar target/vulcan-tracker.jar >> "$work/vulcan.log" 2>&1 &
  app_pid=$!
  for ((i = 0; i < 240; i++)); do curl -fs "http://127.0.0.1:$management_port/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -n 30 "$work/vulcan.log" >&2
  say "the node is not ready after 2 minutes"
  exit 1
}

# bench_stop_node: stops the node (its work is persisted and acknowledged), leaving the services running.
bench_stop_node() {
  kill "$app_pid" && wait "$app_pid" 2>/dev/null || true
  app_pid=
}

# bench_site <id>: registers a site (its id is its domain, time zone UTC); prints the admin API's JSON.
bench_site() {
  curl -fs -X POST "$api/api/v1/sites" -H "Authorization: Bearer $bench_admin_token" \
    -d "{\"id\": \"$1\", \"domains\": [\"$1\"], \"timezone\": \"UTC\"}"
}

# json_field <json> <name>: a string field of a flat JSON answer.
json_field() {
  echo "$1" | sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p"
}

# compiler_ticks <pid>: CPU time (1/100 s) the JIT compiler threads of a JVM have used.
compiler_ticks() {
  local task ticks=0
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      C1* | C2*) ticks=$((ticks + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0))) ;;
    esac
  done
  echo "$ticks"
}
# wait_for_compilers: until the JIT compilers of the node and of Cassandra have used under 5 % of a
# core for 5 s (at most 3 minutes). The node's startup (Yauaa builds its parser tables with ANTLR)
# leaves a queue of compilations that kept a core busy well after a warm-up was counted.
wait_for_compilers() {
  local cassandra_pid before after i
  cassandra_pid=$(pgrep -f CassandraDaemon | head -n 1)
  for ((i = 0; i < 36; i++)); do
    before=$(($(compiler_ticks "$app_pid") + $(compiler_ticks "$cassandra_pid")))
    sleep 5
    after=$(($(compiler_ticks "$app_pid") + $(compiler_ticks "$cassandra_pid")))
    [ $((after - before)) -lt 25 ] && { say "compilers idle after $((5 * (i + 1))) s"; return 0; }
  done
  say "compilers still busy after 3 minutes; measuring anyway"
}

# pageviews <site> <report key> <from> <to>: the stats API's count.
pageviews() {
  curl -fs "$api/api/v1/sites/$1/stats/aggregate?period=custom&from=$3&to=$4&metrics=pageviews" \
    -H "Authorization: Bearer $2" | sed -n 's/.*"value":\([0-9]*\).*/\1/p'
}

# import_log <site> <file> <from> <to> [pageviews counted before]: forwards the file to the site
# (registered first if new) and waits until every line it queued as a pageview is counted; sets
# queued, and start, sent and counted_at (seconds since the epoch).
import_log() {
  local site token key out=$work/forward-$1-$(basename "$2").out before=${5:-0}
  site=$(bench_site "$1" || true)
  if [ -n "$site" ]; then
    sleep 3 # every node's site cache has the site
  fi
  site_token=$(cat "$work/site-$1.token" 2>/dev/null || json_field "$site" ingestToken)
  site_key=$(cat "$work/site-$1.key" 2>/dev/null || json_field "$site" reportKey)
  echo "$site_token" > "$work/site-$1.token"
  echo "$site_key" > "$work/site-$1.key"
  start=$(date +%s.%N)
  # The forwarder as README runs it: the quick compiler only, one GC thread (it moves bytes).
  VULCAN_INGEST_TOKEN="$site_token" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar target/vulcan-tracker.jar forward --url "$api/api/v1/beacon/log" --site "$1" \
    ${BENCH_FORWARD_OPTS:-} --file "$2" --state "$work/forward-$1-$(basename "$2").state" 2> >(tee "$out" >&2)
  sent=$(date +%s.%N)
  queued=$(sed -n 's/.* \([0-9]*\) queued as pageviews.*/\1/p' "$out")
  while [ "$(pageviews "$1" "$site_key" "$3" "$4")" != "$((before + queued))" ]; do
    kill -0 "$app_pid" 2>/dev/null || { tail -n 30 "$work/vulcan.log" >&2; say "node died"; exit 1; }
    sleep 0.2
  done
  counted_at=$(date +%s.%N)
}
