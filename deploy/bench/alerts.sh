#!/usr/bin/env bash
# Alert latency: one node with every role on a real Redis and Cassandra, the rate limiter on; 10
# sites with 20 goal alerts each (count 1, to a webhook served by the benchmark); each firing is one
# event beacon, 4 a second, under background pageviews (default 200/s: public addresses so GeoIP
# runs, six browsers, 300 pages). Prints, for the same hits, the time from the 204 to the webhook
# POST and (baseline) to the live WebSocket update that counts it; the first site's firings (a cold
# node) apart. Target: goal p99 <= 1 s.
#
#   deploy/bench/alerts.sh [sites (10)] [background pageviews per second (200)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
sites=${1:-10}
rate=${2:-200}
. "$here/node.sh"
bench_prepare alerts 9
bench_start 1g VULCAN_TRUSTED_PROXIES=127.0.0.1/32
node --experimental-websocket --no-warnings "$here/alert_latency.mjs" "$api" "$bench_admin_token" "$sites" "$rate"
