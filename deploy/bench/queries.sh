#!/usr/bin/env bash
# Query-speed benchmark: 30 days of generated access log (N lines, default 3,000,000, ending
# yesterday; access_log.py's traffic: 300 pages, public addresses, bots, 404s) imported into one site
# on one node with every role; a page goal and a three-step funnel made afterwards; then the
# queries the dashboard makes on load (aggregate, timeseries, six breakdowns, goals, funnel) timed
# for 30d and 12mo, unfiltered, with one filter and with two (query_latency.py: cold, warm median
# and max of three asks each). The unfiltered figures are this run's baseline: they read the rollups
# (but for the channel breakdown, the goals and the funnel, which count visits); every filtered one
# counts the period's visits from their visit segments (the first ask of a day builds its segment
# from the hits: the cold figure). Target (issue 20): <= 100 ms median unfiltered, <= 300 ms
# filtered; run it with 3x the lines to see how the figures grow with the data.
#
#   deploy/bench/queries.sh [lines (3000000)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
lines=${1:-3000000}
days=30
. "$here/node.sh"

bench_prepare queries 8
today=$(date -u +%F)
first=$(date -u -d "$today - $days days" +%F)
last=$(date -u -d "$today - 1 day" +%F)
say "generating $lines lines over the $days days from $first"
python3 "$here/access_log.py" "$lines" "$work/month.log" "$first" "$days"

bench_start 3g
import_log query.example "$work/month.log" "$first" "$last"
key=$(cat "$work/site-query.example.key")
say "imported: $queued pageviews"
admin() { curl -fs -X POST "$api/api/v1/sites/query.example/$1" -H "Authorization: Bearer $bench_admin_token" -d "$2"; }
admin goals '{"page": "/pricing/*", "name": "Pricing"}' > /dev/null
funnel=$(json_field "$(admin funnels '{"name": "Docs to pricing", "steps": [{"page": "/"}, {"page": "/docs/*"}, {"page": "/pricing/*"}]}')" id)
wait_for_compilers

echo
echo "lines: $lines over $days days ($queued pageviews), site query.example"
for period in "period=30d&date=$last" "period=12mo&date=$last"; do
  for filters in - "page==/pricing/1" "page==/pricing/1;source==Google"; do
    label="${period%%&*}, filters: $filters"
    echo "$label"
    python3 "$here/query_latency.py" "$api" query.example "$key" "$period" "$filters" "$label" 3 "$funnel"
  done
done
