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
. "$here/node.sh"
bench_prepare live 5
bench_start 1g VULCAN_RATE_LIMIT_PER_SECOND=0
key=$(json_field "$(bench_site live.example)" reportKey)
sleep 3 # every node's site cache has the site
say "sending $hits beacons at $rate/s while a WebSocket client listens"
node --experimental-websocket --no-warnings "$here/live_latency.mjs" "$api" live.example "$key" "$hits" "$rate" 50
