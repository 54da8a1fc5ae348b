#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a laptop: starts its own Redis and Cassandra on
# non-default ports with fresh data (so a running local instance is left alone), runs every unit
# and integration test (mvn verify: surefire, then failsafe for *IT), and stops the services.
# Extra arguments go to Maven, e.g.  deploy/test.sh -Dit.test=PipelineIT
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

export VULCAN_LOCAL_DIR=$repo/.local/test
export VULCAN_REDIS_PORT=${VULCAN_TEST_REDIS_PORT:-16379}
export VULCAN_CQL_PORT=${VULCAN_TEST_CQL_PORT:-19042}
export VULCAN_STORAGE_PORT=${VULCAN_TEST_STORAGE_PORT:-17000}

# Debian packages the tests drive: Chromium for the browser tests (with playwright-core, never a
# downloaded browser), syslog-ng with its HTTP module for the stock-forwarder test, nginx for the
# script-coverage test (a site that writes an access log).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v syslog-ng >/dev/null || missing+=(syslog-ng-core)
ls /usr/lib/syslog-ng/*/libhttp.so >/dev/null 2>&1 || missing+=(syslog-ng-mod-http)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "[test] missing Debian packages and apt-get is not usable: install ${missing[*]}" >&2
    exit 1
  fi
fi
(cd src/test/web && npm install --no-audit --no-fund --loglevel=error)

services=deploy/local/services.sh
"$services" stop >/dev/null 2>&1 || true
rm -rf "$VULCAN_LOCAL_DIR"
trap '"$services" stop' EXIT
"$services" start

export VULCAN_REDIS_URI=redis://127.0.0.1:$VULCAN_REDIS_PORT
export VULCAN_CASSANDRA_CONTACT_POINTS=127.0.0.1:$VULCAN_CQL_PORT
# The integration tests, and the nodes they start, on the Java a node runs on (unit tests on Maven's).
. deploy/local/node-java.sh
mvn -B verify -Dvulcan.it.java="$(node_java)" "$@"
