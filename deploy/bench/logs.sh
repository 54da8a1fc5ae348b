#!/usr/bin/env bash
# Server-log benchmark on one generated access log of N combined lines (default 1,000,000; pages,
# assets, bots, redirects, 404s over three days), all in the same run:
#   (a) Vulcan's parser alone, one thread pinned to one core (java -jar ... check-log);
#   (b) GoAccess (Debian package goaccess, installed if missing) on the same file: the baseline;
#   (c) the full import: the forwarder posts the file to /api/v1/beacon/log of a node with every role
#       on a real Redis and Cassandra, until every queued pageview is persisted and counted.
# Targets: (a) >= 10x (b); (c) >= 2x (b), in lines per second.
#
#   deploy/bench/logs.sh [lines (1000000)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
lines=${1:-1000000}
. "$here/node.sh"
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN {printf "%.0f", n / (e - s)}'; }

if ! command -v goaccess >/dev/null; then
  [ "$(id -u)" = 0 ] || { say "goaccess is missing: apt-get install goaccess"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq goaccess >&2
fi
bench_prepare logs 4
log=$work/access.log
say "generating $lines lines"
python3 "$here/access_log.py" "$lines" "$log" 2026-11-20 3

say "(a) the parser alone, on one core"
parser=$(taskset -c 0 java -Xmx2g -jar target/vulcan-tracker.jar check-log --file "$log" --passes 3 | tee /dev/stderr \
  | sed -n 's/^parser: \([0-9]*\) lines.*/\1/p')

say "(b) GoAccess on the same file"
start=$(date +%s.%N)
goaccess "$log" --log-format=COMBINED --no-global-config -o "$work/goaccess.json" >/dev/null 2>&1
goaccess_rate=$(rate "$lines" "$start" "$(date +%s.%N)")

say "(c) the full import through the endpoint"
bench_start 2g
site=$(bench_site shop.example)
token=$(json_field "$site" ingestToken)
key=$(json_field "$site" reportKey)
sleep 3 # every node's site cache has the site
pageviews() {
  curl -fs "$api/api/v1/sites/shop.example/stats/aggregate?period=custom&from=2026-11-20&to=2026-11-22&metrics=pageviews" \
    -H "Authorization: Bearer $key" | sed -n 's/.*"value":\([0-9]*\).*/\1/p'
}
start=$(date +%s.%N)
java -jar target/vulcan-tracker.jar forward --url "$api/api/v1/beacon/log" --site shop.example \
  --token "$token" --file "$log" --state "$work/forward.state" 2> >(tee "$work/forward.out" >&2)
sent=$(date +%s.%N)
queued=$(sed -n 's/.* \([0-9]*\) queued as pageviews.*/\1/p' "$work/forward.out")
while [ "$(pageviews)" != "$queued" ]; do
  kill -0 "$app_pid" 2>/dev/null || { tail -n 30 "$work/vulcan.log" >&2; say "node died"; exit 1; }
  sleep 0.2
done
done_at=$(date +%s.%N)
import_rate=$(rate "$lines" "$start" "$done_at")
endpoint_rate=$(rate "$lines" "$start" "$sent")

printf '\nlines: %s (%s pageviews among them)\n' "$lines" "$queued"
printf '(b) GoAccess 1 run, baseline:           %8s lines/s\n' "$goaccess_rate"
printf '(a) parser alone, one core:             %8s lines/s = %sx GoAccess (target >= 10x)\n' "$parser" \
  "$(awk -v a="$parser" -v b="$goaccess_rate" 'BEGIN {printf "%.1f", a / b}')"
printf '(c) full import, to persisted:          %8s lines/s = %sx GoAccess (target >= 2x)\n' "$import_rate" \
  "$(awk -v a="$import_rate" -v b="$goaccess_rate" 'BEGIN {printf "%.1f", a / b}')"
printf '    of which through the endpoint:      %8s lines/s\n' "$endpoint_rate"
