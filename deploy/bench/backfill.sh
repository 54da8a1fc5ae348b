#!/usr/bin/env bash
# Backfill benchmark: a year of generated access log (N lines, default 5,000,000; 365 days ending
# yesterday; access_log.py's realistic traffic) imported into sites that already have today's
# traffic, all in the same run on one node with every role:
#   in order:     the year in time order (one file), into site ordered.example;
#   newest first: the same lines with the days in reverse (each day's lines in time order, the newest
#                 day first, as rotated files are often sent), into site newest.example.
# Both sites first get the same lines of today (up to now), and the node a warm-up import (another
# site, other days) so that neither side pays for the JIT. Printed: each import's lines/s (forwarder
# start to the last pageview counted), and the count check: every line queued as a pageview counted
# once, and the two sites' year (visitors, visits, pageviews, bounce rate, visit duration) equal.
# Target: newest first >= 50 % of in order.
#
#   deploy/bench/backfill.sh [lines (5000000)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
lines=${1:-5000000}
. "$here/node.sh"
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN {printf "%.0f", n / (e - s)}'; }

bench_prepare backfill 7
today=$(date -u +%F)
first=$(date -u -d "$today - 365 days" +%F)
say "generating $lines lines over the 365 days from $first, and today's up to now"
python3 "$here/access_log.py" "$lines" "$work/year.log" "$first" 365
python3 - "$work/year.log" "$work/year-newest-first.log" <<'PY'
import sys
days = {}
with open(sys.argv[1]) as log:
    for line in log:
        days.setdefault(line[line.index("[") + 1:line.index(":", line.index("["))], []).append(line)
with open(sys.argv[2], "w") as out:
    for day in reversed(list(days)):  # the generator wrote the days in order
        out.writelines(days[day])
PY
python3 "$here/access_log.py" 200000 "$work/today-all.log" "$today" 1
now_seconds=$(($(date -u +%s) - 60))
python3 - "$work/today-all.log" "$work/today.log" "$now_seconds" <<'PY'
import datetime, sys
cutoff = int(sys.argv[3])
with open(sys.argv[1]) as log, open(sys.argv[2], "w") as out:
    for line in log:
        stamp = line[line.index("[") + 1:line.index("]")]
        if datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").timestamp() <= cutoff:
            out.write(line)
PY
python3 "$here/access_log.py" 500000 "$work/warmup.log" "$(date -u -d "$today - 400 days" +%F)" 5

bench_start 3g
say "warming up: 500,000 lines of other days for another site"
import_log warm.example "$work/warmup.log" "$(date -u -d "$today - 400 days" +%F)" "$(date -u -d "$today - 396 days" +%F)"
wait_for_compilers

year_stats() {
  curl -fs "$api/api/v1/sites/$1/stats/aggregate?period=custom&from=$first&to=$today&metrics=visitors,visits,pageviews,bounce_rate,visit_duration" \
    -H "Authorization: Bearer $(cat "$work/site-$1.key")"
}
for site in ordered.example newest.example; do
  say "today's traffic for $site"
  import_log "$site" "$work/today.log" "$first" "$today"
  eval "today_${site%%.*}=$queued"
done
say "the year in time order"
import_log ordered.example "$work/year.log" "$first" "$today" "$today_ordered"
ordered_rate=$(rate "$lines" "$start" "$counted_at")
ordered_queued=$queued
say "the year newest day first"
import_log newest.example "$work/year-newest-first.log" "$first" "$today" "$today_newest"
newest_rate=$(rate "$lines" "$start" "$counted_at")
newest_queued=$queued

ordered_stats=$(year_stats ordered.example)
newest_stats=$(year_stats newest.example)
printf '\nlines: %s over 365 days (%s queued as pageviews in order, %s newest first), after %s pageviews of today\n' \
  "$lines" "$ordered_queued" "$newest_queued" "$today_ordered"
printf 'in order:     %8s lines/s, queue to counted\n' "$ordered_rate"
printf 'newest first: %8s lines/s = %s %% of in order (target >= 50 %%)\n' "$newest_rate" \
  "$(awk -v a="$newest_rate" -v b="$ordered_rate" 'BEGIN {printf "%.0f", 100 * a / b}')"
printf 'the year and today, in order:     %s\n' "$ordered_stats"
printf 'the year and today, newest first: %s\n' "$newest_stats"
if [ "$ordered_stats" = "$newest_stats" ] && [ "$ordered_queued" = "$newest_queued" ]; then
  echo "count check: every queued pageview counted once; both orders give the same reports"
else
  echo "count check FAILED: the two orders differ"
  exit 1
fi
