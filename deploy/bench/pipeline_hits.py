"""Writes the pipeline benchmark's hits as Redis protocol for `redis-cli --pipe`: XADDs of queued,
anonymized hits (the stream's wire format) into the bench:hits:<partition> streams, and the same
entries into baseline:* streams for the Redis-alone baseline. One pageview per hit, so the count of
pageviews must equal the number of hits.

    pipeline_hits.py <hits> <out> <baseline out> [day (2026-11-20)] [hit id prefix (bench)]

A warm-up set uses another day and prefix, so that it adds nothing to the measured day's count."""
import json
import random
import sys
import zlib
from datetime import datetime, timezone

hits, out_path, baseline_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
day = datetime.strptime(sys.argv[4] if len(sys.argv) > 4 else "2026-11-20", "%Y-%m-%d").replace(tzinfo=timezone.utc)
prefix = sys.argv[5] if len(sys.argv) > 5 else "bench"
random.seed(7)
DAY_START = int(day.timestamp()) * 1000
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def resp(*args):
    parts = [f"*{len(args)}\r\n"]
    for arg in args:
        data = arg.encode()
        parts.append(f"${len(data)}\r\n")
        parts.append(arg + "\r\n")
    return "".join(parts)


with open(out_path, "w") as out, open(baseline_path, "w") as baseline:
    for i in range(hits):
        site = f"site{i % 20}.example"
        visitor = random.randrange(5000)
        timestamp = DAY_START + (i * 86_000_000) // hits  # time-ordered across the day
        hit = {
            "hitId": f"{prefix}-{i}", "siteId": site, "timestamp": timestamp, "channel": "beacon",
            "eventName": "pageview", "url": f"https://{site}/page/{random.randrange(50)}",
            "referrer": random.choice([None, "https://www.google.com/", "https://news.ycombinator.com/"]),
            "screenWidth": random.choice([390, 1280, 1920]), "visitorId": f"{visitor:016x}", "userAgent": AGENT,
        }
        body = json.dumps({k: v for k, v in hit.items() if v is not None}, separators=(",", ":"))
        partition = zlib.crc32(site.encode()) % 16
        out.write(resp("XADD", f"bench:hits:{partition}", "*", "hit", body))
        baseline.write(resp("XADD", f"baseline:{partition}", "*", "hit", body))
