#!/usr/bin/env bash
# Pipeline benchmark: N anonymized hits (20 sites, 5,000 visitors, a day of timestamps) are put into
# the Redis streams as fast as redis-cli can pipe them, while one node with every role runs; it
# measures how long katric takes from the first entry to the last one persisted, rolled up and
# acknowledged, and prints hits/s. The rate at which Redis alone takes the same entries is printed
# beside it as the baseline of this machine.
#
#   deploy/bench/pipeline.sh [hits (200000)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
hits=${1:-200000}
work=$repo/.local/bench-pipeline
export VULCAN_LOCAL_DIR=$work VULCAN_REDIS_PORT=36379 VULCAN_CQL_PORT=39042 VULCAN_STORAGE_PORT=37000
http_port=38080 management_port=38558
say() { echo "[bench] $*" >&2; }

[ -f target/vulcan-tracker.jar ] || mvn -q -B -DskipTests package
rm -rf "$work" && mkdir -p "$work"
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  deploy/local/services.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
[ -n "${BENCH_KEEP:-}" ] && trap - EXIT
deploy/local/services.sh start
rcli() { redis-cli -p "$VULCAN_REDIS_PORT" "$@"; }

say "generating $hits hits"
python3 "$here/pipeline_hits.py" "$hits" "$work/hits.resp" "$work/baseline.resp"

# The baseline: the same entries into throw-away streams, Redis alone.
start=$(date +%s.%N)
rcli --pipe < "$work/baseline.resp" >/dev/null
baseline=$(awk -v n="$hits" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", n / (e - s)}')
rcli --scan --pattern 'baseline:*' | xargs -r redis-cli -p "$VULCAN_REDIS_PORT" del >/dev/null

VULCAN_ENV=local VULCAN_ADMIN_TOKEN=bench VULCAN_HTTP_PORT=$http_port VULCAN_MANAGEMENT_PORT=$management_port \
VULCAN_REMOTE_PORT=0 VULCAN_REDIS_URI=redis://127.0.0.1:$VULCAN_REDIS_PORT \
VULCAN_CASSANDRA_CONTACT_POINTS=127.0.0.1:$VULCAN_CQL_PORT VULCAN_KEYSPACE_PREFIX=bench VULCAN_STREAM_PREFIX=bench \
  java -Xms2g -Xmx2g ${BENCH_JAVA_OPTS:-} -jar target/vulcan-tracker.jar > "$work/vulcan.log" 2>&1 &
app_pid=$!
for ((i = 0; i < 240; i++)); do curl -fs "http://127.0.0.1:$management_port/ready" >/dev/null 2>&1 && break; sleep 0.5; done
for ((s = 0; s < 20; s++)); do
  curl -fs -X POST "http://127.0.0.1:$http_port/api/v1/sites" -H 'Authorization: Bearer bench' \
    -d "{\"id\": \"site$s.example\", \"domains\": [\"site$s.example\"]}" >/dev/null
done
sleep 3 # every node's site cache has the sites

say "queueing $hits hits while katric runs"
start=$(date +%s.%N)
rcli --pipe < "$work/hits.resp" >/dev/null
queued=$(date +%s.%N)
# One redis-cli call per poll (a process per partition would take CPU from what is measured).
backlog() {
  rcli eval "local t = 0 for i = 0, 15 do t = t + redis.call('XLEN', 'bench:hits:' .. i) end return t" 0
}
while [ "$(backlog)" -gt 0 ]; do
  kill -0 "$app_pid" 2>/dev/null || { tail -n 30 "$work/vulcan.log" >&2; say "node died"; exit 1; }
  sleep 0.2
done
done_at=$(date +%s.%N)
rate=$(awk -v n="$hits" -v s="$start" -v e="$done_at" 'BEGIN {printf "%.0f", n / (e - s)}')
drain=$(awk -v s="$queued" -v e="$done_at" 'BEGIN {printf "%.1f", e - s}')
counted=0
for ((s = 0; s < 20; s++)); do
  key=$(curl -fs "http://127.0.0.1:$http_port/api/v1/sites/site$s.example" -H 'Authorization: Bearer bench' | sed -n 's/.*"reportKey":"\([^"]*\)".*/\1/p')
  pv=$(curl -fs "http://127.0.0.1:$http_port/api/v1/sites/site$s.example/stats/aggregate?period=custom&from=2026-11-20&to=2026-11-20&metrics=pageviews" \
    -H "Authorization: Bearer $key" | sed -n 's/.*"value":\([0-9]*\).*/\1/p')
  counted=$((counted + pv))
done

printf '\nRedis alone (baseline): %s entries/s\n' "$baseline"
printf 'katric, queue to persisted, rolled up and acknowledged: %s hits/s (target >= 20000)\n' "$rate"
printf 'backlog left when the last entry was queued: drained %s s later\n' "$drain"
printf 'pageviews counted: %s of %s hits\n' "$counted" "$hits"
[ "$counted" = "$hits" ] || { say "MISMATCH: not every hit was counted once"; exit 1; }
