# Sourced by the scripts that start nodes (deploy/local/run.sh, deploy/test.sh, deploy/bench/node.sh),
# so that one rule picks the Java a node runs on.
#
# node_java prints it: $VULCAN_JAVA when set; else a Temurin 25 under /usr/lib/jvm when the machine
# has one, the runtime of the image (deploy/kubernetes/Dockerfile); else `java` on PATH (17 or later:
# the jar is built for 17). Cassandra (deploy/local/services.sh) stays on `java`: 5.0 does not start
# on 25. The forwarder runs on whatever Java the log's machine has.
#
# Why 25 for the node: the same jar used about a tenth less CPU on it, cold and warm (deploy/bench/logs.sh
# on a 1M-line import: the node's CPU 18.2-18.8 s against 20.3-20.8 s in fresh nodes interleaved on one
# set of services, 7.4 s against 8.1 s warm), mostly from its newer JIT compilers and G1.
node_java() {
  if [ -n "${VULCAN_JAVA:-}" ]; then
    echo "$VULCAN_JAVA"
    return
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25*/bin/java; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
  echo java
}
