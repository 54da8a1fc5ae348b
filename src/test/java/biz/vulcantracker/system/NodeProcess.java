package biz.vulcantracker.system;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vulcan Tracker node as operators run it, {@code java -jar target/vulcan-tracker.jar}, in its own
 * process on loopback with its own ports, configured through the environment (project-config's
 * cluster overlay) and sharing the test Redis and Cassandra. Killed with SIGKILL when a test says so.
 */
final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int httpPort;
  final int managementPort;
  final int remotePort;
  final Path log;
  private final Process process;

  private NodeProcess(String name, int httpPort, int managementPort, int remotePort, Path log, Process process) {
    this.name = name;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.remotePort = remotePort;
    this.log = log;
    this.process = process;
  }

  /** A free loopback port (closed again at once; the node binds it a moment later). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts a node with the given roles; {@code seedRemotePort} is the Artery port of the first node
   * (its own for the first).
   */
  static NodeProcess start(String name, String roles, String prefix, int remotePort, int seedRemotePort, Path directory)
      throws IOException {
    return start(name, roles, prefix, remotePort, seedRemotePort, directory, Map.of());
  }

  /** The same with more of the environment (settings a test needs beyond the cluster's). */
  static NodeProcess start(String name, String roles, String prefix, int remotePort, int seedRemotePort, Path directory,
      Map<String, String> more) throws IOException {
    int httpPort = freePort();
    int managementPort = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = directory.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx640m", "-XX:+UseSerialGC", "-jar",
        Path.of("target/vulcan-tracker.jar").toAbsolutePath().toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("VULCAN_ENV", "cluster");
    env.put("VULCAN_ROLES", roles);
    env.put("VULCAN_HTTP_PORT", Integer.toString(httpPort));
    env.put("VULCAN_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("VULCAN_REMOTE_PORT", Integer.toString(remotePort));
    env.put("VULCAN_SEED_NODES", "pekko://vulcan@127.0.0.1:" + seedRemotePort);
    env.put("VULCAN_REDIS_URI", IntegrationFixture.redisUri());
    env.put("VULCAN_CASSANDRA_CONTACT_POINTS", IntegrationFixture.cassandraContactPoints());
    env.put("VULCAN_KEYSPACE_PREFIX", prefix);
    env.put("VULCAN_STREAM_PREFIX", prefix);
    env.put("VULCAN_ADMIN_TOKEN", IntegrationFixture.ADMIN_TOKEN);
    env.put("VULCAN_TRUSTED_PROXIES", "127.0.0.1/32");
    env.put("VULCAN_SPOOL_DIR", directory.resolve(name + "-spool").toString());
    env.putAll(more);
    return new NodeProcess(name, httpPort, managementPort, remotePort, log, builder.start());
  }

  /**
   * The cluster the failover tests run: node-0 with the edge and the reports but no katric (it
   * reaches the entities and live topics through the cluster; it starts first and creates the
   * schema), node-1 and node-2 with katric; added to {@code nodes} as they start (the caller closes
   * them), returned once all three are ready and Up.
   */
  static void startEdgeAndTwoKatric(String prefix, Path directory, List<NodeProcess> nodes) throws Exception {
    int seed = freePort();
    nodes.add(start("node-0", "beacon,scuttlebutt", prefix, seed, seed, directory));
    nodes.get(0).awaitReady(Duration.ofMinutes(3));
    nodes.add(start("node-1", "katric", prefix, freePort(), seed, directory));
    nodes.add(start("node-2", "katric", prefix, freePort(), seed, directory));
    for (NodeProcess node : nodes) {
      node.awaitReady(Duration.ofMinutes(3));
    }
    IntegrationFixture.eventually(Duration.ofSeconds(30),
        () -> org.assertj.core.api.Assertions.assertThat(nodes.get(0).upMembers()).isEqualTo(3));
  }

  /** Waits until {@code /ready} answers 200 (Redis, Cassandra, cluster membership). */
  void awaitReady(Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      if (status("/ready") == 200) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(name + " not ready after " + timeout + ":\n" + tail());
  }

  int status(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String management(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * The partitions this node's log says it consumes, reading from byte {@code from} on: started and
   * not stopped since.
   */
  Set<Integer> partitionsConsumed(long from) {
    Set<Integer> partitions = new TreeSet<>();
    Matcher matcher = Pattern.compile("(Stopped consuming|Consuming) partition (\\d+)").matcher(logFrom(from));
    while (matcher.find()) {
      if (matcher.group(1).equals("Consuming")) {
        partitions.add(Integer.parseInt(matcher.group(2)));
      } else {
        partitions.remove(Integer.parseInt(matcher.group(2)));
      }
    }
    return partitions;
  }

  /** The sites whose entities this node's log says it recovered (started). */
  Set<String> sitesRecovered() {
    Set<String> sites = new TreeSet<>();
    Matcher matcher = Pattern.compile("Site (\\S+) recovered on this node").matcher(logFrom(0));
    while (matcher.find()) {
      sites.add(matcher.group(1));
    }
    return sites;
  }

  long logSize() throws IOException {
    return Files.size(log);
  }

  private String logFrom(long from) {
    try {
      byte[] bytes = Files.readAllBytes(log);
      int start = (int) Math.min(from, bytes.length);
      return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Members with status Up, from pekko-management's read-only /cluster/members. */
  int upMembers() {
    try {
      int up = 0;
      for (JsonNode member : ApiClient.json(management("/cluster/members")).path("members")) {
        up += member.path("status").asText().equals("Up") ? 1 : 0;
      }
      return up;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The value of one series of {@code /metrics} (name and labels as Prometheus prints them), or 0 if absent. */
  double metric(String series) throws Exception {
    for (String line : management("/metrics").split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /** SIGKILL: no shutdown hook, no leaving the cluster, no acknowledgement sent. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: CoordinatedShutdown
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
