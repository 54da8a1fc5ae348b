package biz.vulcantracker.ops;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in three processes on loopback — one with the edge and the reports, two with katric —
 * under a steady stream of beacons for twelve sites. The reports node hosts no entity: its live
 * WebSocket gets updates from an entity's topic on another node, and its realtime query asks an
 * entity through the cluster. One katric node is killed with SIGKILL mid-stream: the Split Brain
 * Resolver downs it, its site entities recover on the other from the journal, its partitions'
 * consumers restart there and re-read the entries it had read but not acknowledged. In the end
 * every hit answered 204 is counted exactly once, per site.
 */
class ClusterFailoverIT {

  private static final int SITES = 12;
  private static final Duration BEFORE_KILL = Duration.ofSeconds(8);
  private static final Duration AFTER_KILL = Duration.ofSeconds(24);

  @TempDir Path directory;

  @Test
  void aKatricNodeKilledMidStreamLosesAndDoublesNothing() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("failover");
    int seed = NodeProcess.freePort();
    List<NodeProcess> nodes = new ArrayList<>();
    try (RedisClient redis = IntegrationFixture.redisClient()) {
      // The edge and the reports without katric: they reach the entities and live topics through the cluster.
      nodes.add(NodeProcess.start("node-0", "beacon,scuttlebutt", prefix, seed, seed, directory));
      nodes.get(0).awaitReady(Duration.ofMinutes(3)); // the first creates the schema
      nodes.add(NodeProcess.start("node-1", "katric", prefix, NodeProcess.freePort(), seed, directory));
      nodes.add(NodeProcess.start("node-2", "katric", prefix, NodeProcess.freePort(), seed, directory));
      for (NodeProcess node : nodes) {
        node.awaitReady(Duration.ofMinutes(3));
      }
      NodeProcess edge = nodes.get(0);
      eventually(Duration.ofSeconds(30), () -> assertThat(upMembers(edge)).isEqualTo(3));

      ApiClient api = new ApiClient(edge.httpPort);
      Map<String, ApiClient.SiteKeys> sites = new ConcurrentHashMap<>();
      for (int s = 0; s < SITES; s++) {
        String id = "failover" + s + ".example";
        sites.put(id, api.createSite(id, List.of(id), "UTC"));
      }

      // A live WebSocket on the reports node, fed by an entity on a katric node.
      java.util.List<String> liveMessages = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.net.http.WebSocket live = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
          java.net.URI.create("ws://127.0.0.1:" + edge.httpPort + "/api/v1/sites/failover0.example/live?token="
              + sites.get("failover0.example").reportKey()),
          new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data, boolean last) {
              liveMessages.add(data.toString());
              socket.request(1);
              return null;
            }
          }).join();

      // A steady stream: ~40 beacons a second, each from its own client, spread over the sites.
      SteadyBeacons beacons = SteadyBeacons.start(api, "10.7.", 25, sites.keySet().stream().sorted().toArray(String[]::new));
      Thread.sleep(BEFORE_KILL.toMillis());
      // The victim runs some of the partitions' consumers: ShardedDaemonProcess moves them onto
      // joining nodes a few at a time, so wait for that if it has not happened yet.
      NodeProcess victim = nodes.get(1);
      eventually(Duration.ofSeconds(90), () -> assertThat(partitionsConsumedBy(victim, 0)).isNotEmpty());
      long[] logsAtKill = {Files.size(nodes.get(0).log), Files.size(nodes.get(2).log)};
      Set<String> victimPartitions = partitionsConsumedBy(victim, 0);
      victim.kill();
      Thread.sleep(AFTER_KILL.toMillis());
      beacons.close();

      int sent = beacons.answered204();
      assertThat(sent).as("beacons answered 204").isGreaterThan(500);
      // The edge never depended on the killed node: nothing was refused.
      assertThat(beacons.refused()).isZero();
      // The reports node, which hosts no entity, got live updates and asks entities for realtime visitors.
      eventually(Duration.ofSeconds(60), () -> assertThat(liveMessages)
          .anySatisfy(message -> assertThat(ApiClient.json(message).path("aggregate").path("pageviews").asLong()).isPositive()));
      live.abort();
      assertThat(ApiClient.json(api.get("/api/v1/sites/failover1.example/realtime/visitors",
          sites.get("failover1.example").reportKey())).path("visitors").asInt()).isPositive();
      eventually(Duration.ofSeconds(30), () -> assertThat(upMembers(edge)).isEqualTo(2));
      // Its partitions' consumers were started again on the survivors after the kill.
      eventually(Duration.ofSeconds(60), () -> {
        Set<String> restarted = new TreeSet<>(partitionsConsumedBy(nodes.get(0), logsAtKill[0]));
        restarted.addAll(partitionsConsumedBy(nodes.get(2), logsAtKill[1]));
        assertThat(restarted).as("partitions restarted on the survivors").containsAll(victimPartitions);
      });

      eventually(Duration.ofSeconds(150), () -> {
        for (String site : sites.keySet()) {
          int expected = beacons.answered204(site);
          assertThat(api.aggregate(site, sites.get(site).reportKey(), "pageviews")).as(site).isEqualTo(expected);
        }
      });
      // Counted once: nothing more arrives later, and nothing is left pending in the streams.
      RedisCommands<String, String> commands = redis.connect().sync();
      eventually(Duration.ofSeconds(30), () -> assertThat(IntegrationFixture.queuedEntries(commands, prefix)).isZero());
      Thread.sleep(3_000);
      for (String site : sites.keySet()) {
        assertThat(api.aggregate(site, sites.get(site).reportKey(), "pageviews")).as(site)
            .isEqualTo(beacons.answered204(site));
      }
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
    }
  }

  /**
   * The partitions a node's log says it consumes, reading from byte {@code from} on: started and
   * not stopped since.
   */
  private static Set<String> partitionsConsumedBy(NodeProcess node, long from) {
    try {
      Set<String> partitions = new TreeSet<>();
      byte[] log = Files.readAllBytes(node.log);
      String text = new String(log, (int) Math.min(from, log.length), (int) (log.length - Math.min(from, log.length)),
          java.nio.charset.StandardCharsets.UTF_8);
      Matcher matcher = Pattern.compile("(Stopped consuming|Consuming) partition (\\d+)").matcher(text);
      while (matcher.find()) {
        if (matcher.group(1).equals("Consuming")) {
          partitions.add(matcher.group(2));
        } else {
          partitions.remove(matcher.group(2));
        }
      }
      return partitions;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Members with status Up, from pekko-management's read-only /cluster/members. */
  private static int upMembers(NodeProcess node) {
    try {
      JsonNode members = ApiClient.json(node.management("/cluster/members")).path("members");
      int up = 0;
      for (JsonNode member : members) {
        up += member.path("status").asText().equals("Up") ? 1 : 0;
      }
      return up;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
