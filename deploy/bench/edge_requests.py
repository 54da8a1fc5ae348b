#!/usr/bin/env python3
"""Writes the wrk Lua script of deploy/bench/edge.sh: beacons as a real site's visitors send them,
50,000 people on public addresses (an eighth IPv6; X-Forwarded-For from a trusted proxy, so GeoIP
looks each up and the rate limiter keeps a bucket per person), each with one of 30 browsers'
User-Agents, on 300 pages with varied referrers. nginx gets the very same requests.
Usage: edge_requests.py <site> <output.lua>"""
import sys

from access_log import PAGES, REFERRERS, address
from agents import AGENTS

site, output = sys.argv[1], sys.argv[2]


def lua(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encoded(url):
    return url.replace("%", "%25").replace(":", "%3A").replace("/", "%2F").replace("?", "%3F").replace("=", "%3D") \
        .replace("&", "%26")


with open(output, "w") as out:
    out.write("local agents = {%s}\n" % ", ".join(lua(a) for a in AGENTS))
    out.write("local pages = {%s}\n" % ", ".join(lua(encoded("https://%s%s" % (site, p))) for p in PAGES))
    out.write("local referrers = {%s}\n" % ", ".join(lua("" if r == "-" else "&r=" + encoded(r)) for r in REFERRERS))
    out.write("local addresses = {%s}\n" % ", ".join(lua(address(person)) for person in range(50_000)))
    out.write("""
request = function()
  local person = math.random(#addresses)
  local path = "/api/v1/beacon?s=%s&u=" .. pages[math.random(#pages)] .. referrers[math.random(#referrers)] .. "&w=1440"
  return wrk.format("GET", path, {["User-Agent"] = agents[person %% #agents + 1], ["X-Forwarded-For"] = addresses[person]})
end
""" % site)
