#!/usr/bin/env bash
# Edge benchmark: GET /api/v1/beacon on Vulcan Tracker (beacon role, real Redis) against nginx
# answering `return 204` on the same machine, both driven by wrk the same way in the same run, with
# the same requests: beacons of 50,000 people on public addresses (X-Forwarded-For from a trusted
# proxy, so GeoIP runs and the rate limiter, on at its defaults, keeps a bucket per person), 30
# browsers' User-Agents, 300 pages, varied referrers (edge_requests.py writes the wrk script).
# Prints req/s, p50/p99 latency of each and the ratio, cold (the first 10 s of each, Vulcan's JVM
# fresh) and warm, the CPU the node and Redis spend per request, and checks that every 204 is in Redis.
# The two take turns, three runs each, and the median run of each counts: on a shared two-core
# machine one run of either can be off by a fifth.
# After each Vulcan run its entries are counted and removed, as the consumers' acknowledgements
# would remove them (PartitionReader deletes what it has acked): left to pile up to millions,
# they made Redis rewrite its append-only file from a dataset no deployment holds, and that
# rewrite alone took a third of a core away from the two under test.
#
# What the edge costs here (profiles of earlier runs; the README has the current figures): the
# beacon path runs on the front's Netty event loops, which read the request, authorize, hash and
# encode the hit, send its XADD on the loop's own Redis connection, and answer when Redis has. Per
# request, in CPU time: the node 13-14 us on io_uring against 20-24 us on epoll, Redis 6-7 us, wrk
# 14 us. The difference is system calls: on epoll 44 % of the node's CPU went to writing the
# answers (a sendto each, in which the kernel also delivers the bytes to wrk's socket on loopback)
# and 12 % to reading the requests; io_uring submits a round of reads and writes in one call. Of
# the rest, the hit's JSON and the visitor ids' HMACs take about 4 % each. With one loop a fifth of
# a core stays idle (the loop, Redis and wrk wait on each other); a second loop
# (BENCH_FRONT_THREADS=2) fills it but splits Redis's batches, and Redis then costs more than the
# loop gains (0.55 against 0.60 in the same session). Pekko HTTP alone answered about 25k req/s for
# an empty 404 here (0.17 of nginx), which is why the hot path does not go through it. A Lua
# script adding a round's hits in one call cost Redis twice the CPU per hit of plain XADDs. Netty's
# HttpServerCodec in place of the hand-written head reader: 37k against 80k req/s for a bare 204.
# On a later machine with slower cores the node took 28-32 us a request, Redis 6 us, and the same
# code's ratio fell from 0.52 to 0.37: the front thread was 80 % busy, four fifths of it in Java
# (rate limiter and the hit's JSON about 8 % each, the visitor ids' HMACs 6 %), while nginx's work,
# mostly the kernel's, went about as fast as before.
#
#   deploy/bench/edge.sh [seconds per run (10)] [connections (64)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
seconds=${1:-10}
connections=${2:-64}
work=$repo/.local/bench-edge
bench_admin_token=bench-admin-token-0123456789abcdef # a node refuses an admin token under 32 characters
export VULCAN_LOCAL_DIR=$work VULCAN_REDIS_PORT=26379 VULCAN_CQL_PORT=29042 VULCAN_STORAGE_PORT=27000
http_port=28080 management_port=28558 nginx_port=28081

say() { echo "[bench] $*" >&2; }
. "$repo/deploy/local/node-java.sh"
need() {
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || { say "$1 is missing; install Debian's $2"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need wrk wrk
need nginx nginx-light

[ -f target/vulcan-tracker.jar ] || mvn -q -B -DskipTests package
rm -rf "$work" && mkdir -p "$work/nginx"
app_pid= nginx_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  deploy/local/services.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
deploy/local/services.sh start
[ -n "${BENCH_KEEP:-}" ] && trap - EXIT

cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$nginx_port; location / { return 204; } }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

# One event loop for the front: of the two cores, wrk takes more than half of one and Redis a
# third, and a second loop only added switching between threads and smaller batches for Redis
# (on io_uring: 41.9k req/s with two loops, Redis 0.43 of a core, against 46.6k and 0.31 with
# one; on epoll 25-29 us of node CPU per request against 20-24 us). Its default is a loop per core.
# The whole load goes to one site, past its default budget (vulcan.beacon.site-budget, 10k hits/s):
# the budget is off so that what is measured is the edge's work per beacon, not 429s; the
# per-client rate limit stays on.
VULCAN_BEACON_FRONT_THREADS=${BENCH_FRONT_THREADS:-1} VULCAN_SITE_BUDGET_PER_SECOND=0 \
VULCAN_ROLES=beacon,scuttlebutt VULCAN_ENV=local VULCAN_ADMIN_TOKEN="$bench_admin_token" \
VULCAN_HTTP_PORT=$http_port VULCAN_MANAGEMENT_PORT=$management_port VULCAN_REMOTE_PORT=0 \
VULCAN_REDIS_URI=redis://127.0.0.1:$VULCAN_REDIS_PORT VULCAN_CASSANDRA_CONTACT_POINTS=127.0.0.1:$VULCAN_CQL_PORT \
VULCAN_KEYSPACE_PREFIX=bench VULCAN_STREAM_PREFIX=bench VULCAN_TRUSTED_PROXIES=127.0.0.1/32 VULCAN_SPOOL_DIR="$work/spool" \
  "$(node_java)" -Xms1g -Xmx1g -XX:NewRatio=1 ${BENCH_JAVA_OPTS:-} -jar target/vulcan-tracker.jar > "$work/vulcan.log" 2>&1 &
app_pid=$!
for ((i = 0; i < 240; i++)); do curl -fs "http://127.0.0.1:$management_port/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs -X POST "http://127.0.0.1:$http_port/api/v1/sites" -H "Authorization: Bearer $bench_admin_token" \
  -d '{"id": "bench.example", "domains": ["bench.example"]}' >/dev/null
python3 "$here/edge_requests.py" bench.example "$work/requests.lua"
beacon="http://127.0.0.1:$http_port/"

run() { wrk -t2 -c"$connections" -d"$1"s --latency -s "$work/requests.lua" "$2"; }
# wrk's figures: Requests/sec, and the 50% and 99% lines of the latency distribution.
rate() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' <<<"$1"; }
total() { awk '/requests in/ {print $1}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {n = $5} END {print n + 0}' <<<"$1"; }

say "cold: 10 s of each on the fresh node, then warming up (the JVM compiles its hot paths meanwhile)"
nginx_cold=$(run 10 "http://127.0.0.1:$nginx_port/")
vulcan_cold=$(run 10 "$beacon")
run 20 "$beacon" >/dev/null
# drain_queue: prints how many entries the hit streams hold, and removes them.
drain_queue() {
  local count=0 key
  for key in $(redis-cli -p "$VULCAN_REDIS_PORT" --scan --pattern 'bench:hits:*'); do
    count=$((count + $(redis-cli -p "$VULCAN_REDIS_PORT" xlen "$key")))
    redis-cli -p "$VULCAN_REDIS_PORT" unlink "$key" >/dev/null
  done
  echo "$count"
}
drain_queue >/dev/null

# median_run <outputs...>: the wrk output whose req/s is the median of the three.
median_run() {
  for out in "$@"; do printf '%s\t%s\n' "$(rate "$out")" "$(base64 -w0 <<<"$out")"; done \
    | sort -n | sed -n 2p | cut -f2 | base64 -d
}
# cpu_ticks <pid>: the process's user + system CPU so far, in clock ticks. The CPU a Vulcan run
# costs the node and Redis, per request, moves far less with the machine than req/s does: it tells
# a change of the code from a change of the machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
redis_pid=$(cat "$VULCAN_LOCAL_DIR/redis-$VULCAN_REDIS_PORT/redis.pid")
nginx_runs=() vulcan_runs=() vulcan_total=0 vulcan_non2xx=0 queued=0 node_ticks=0 redis_ticks=0
for round in 1 2 3; do
  say "round $round: nginx return 204, then Vulcan GET /api/v1/beacon, ${seconds} s each, $connections connections"
  nginx_runs+=("$(run "$seconds" "http://127.0.0.1:$nginx_port/")")
  node_before=$(cpu_ticks "$app_pid") redis_before=$(cpu_ticks "$redis_pid")
  out=$(run "$seconds" "$beacon")
  node_ticks=$((node_ticks + $(cpu_ticks "$app_pid") - node_before))
  redis_ticks=$((redis_ticks + $(cpu_ticks "$redis_pid") - redis_before))
  vulcan_runs+=("$out")
  vulcan_total=$((vulcan_total + $(total "$out")))
  vulcan_non2xx=$((vulcan_non2xx + $(non2xx "$out")))
  sleep 1 # the last appends of requests wrk cut off
  queued=$((queued + $(drain_queue)))
  say "  nginx $(rate "${nginx_runs[-1]}") req/s, Vulcan $(rate "$out") req/s"
done
nginx_out=$(median_run "${nginx_runs[@]}")
vulcan_out=$(median_run "${vulcan_runs[@]}")

answered=$((vulcan_total - vulcan_non2xx))
ratio=$(awk -v v="$(rate "$vulcan_out")" -v n="$(rate "$nginx_out")" 'BEGIN {printf "%.2f", v / n}')

printf '\n%-28s %12s %10s %10s   (median of 3 runs)\n' "" "req/s" "p50" "p99"
printf '%-28s %12s %10s %10s\n' "nginx return 204" "$(rate "$nginx_out")" "$(pct "$nginx_out" 50%)" "$(pct "$nginx_out" 99%)"
printf '%-28s %12s %10s %10s\n' "Vulcan GET /api/v1/beacon" "$(rate "$vulcan_out")" "$(pct "$vulcan_out" 50%)" "$(pct "$vulcan_out" 99%)"
printf '\nratio Vulcan / nginx: %s (target >= 0.50)\n' "$ratio"
per_request() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$vulcan_total" 'BEGIN {printf "%.1f", t / hz / n * 1e6}'; }
printf 'CPU per Vulcan request (all three runs): the node %s us, Redis %s us\n' "$(per_request "$node_ticks")" "$(per_request "$redis_ticks")"
printf 'cold (first 10 s): nginx %s req/s, Vulcan %s req/s, ratio %s\n' "$(rate "$nginx_cold")" "$(rate "$vulcan_cold")" \
  "$(awk -v v="$(rate "$vulcan_cold")" -v n="$(rate "$nginx_cold")" 'BEGIN {printf "%.2f", v / n}')"
# wrk stops with up to one request per connection in flight: those may be in Redis unanswered.
printf 'answered other than 204 (the rate limiter, per person): %s\n' "$vulcan_non2xx"
printf 'answered 204 in all runs: %s, entries in Redis: %s (at most %s more: requests cut off by the ends of the runs)\n' \
  "$answered" "$queued" "$((3 * connections))"
[ "$queued" -ge "$answered" ] && [ "$queued" -le $((answered + 3 * connections)) ] \
  || { say "MISMATCH: the 204s and the entries in Redis disagree"; exit 1; }
