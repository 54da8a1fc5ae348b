#!/usr/bin/env python3
"""A generated nginx access log (combined format) for deploy/bench/logs.sh: visitors browsing pages
with their assets, some 304s, redirects, 404s, HEAD and POST requests, and bots; in time order over
the given days. Usage: access_log.py <lines> <output> <first day YYYY-MM-DD> <days>"""
import datetime
import random
import sys

BROWSERS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "-",
]
PAGES = ["/", "/products", "/products/42", "/products/7", "/blog", "/blog/hello", "/about", "/pricing",
         "/search?q=shoes", "/cart"]
ASSETS = ["/static/app.css", "/static/app.js", "/img/logo.png", "/favicon.ico", "/fonts/inter.woff2"]
REFERRERS = ["-", "-", "https://www.google.com/", "https://news.ycombinator.com/", "https://shop.example/products"]


def main():
    total, output, first_day, days = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    rng = random.Random(42)
    start = datetime.datetime.fromisoformat(first_day).replace(tzinfo=datetime.timezone.utc).timestamp()
    span = days * 86400
    visits = total // 10
    people = max(1, visits // 3)
    entries = []
    while len(entries) < total:
        if rng.random() < 0.025:
            ua = rng.choice(BOTS)
            entries.append((start + rng.random() * span, "66.249.66.%d" % rng.randrange(256), ua, "GET",
                            rng.choice(PAGES), 200, "-"))
            continue
        person = rng.randrange(people)
        ip = "10.%d.%d.%d" % (person >> 16 & 255, person >> 8 & 255, person & 255)
        ua = BROWSERS[person % len(BROWSERS)]
        t = start + rng.random() * (span - 4 * 3600)
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
    entries = sorted(entries[:total])
    with open(output, "w") as out:
        for t, ip, ua, method, target, status, referrer in entries:
            stamp = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
            out.write('%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s"\n'
                      % (ip, stamp, method, target, status, 200 + len(target), referrer, ua))


if __name__ == "__main__":
    main()
