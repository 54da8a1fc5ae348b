#!/usr/bin/env bash
# Live-report latency: one node with every role on a real Redis and Cassandra; a WebSocket client
# subscribes to a site's live report while 50 warm-up beacons and then N measured ones (default
# 1,000) are sent at a steady pace (default 20/s); for each, the time from its 204 to the first
# WebSocket update that counts it. The warm-up (the node's first hits) is reported apart.
# Target: p99 <= 500 ms. (A socket gets at most 4 messages a second, by design: that alone allows
# up to 250 ms.)
#
#   deploy/bench/live.sh [hits (1000)] [hits per second (20)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
hits=${1:-1000}
rate=${2:-20}
work=$repo/.local/bench-live
export VULCAN_LOCAL_DIR=$work VULCAN_REDIS_PORT=56379 VULCAN_CQL_PORT=59042 VULCAN_STORAGE_PORT=57000
http_port=58080 management_port=58558
say() { echo "[bench] $*" >&2; }

[ -f target/vulcan-tracker.jar ] || mvn -q -B -DskipTests package
rm -rf "$work" && mkdir -p "$work"
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  deploy/local/services.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
deploy/local/services.sh start
VULCAN_ENV=local VULCAN_ADMIN_TOKEN=bench VULCAN_HTTP_PORT=$http_port VULCAN_MANAGEMENT_PORT=$management_port \
VULCAN_REMOTE_PORT=0 VULCAN_REDIS_URI=redis://127.0.0.1:$VULCAN_REDIS_PORT VULCAN_RATE_LIMIT_PER_SECOND=0 \
VULCAN_CASSANDRA_CONTACT_POINTS=127.0.0.1:$VULCAN_CQL_PORT VULCAN_KEYSPACE_PREFIX=bench VULCAN_STREAM_PREFIX=bench \
  java -Xms1g -Xmx1g ${BENCH_JAVA_OPTS:-} -jar target/vulcan-tracker.jar > "$work/vulcan.log" 2>&1 &
app_pid=$!
for ((i = 0; i < 240; i++)); do curl -fs "http://127.0.0.1:$management_port/ready" >/dev/null 2>&1 && break; sleep 0.5; done
site=$(curl -fs -X POST "http://127.0.0.1:$http_port/api/v1/sites" -H 'Authorization: Bearer bench' \
  -d '{"id": "live.example", "domains": ["live.example"], "timezone": "UTC"}')
key=$(echo "$site" | sed -n 's/.*"reportKey":"\([^"]*\)".*/\1/p')
sleep 3 # every node's site cache has the site
say "sending $hits beacons at $rate/s while a WebSocket client listens"
node --experimental-websocket --no-warnings "$here/live_latency.mjs" "http://127.0.0.1:$http_port" live.example "$key" "$hits" "$rate" 50
