#!/usr/bin/env bash
# Server-log benchmark on one generated access log of N combined lines (default 1,000,000: one day
# of a real site's traffic, access_log.py: 50,000+ people on public addresses, an eighth IPv6, 30
# browsers' User-Agents, 300 pages with their assets, redirects, 404s, bots), all in the same run:
#   (a) Vulcan's parser alone, one thread pinned to one core (java -jar ... check-log);
#   (b) GoAccess (Debian package goaccess, installed if missing) on the same file: the baseline, its
#       best of three runs;
#   (c) the full import: the forwarder posts the file to /api/v1/beacon/log of a node with every role
#       on a real Redis and Cassandra, until every queued pageview is persisted and counted: cold (the
#       first import on a fresh node, its services running: another site, the day before, as many
#       lines), warm (the measured file, after the JIT compilers went idle), and, printed beside
#       them, a first import on fresh services too.
# Targets: (a) >= 10x (b); (c) cold >= 1x (b) and warm >= 2x (b), in lines per second.
#
# Where the import's time goes (warm 1M-line imports, CPU time per process and thread from /proc, and
# JFR): the node 5.6-6.1 s (Temurin 25; 8.7 s on 17 before the changes below), Cassandra about 2.7 s
# (0.7 s of it its C2 compiler, still at work after eight imports), the forwarder about 1.2 s, Redis
# 0.3 s. A log chunk's hits are one Redis stream entry (their strings once) and consumers read up to
# 16,000 hits a batch, which took Redis from 1.6 s to 0.3 s and Cassandra's writes of rollup rows down
# by a third. What took the node from 8.7 s to under 6: Temurin 25 (a tenth), a hit's properties as an
# array by column instead of a HashMap per hit (HitProperties), and lookups a hit repeats from the one
# before it skipped (shared values, chunk dictionaries). What took the import from 1.7x to over 2x on
# top of that was waiting less rather than working less: the endpoint reads the next chunk while the
# last one's append to Redis is in flight, and the forwarder sends the next batch (8 MiB) while the
# endpoint finishes the last; before, each request and each append was a pause on a core. The endpoint
# now takes lines faster than katric persists them ("of which through the endpoint" is higher): the
# consumers' side (the site model's chains about a tenth of the node, packing hit chunks a tenth,
# Cassandra) is what a faster warm import would cut next.
# The JIT compilers are the cold run's largest cost, on the two cores the forwarder, the node, Redis
# and Cassandra share (GoAccess has one to itself): in a fresh node's first 1M-line import (13-15 s on 17, before the above)
# the node used 19-23 s of CPU, 7.5-9 s of it its compiler threads (once, C2 7.8 s: our katric code 3.2 s,
# the edge 1.5 s, the queue codec 1.3 s, then the Cassandra driver, Netty, Pekko, Jackson, Lettuce).
# Removed from it: C2's compiling of Yauaa's ANTLR runtime (2.7 s; enrich.ParserCompilation), and the
# forwarder's (it now runs on C1 and one GC thread: 1.2 s of CPU instead of 1.9 s). Tried and left:
# C1 only for the node (-XX:TieredStopAtLevel=1) gave the same cold rate and a warm one of 0.6x;
# the node runs on Temurin 25 where the machine has it (deploy/local/node-java.sh): in fresh nodes
# interleaved on one set of services (17/25/25/17/17/25) its cold import took 18.2-18.8 s of node CPU
# against 20.3-20.8 s on 17 (one pair was even), and warm 7.0-7.4 s against 8.1 s; the forwarder and
# Cassandra stay on 17. An AOT cache on 25 (a training import with -XX:AOTCacheOutput) made it slower; the
# parallel collector for the node was a little faster warm (8.0 against 8.4-8.9 s) and slower cold (14.3 against 12.8 s);
# transparent huge pages for the node (-XX:+UseTransparentHugePages) gave no clear gain cold (three
# interleaved pairs); -XX:+AlwaysPreTouch halves the node's system time in a cold import only by
# moving it to start-up. GoAccess on this file: 65k-106k lines/s between sessions, and the ratio of
# the import to it moves too (warm 2.0x and 1.7x on two machines of the same kind, code a commit apart).
#
#   deploy/bench/logs.sh [lines (1000000)] [warm-up lines (as many)]
# BENCH_FORWARD_OPTS adds options to both forwarder runs (e.g. "--batch-bytes 1048576").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
lines=${1:-1000000}
warmup=${2:-$lines}
. "$here/node.sh"
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN {printf "%.0f", n / (e - s)}'; }

if ! command -v goaccess >/dev/null; then
  [ "$(id -u)" = 0 ] || { say "goaccess is missing: apt-get install goaccess"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq goaccess >&2
fi
bench_prepare logs 4
log=$work/access.log
say "generating $lines lines"
python3 "$here/access_log.py" "$lines" "$log" 2026-11-20 1

say "(a) the parser alone, on one core"
parser=$(taskset -c 0 java -Xmx2g -jar target/vulcan-tracker.jar check-log --file "$log" --passes 3 | tee /dev/stderr \
  | sed -n 's/^parser: \([0-9]*\) lines.*/\1/p')

# GoAccess's rate on one file varies from run to run by up to a third on this machine (1M lines:
# 46k to 72k lines/s), so the baseline is the best of three runs: the ratio is never flattered by
# one slow run of GoAccess.
say "(b) GoAccess on the same file, three runs"
goaccess_runs=()
for run in 1 2 3; do
  start=$(date +%s.%N)
  goaccess "$log" --log-format=COMBINED --no-global-config -o "$work/goaccess.json" >/dev/null 2>&1
  goaccess_runs+=("$(rate "$lines" "$start" "$(date +%s.%N)")")
done
goaccess_rate=$(printf '%s\n' "${goaccess_runs[@]}" | sort -n | tail -n 1)

say "(c) the full import through the endpoint"
bench_start 2g
# Cold is a fresh node, as after a deployment or a failover; its services have been running, as
# they do in production. A first import on fresh services too (another site, another day) is run
# first, and its figure printed: Cassandra is then as cold as the node (its JIT, its first
# memtables and flushes), which no deployment of the node sees.
say "a first import on fresh services: $warmup lines of other days for another site"
python3 "$here/access_log.py" "$warmup" "$work/first.log" 2026-11-18 1
import_log first.example "$work/first.log" 2026-11-18 2026-11-18
fresh_rate=$(rate "$warmup" "$start" "$counted_at")
say "a fresh node on the running services"
bench_stop_node
bench_node 2g
# A node runs for days and the target is its sustained rate: like pipeline.sh, measure after a
# warm-up (the cold import: another site's log of other days) and once the JIT compilers have
# finished.
say "the cold import: $warmup lines of other days for another site"
python3 "$here/access_log.py" "$warmup" "$work/warmup.log" 2026-11-19 1
import_log warm.example "$work/warmup.log" 2026-11-19 2026-11-19
warmup_rate=$(rate "$warmup" "$start" "$counted_at")
wait_for_compilers
# Warm means the JIT compilers are done, during an import and not only after one: the first
# imports after the cold one still spent a quarter of the node's and Cassandra's CPU compiling
# (code run once per batch reaches C2's thresholds only after many batches), and ran 30 % slower
# than the fifth. So the warm-up goes on, another site each time, until the compilers of the node and
# of Cassandra used under a tenth of their CPU during the last import (at most 8 imports).
cassandra_pid=$(pgrep -f CassandraDaemon | head -n 1)
process_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# measure_import <site> <file> <day>: import_log, and sets jit_share (% of the node's and Cassandra's CPU their compilers used).
measure_import() {
  local work0 jit0 work1 jit1
  work0=$(($(process_ticks "$app_pid") + $(process_ticks "$cassandra_pid")))
  jit0=$(($(compiler_ticks "$app_pid") + $(compiler_ticks "$cassandra_pid")))
  import_log "$1" "$2" "$3" "$3"
  work1=$(($(process_ticks "$app_pid") + $(process_ticks "$cassandra_pid")))
  jit1=$(($(compiler_ticks "$app_pid") + $(compiler_ticks "$cassandra_pid")))
  jit_share=$((100 * (jit1 - jit0) / (work1 - work0)))
}
warmups=0
jit_share=100
while [ "$jit_share" -ge 10 ] && [ "$warmups" -lt 8 ]; do
  warmups=$((warmups + 1))
  measure_import "warm$warmups.example" "$work/warmup.log" 2026-11-19
  say "warm-up import $warmups: $(rate "$warmup" "$start" "$counted_at") lines/s, compilers $jit_share % of the CPU"
done
# The median of three imports of the measured day's traffic (another site each): every run is printed beside it.
warm_runs=() endpoint_runs=() jit_shares=()
for run in 1 2 3; do
  say "measured import $run of 3"
  measure_import "shop$run.example" "$log" 2026-11-20
  warm_runs+=("$(rate "$lines" "$start" "$counted_at")")
  endpoint_runs+=("$(rate "$lines" "$start" "$sent")")
  jit_shares+=("$jit_share%")
done
import_rate=$(printf '%s\n' "${warm_runs[@]}" | sort -n | sed -n 2p)
endpoint_rate=$(printf '%s\n' "${endpoint_runs[@]}" | sort -n | sed -n 2p)

printf '\nlines: %s (%s pageviews among them)\n' "$lines" "$queued"
printf '(b) GoAccess, best of 3 runs, baseline: %8s lines/s (runs: %s)\n' "$goaccess_rate" "${goaccess_runs[*]}"
printf '(a) parser alone, one core:             %8s lines/s = %sx GoAccess (target >= 10x)\n' "$parser" \
  "$(awk -v a="$parser" -v b="$goaccess_rate" 'BEGIN {printf "%.1f", a / b}')"
printf '(c) full import, warm, to persisted:    %8s lines/s = %sx GoAccess (target >= 2x; median of runs: %s)\n' "$import_rate" \
  "$(awk -v a="$import_rate" -v b="$goaccess_rate" 'BEGIN {printf "%.2f", a / b}')" "${warm_runs[*]}"
printf '    of which through the endpoint:      %8s lines/s (median of runs: %s)\n' "$endpoint_rate" "${endpoint_runs[*]}"
printf '    after %s warm-up imports; compilers used %s of the CPU in the runs\n' "$warmups" "${jit_shares[*]}"
printf '(c) full import, cold (fresh node):     %8s lines/s = %sx GoAccess (target >= 1x; %s lines)\n' "$warmup_rate" \
  "$(awk -v a="$warmup_rate" -v b="$goaccess_rate" 'BEGIN {printf "%.2f", a / b}')" "$warmup"
printf '    fresh node and fresh services:      %8s lines/s = %sx GoAccess (%s lines)\n' "$fresh_rate" \
  "$(awk -v a="$fresh_rate" -v b="$goaccess_rate" 'BEGIN {printf "%.2f", a / b}')" "$warmup"
