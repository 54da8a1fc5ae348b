#!/usr/bin/env bash
# Starts and stops the real services Vulcan Tracker needs on this machine: Redis (Debian's
# redis-server, AOF on) and a single-node Cassandra 5.0 run from the cassandra-all jars that Maven
# fetches. Idempotent and PID-file based: "start" leaves a running service alone, "stop" only stops
# what a PID file names.
#
#   deploy/local/services.sh start|stop|status [redis|cassandra]
#
# Environment (defaults in brackets):
#   VULCAN_LOCAL_DIR       where data, logs and PID files live      [<repo>/.local]
#   VULCAN_REDIS_PORT      Redis port                               [6379]
#   VULCAN_CQL_PORT        Cassandra CQL port                       [9042]
#   VULCAN_STORAGE_PORT    Cassandra internode port                 [7000]
#   VULCAN_CASSANDRA_HEAP  Cassandra heap                           [512M]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
local_dir=${VULCAN_LOCAL_DIR:-$repo/.local}
redis_port=${VULCAN_REDIS_PORT:-6379}
cql_port=${VULCAN_CQL_PORT:-9042}
storage_port=${VULCAN_STORAGE_PORT:-7000}
heap=${VULCAN_CASSANDRA_HEAP:-512M}

redis_dir=$local_dir/redis-$redis_port
cassandra_dir=$local_dir/cassandra-$cql_port

say() { echo "[services] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A killed daemon can stay a zombie where nothing reaps orphans (PID 1 of a container): kill -0
# still succeeds on it, so its state in /proc decides.
pid_alive() {
  [ -f "$1" ] || return 1
  local pid; pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# Waits until a TCP port answers, or the process behind the PID file dies, or the time runs out.
wait_for_port() {
  local name=$1 port=$2 pidfile=$3 seconds=$4 log=$5
  for ((i = 0; i < seconds * 4; i++)); do
    port_open "$port" && return 0
    pid_alive "$pidfile" || { tail -n 30 "$log" >&2 || true; die "$name exited before port $port answered (log: $log)"; }
    sleep 0.25
  done
  tail -n 30 "$log" >&2 || true
  die "$name did not answer on port $port within ${seconds}s (log: $log)"
}

ensure_redis_installed() {
  command -v redis-server >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "redis-server is not on PATH; installing Debian's redis-server"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2 \
      || die "could not install redis-server with apt-get"
    # Debian's package starts a system Redis on 6379; ours runs on its own, so stop that one.
    (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
  else
    die "redis-server (>= 6.2) is not on PATH and apt-get is not usable; install Redis and retry"
  fi
}

start_redis() {
  local pidfile=$redis_dir/redis.pid
  if pid_alive "$pidfile"; then say "Redis already running on port $redis_port"; return 0; fi
  port_open "$redis_port" && die "port $redis_port is taken by another process; set VULCAN_REDIS_PORT"
  ensure_redis_installed
  mkdir -p "$redis_dir"
  # A killed Redis leaves its PID file behind; waiting on it would read the dead PID before the new
  # daemon has written its own, and report the new Redis as having exited.
  rm -f "$pidfile"
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" \
    --appendonly yes --appendfsync everysec --save "" \
    --daemonize yes --pidfile "$pidfile" --logfile "$redis_dir/redis.log" \
    || die "redis-server failed to start (log: $redis_dir/redis.log)"
  for ((i = 0; i < 40; i++)); do [ -s "$pidfile" ] && break; sleep 0.25; done
  wait_for_port Redis "$redis_port" "$pidfile" 20 "$redis_dir/redis.log"
  say "Redis up on 127.0.0.1:$redis_port (data: $redis_dir)"
}

# The runtime classpath of cassandra-all, resolved by Maven once and cached beside the data.
cassandra_classpath() {
  local cpfile=$local_dir/cassandra.classpath
  if [ ! -s "$cpfile" ] || [ "$here/cassandra/pom.xml" -nt "$cpfile" ]; then
    mkdir -p "$local_dir"
    say "resolving cassandra-all with Maven (first time only)"
    mvn -q -B -f "$here/cassandra/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$cpfile" > "$local_dir/maven-cassandra.log" 2>&1 \
      || { cat "$local_dir/maven-cassandra.log" >&2; die "Maven could not resolve cassandra-all"; }
  fi
  cat "$cpfile"
}

# The add-opens/add-exports list of Cassandra 5.0's conf/jvm17-server.options: Cassandra reaches
# into JDK internals and fails on Java 17 without them.
cassandra_jvm_options() {
  cat <<OPTS
-Djdk.attach.allowAttachSelf=true
--add-exports java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports java.sql/java.sql=ALL-UNNAMED
--add-exports java.base/java.lang.ref=ALL-UNNAMED
--add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens java.base/java.lang.module=ALL-UNNAMED
--add-opens java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens java.base/jdk.internal.math=ALL-UNNAMED
--add-opens java.base/jdk.internal.module=ALL-UNNAMED
--add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens java.base/sun.nio.ch=ALL-UNNAMED
--add-opens java.base/java.io=ALL-UNNAMED
--add-opens java.base/java.lang.reflect=ALL-UNNAMED
--add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
--add-opens java.base/java.lang=ALL-UNNAMED
--add-opens java.base/java.util=ALL-UNNAMED
-Dio.netty.tryReflectionSetAccessible=true
OPTS
}

start_cassandra() {
  local pidfile=$cassandra_dir/cassandra.pid log=$cassandra_dir/stdout.log
  if pid_alive "$pidfile"; then say "Cassandra already running on port $cql_port"; return 0; fi
  port_open "$cql_port" && die "port $cql_port is taken by another process; set VULCAN_CQL_PORT"
  port_open "$storage_port" && die "port $storage_port is taken by another process; set VULCAN_STORAGE_PORT"
  command -v java >/dev/null || die "java is not on PATH"
  local cp; cp=$(cassandra_classpath)
  mkdir -p "$cassandra_dir/triggers"
  sed -e "s#@DATA@#$cassandra_dir#g" -e "s#@CQL_PORT@#$cql_port#g" -e "s#@STORAGE_PORT@#$storage_port#g" \
    "$here/cassandra/cassandra.yaml.template" > "$cassandra_dir/cassandra.yaml"
  # shellcheck disable=SC2046
  nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Xss512k \
    $(cassandra_jvm_options) \
    -Dcassandra.config="file://$cassandra_dir/cassandra.yaml" \
    -Dcassandra.storagedir="$cassandra_dir" \
    -Dcassandra.logdir="$cassandra_dir" \
    -Dlogback.configurationFile="$here/cassandra/logback.xml" \
    -Dcassandra-foreground=yes \
    -Dcassandra.triggers_dir="$cassandra_dir/triggers" \
    -XX:+ExitOnOutOfMemoryError \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.ring_delay_ms=1000 \
    -Dcassandra.superuser_setup_delay_ms=0 \
    -cp "$cp" org.apache.cassandra.service.CassandraDaemon > "$log" 2>&1 &
  echo $! > "$pidfile"
  wait_for_port Cassandra "$cql_port" "$pidfile" 180 "$log"
  say "Cassandra up on 127.0.0.1:$cql_port (data: $cassandra_dir)"
}

# stop_pidfile <name> <pid file> <its output>: a process that had died on its own (its pid file is
# still there) is reported with the end of its output, which says why (say, an OutOfMemoryError).
stop_pidfile() {
  local name=$1 pidfile=$2 output=$3
  if ! pid_alive "$pidfile"; then
    if [ -f "$pidfile" ]; then
      say "$name had died before this stop; the end of $output:"
      tail -n 5 "$output" >&2 || true
    else
      say "$name not running"
    fi
    rm -f "$pidfile"
    return 0
  fi
  local pid; pid=$(cat "$pidfile")
  kill "$pid"
  for ((i = 0; i < 120 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0) == 1; i++)); do sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && { say "$name did not stop in 30 s; killing it"; kill -9 "$pid" || true; }
  rm -f "$pidfile"
  say "$name stopped"
}

stop_redis() { stop_pidfile Redis "$redis_dir/redis.pid" "$redis_dir/redis.log"; }
stop_cassandra() { stop_pidfile Cassandra "$cassandra_dir/cassandra.pid" "$cassandra_dir/stdout.log"; }

status() {
  pid_alive "$redis_dir/redis.pid" && say "Redis running on $redis_port" || say "Redis not running"
  pid_alive "$cassandra_dir/cassandra.pid" && say "Cassandra running on $cql_port" || say "Cassandra not running"
}

action=${1:-}
which=${2:-all}
case "$action:$which" in
  start:redis) start_redis ;;
  start:cassandra) start_cassandra ;;
  start:all) start_redis; start_cassandra ;;
  stop:redis) stop_redis ;;
  stop:cassandra) stop_cassandra ;;
  stop:all) stop_cassandra; stop_redis ;;
  status:*) status ;;
  *) echo "usage: $0 start|stop|status [redis|cassandra]" >&2; exit 2 ;;
esac
