#!/usr/bin/env python3
"""Times the report queries the dashboard makes when it loads (deploy/bench/queries.sh), for one site,
one period and one set of filters: each query is asked `reps` times in a row, the first answer is
the cold figure (nothing of the period in any cache), the others warm. Prints a line per query (cold,
warm median, warm max, in ms) and a summary line. Every answer must be 200.
Usage: query_latency.py <api> <site> <report key> <period params> <filters or -> <label> [reps (3)]"""
import statistics
import sys
import time
import urllib.parse
import urllib.request


def main():
    api, site, key, period, filters, label = sys.argv[1:7]
    reps = int(sys.argv[7]) if len(sys.argv) > 7 else 3
    base = "%s/api/v1/sites/%s" % (api, site)
    f = "" if filters == "-" else "&filters=" + urllib.parse.quote(filters)
    interval = "month" if "12mo" in period else "day"
    queries = [
        ("aggregate", "/stats/aggregate?%s%s&metrics=visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events" % (period, f)),
        ("timeseries", "/stats/timeseries?%s%s&interval=%s&metrics=visitors,pageviews" % (period, f, interval)),
    ]
    for prop, metric in [("page", "pageviews"), ("channel", "visits"), ("country", "visits"), ("browser", "visits"),
                         ("device", "visits"), ("event", "events")]:
        queries.append(("breakdown " + prop, "/stats/breakdown?%s%s&property=%s&metrics=visitors,%s&limit=10" % (period, f, prop, metric)))
    queries.append(("goals", "/stats/breakdown?%s%s&property=goal&metrics=visitors,events,conversion_rate&limit=20" % (period, f)))
    queries.append(("funnel", "/stats/funnel?%s%s&funnel=%s" % (period, f, sys.argv[8] if len(sys.argv) > 8 else "")))
    warm_all = []
    for name, path in queries:
        if name == "funnel" and path.endswith("funnel="):
            continue
        times = []
        for _ in range(reps):
            request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + key})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                if response.status != 200:
                    raise SystemExit("%s answered %d" % (path, response.status))
            times.append((time.perf_counter() - start) * 1000)
        warm = times[1:]
        warm_all.extend(warm)
        print("  %-18s cold %7.0f ms   warm median %7.0f ms   max %7.0f ms" % (name, times[0], statistics.median(warm), max(warm)))
    print("%s: every query's warm median %.0f ms, max %.0f ms" % (label, statistics.median(warm_all), max(warm_all)))


if __name__ == "__main__":
    main()
