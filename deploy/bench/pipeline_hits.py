"""Writes the pipeline benchmark's hits as Redis protocol for `redis-cli --pipe`: XADDs of queued,
anonymized hits (the stream's wire format) into the bench:hits:<partition> streams, and the same
entries into baseline:* streams for the Redis-alone baseline. One pageview per hit, so the count of
pageviews must equal the number of hits.

A realistic mix, so that enrichment does the work it does in a deployment: 20 sites, 50,000
visitors, 300 pages a site, each visitor with one of 30 real browsers' User-Agents (desktop and
mobile, several versions) and one of 24 locations (what the edge's GeoIP lookup gives), referrers
from search engines, social sites, other sites and the site itself, UTM tags on a tenth of hits.

    pipeline_hits.py <hits> <out> <baseline out> [day (2026-11-20)] [hit id prefix (bench)]

A warm-up set uses another day and prefix, so that it adds nothing to the measured day's count."""
import json
import random
import sys
import zlib
from datetime import datetime, timezone

from agents import AGENTS  # 30 browsers' User-Agents, shared with access_log.py

hits, out_path, baseline_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
day = datetime.strptime(sys.argv[4] if len(sys.argv) > 4 else "2026-11-20", "%Y-%m-%d").replace(tzinfo=timezone.utc)
prefix = sys.argv[5] if len(sys.argv) > 5 else "bench"
random.seed(7)
DAY_START = int(day.timestamp()) * 1000
VISITORS = 50_000
PAGES = 300
LOCATIONS = [
    ("DE", "Berlin", "Berlin"), ("DE", "Bavaria", "Munich"), ("DE", "Hamburg", "Hamburg"), ("US", "California", "San Francisco"),
    ("US", "New York", "New York"), ("US", "Texas", "Austin"), ("GB", "England", "London"), ("GB", "Scotland", "Edinburgh"),
    ("FR", "Ile-de-France", "Paris"), ("NL", "North Holland", "Amsterdam"), ("IN", "Karnataka", "Bengaluru"),
    ("IN", "Maharashtra", "Mumbai"), ("JP", "Tokyo", "Tokyo"), ("BR", "Sao Paulo", "Sao Paulo"), ("CA", "Ontario", "Toronto"),
    ("AU", "New South Wales", "Sydney"), ("ES", "Madrid", "Madrid"), ("IT", "Lombardy", "Milan"), ("PL", "Mazovia", "Warsaw"),
    ("SE", "Stockholm", "Stockholm"), ("CH", "Zurich", "Zurich"), ("AT", "Vienna", "Vienna"), ("NP", "Bagmati", "Kathmandu"),
    ("ZA", "Gauteng", "Johannesburg"),
]
REFERRERS = [
    None, None, None, "https://www.google.com/", "https://www.google.de/", "https://www.bing.com/", "https://duckduckgo.com/",
    "https://news.ycombinator.com/item?id=42424242", "https://www.reddit.com/r/programming/", "https://t.co/abc123",
    "https://www.facebook.com/", "https://www.linkedin.com/feed/", "https://blog.example.org/a-post", "https://lobste.rs/",
]
SECTIONS = ["blog", "docs", "pricing", "product", "guides", "changelog", "about", "careers", "support", "legal"]


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
        visitor = random.randrange(VISITORS)
        timestamp = DAY_START + (i * 86_000_000) // hits  # time-ordered across the day
        page = random.randrange(PAGES)
        url = f"https://{site}/{SECTIONS[page % len(SECTIONS)]}/{page}"
        if random.random() < 0.1:
            url += f"?utm_source=newsletter&utm_medium=email&utm_campaign=launch-{page % 7}"
        referrer = random.choice(REFERRERS)
        if referrer is None and random.random() < 0.3:
            referrer = f"https://{site}/{SECTIONS[(page + 1) % len(SECTIONS)]}/"  # internal: not a source
        country, region, city = LOCATIONS[visitor % len(LOCATIONS)]
        hit = {
            "hitId": f"{prefix}-{i}", "siteId": site, "timestamp": timestamp, "channel": "beacon",
            "eventName": "pageview", "url": url, "referrer": referrer,
            "screenWidth": random.choice([360, 390, 412, 768, 1280, 1366, 1440, 1536, 1920, 2560]),
            "visitorId": f"{visitor:016x}", "userAgent": AGENTS[(visitor * 7919) % len(AGENTS)],
            "country": country, "region": region, "city": city,
        }
        body = json.dumps({k: v for k, v in hit.items() if v is not None}, separators=(",", ":"))
        partition = zlib.crc32(site.encode()) % 16
        out.write(resp("XADD", f"bench:hits:{partition}", "*", "hit", body))
        baseline.write(resp("XADD", f"baseline:{partition}", "*", "hit", body))
