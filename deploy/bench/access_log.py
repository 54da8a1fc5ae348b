#!/usr/bin/env python3
"""A generated nginx access log (combined format) for deploy/bench/logs.sh and backfill.sh, as a real
site's would look: 50,000 or more people on public addresses (an eighth of them IPv6, so GeoIP
looks every one up), each with one of 30 browsers' User-Agents, browsing 300 pages with their
assets; some 304s, redirects, 404s, HEAD and POST requests; bots (a few percent, their own agents
and addresses). Written day by day in time order, so any length fits in little memory.
Usage: access_log.py <lines> <output> <first day YYYY-MM-DD> <days>"""
import datetime
import random
import sys

from agents import AGENTS

BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "-",
]
SECTIONS = ["products", "blog", "docs", "guides", "changelog", "careers", "support", "legal", "pricing", "about"]
PAGES = ["/"] + ["/%s/%d" % (section, i) for section in SECTIONS for i in range(30)][:299]
ASSETS = ["/static/app.css", "/static/app.js", "/img/logo.png", "/favicon.ico", "/fonts/inter.woff2"]
REFERRERS = ["-", "-", "-", "https://www.google.com/", "https://www.google.de/", "https://www.bing.com/",
             "https://duckduckgo.com/", "https://news.ycombinator.com/item?id=42424242",
             "https://www.reddit.com/r/programming/", "https://t.co/abc123", "https://lobste.rs/"]
# First octets of public IPv4 blocks (RIPE, ARIN, APNIC, LACNIC, AFRINIC) that GeoIP databases cover.
PUBLIC_V4 = [2, 5, 24, 31, 37, 41, 45, 46, 49, 62, 77, 78, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94,
             95, 101, 103, 109, 110, 112, 114, 116, 118, 121, 122, 124, 138, 141, 151, 176, 177, 178, 179, 181,
             185, 186, 187, 188, 189, 190, 193, 194, 195, 196, 197, 200, 201, 212, 213, 217]
PUBLIC_V6 = ["2a02", "2a01", "2001:16b8", "2600:1700", "2a00:23c8", "2405:201", "2804:14c"]


def address(person):
    rng = random.Random(person * 7919)
    if person % 8 == 0:
        return "%s:%x:%x::%x" % (rng.choice(PUBLIC_V6), rng.randrange(65536), rng.randrange(65536), rng.randrange(1, 65536))
    return "%d.%d.%d.%d" % (rng.choice(PUBLIC_V4), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def day_entries(rng, start, count, people):
    entries = []
    while len(entries) < count:
        if rng.random() < 0.03:
            entries.append((start + rng.random() * 86400, "66.249.%d.%d" % (rng.randrange(64, 80), rng.randrange(256)),
                            rng.choice(BOTS), "GET", rng.choice(PAGES), 200, "-"))
            continue
        person = rng.randrange(people)
        ip = address(person)
        ua = AGENTS[person % len(AGENTS)]
        t = start + rng.random() * (86400 - 3 * 3600)
        referrer = rng.choice(REFERRERS)
        for p in range(1 if rng.randrange(10) < 4 else 1 + rng.randrange(6)):
            page = rng.choice(PAGES)
            roll = rng.randrange(100)
            status = 404 if roll < 3 else 301 if roll < 6 else 304 if roll < 12 else 200
            method = "HEAD" if roll >= 97 else "POST" if roll >= 95 else "GET"
            entries.append((t, ip, ua, method, page, status, referrer if p == 0 else "https://shop.example" + page))
            for asset in ASSETS[:1 + rng.randrange(len(ASSETS))]:
                entries.append((t + (50 + rng.randrange(900)) / 1000, ip, ua, "GET", asset,
                                304 if rng.randrange(4) == 0 else 200, "https://shop.example" + page))
            t += rng.choice([1 + rng.randrange(240)] * 18 + [29 * 60, 31 * 60 + rng.randrange(600)])
    return sorted(entries[:count])


def main():
    total, output, first_day, days = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    rng = random.Random(42)
    first = datetime.datetime.fromisoformat(first_day).replace(tzinfo=datetime.timezone.utc).timestamp()
    # About ten lines a visit and three visits a person; never fewer than 50,000 people.
    people = max(50_000, total // 30)
    with open(output, "w") as out:
        for day in range(days):
            count = total // days + (1 if day < total % days else 0)
            for t, ip, ua, method, target, status, referrer in day_entries(rng, first + day * 86400, count, people):
                stamp = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
                out.write('%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s"\n'
                          % (ip, stamp, method, target, status, 200 + len(target), referrer, ua))


if __name__ == "__main__":
    main()
