#!/usr/bin/env bash
# Pipeline benchmark: N anonymized hits (20 sites, 50,000 visitors, 300 pages a site, 30 browsers,
# 24 locations, a day of timestamps; see pipeline_hits.py) are put into
# the Redis streams as fast as redis-cli can pipe them, while one node with every role runs; it
# measures how long katric takes from the first entry to the last one persisted, rolled up and
# acknowledged, and prints hits/s. The rate at which Redis alone takes the same entries is printed
# beside it as the baseline of this machine.
# The node first counts a warm-up set (the day before) on the cold node, whose rate is printed as
# the cold figure; then the JIT compilers get to finish, and the measured set gives the warm one
# (the target is a sustained rate).
#
# What bounds katric here (profiles of earlier runs; the README has the current figures): both cores
# are full while it drains, the node about 0.7 of a core, Cassandra about 0.65, Redis about 0.2. Two
# settings set the rate. The young generation: left to G1's pause goal (about 100 MB of eden on a
# 2 GB heap) while a batch lives for the second or two it takes to persist, batches survived
# collection after collection and were copied each time (jstat: 20 young collections taking 5.4 s
# of a 19 s run; a quarter of the node's CPU in evacuation); with -XX:NewRatio=1, one or two
# collections a run (-XX:MaxGCPauseMillis=1000: 12,243 hits/s, mixed collections of 0.7 s;
# ParallelGC: 18,239 at batch 2,000). The batch size: rollup rows are written once per batch, so
# vulcan.queue.read-batch-size 1,000 gave 15.4k hits/s, 2,000 18.6k, 4,000 20.4k. A row per hit in
# the hits table instead of a chunk per bucket and write: 11.5k against 19.4k. Sending a site's
# share in parts of at most 128 KiB (one journal event and one ask each) costs about a tenth. Run
# cold, the JIT compilers of both JVMs took most of a core for the whole run, hence the warm-up.
# Beyond that a profile shows no single hot spot (breakdown upkeep, JSON of queued hits and hit
# chunks, CBOR of events, the Cassandra driver).
#
#   deploy/bench/pipeline.sh [hits (200000)] [warm-up hits (100000)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
hits=${1:-200000}
warmup=${2:-100000}
. "$here/node.sh"
bench_prepare pipeline 3
deploy/local/services.sh start
rcli() { redis-cli -p "$VULCAN_REDIS_PORT" "$@"; }

say "generating $hits hits"
python3 "$here/pipeline_hits.py" "$hits" "$work/hits.resp" "$work/baseline.resp"
python3 "$here/pipeline_hits.py" "$warmup" "$work/warmup.resp" /dev/null 2026-11-19 warmup

# The baseline: the same entries into throw-away streams, Redis alone.
start=$(date +%s.%N)
rcli --pipe < "$work/baseline.resp" >/dev/null
baseline=$(awk -v n="$hits" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", n / (e - s)}')
rcli --scan --pattern 'baseline:*' | xargs -r redis-cli -p "$VULCAN_REDIS_PORT" del >/dev/null

# Services are up already (the baseline needed Redis); bench_start finds them running.
bench_start 2g
keys=() # each site's report key, shown once when it is made
for ((s = 0; s < 20; s++)); do
  keys[$s]=$(json_field "$(bench_site "site$s.example")" reportKey)
done
sleep 3 # every node's site cache has the sites

# One redis-cli call per poll (a process per partition would take CPU from what is measured).
backlog() {
  rcli eval "local t = 0 for i = 0, 15 do t = t + redis.call('XLEN', 'bench:hits:' .. i) end return t" 0
}
wait_for_empty_queue() {
  while [ "$(backlog)" -gt 0 ]; do
    kill -0 "$app_pid" 2>/dev/null || { tail -n 30 "$work/vulcan.log" >&2; say "node died"; exit 1; }
    sleep 0.2
  done
}
say "warming up: $warmup hits of the day before, on the cold node"
cold_start=$(date +%s.%N)
rcli --pipe < "$work/warmup.resp" >/dev/null
wait_for_empty_queue
cold=$(awk -v n="$warmup" -v s="$cold_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", n / (e - s)}')
wait_for_compilers

say "queueing $hits hits while katric runs"
start=$(date +%s.%N)
rcli --pipe < "$work/hits.resp" >/dev/null
queued=$(date +%s.%N)
wait_for_empty_queue
done_at=$(date +%s.%N)
rate=$(awk -v n="$hits" -v s="$start" -v e="$done_at" 'BEGIN {printf "%.0f", n / (e - s)}')
drain=$(awk -v s="$queued" -v e="$done_at" 'BEGIN {printf "%.1f", e - s}')
counted=0
for ((s = 0; s < 20; s++)); do
  key=${keys[$s]}
  pv=$(curl -fs "$api/api/v1/sites/site$s.example/stats/aggregate?period=custom&from=2026-11-20&to=2026-11-20&metrics=pageviews" \
    -H "Authorization: Bearer $key" | sed -n 's/.*"value":\([0-9]*\).*/\1/p')
  counted=$((counted + pv))
done

printf '\nRedis alone (baseline): %s entries/s\n' "$baseline"
printf 'katric cold (the warm-up, %s hits on a fresh node): %s hits/s\n' "$warmup" "$cold"
printf 'katric warm, queue to persisted, rolled up and acknowledged: %s hits/s (target >= 20000)\n' "$rate"
printf 'backlog left when the last entry was queued: drained %s s later\n' "$drain"
printf 'pageviews counted: %s of %s hits\n' "$counted" "$hits"
[ "$counted" = "$hits" ] || { say "MISMATCH: not every hit was counted once"; exit 1; }
