package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.queue.QueueSettings;
import com.typesafe.config.ConfigFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog drained by a cluster, as after any pause of the consumers (a restart, a rolling deploy,
 * a Cassandra hiccup): an edge-only node queues over 20,000 beacons for twelve sites while no katric
 * node runs; then two katric nodes start together and drain it. Each partition's consumer reads its
 * backlog in batches of thousands, and many of a site's hits go to an entity on the other node, as
 * remote messages: they must be split under Artery's frame size (they were not, and the cluster
 * stopped counting for good). Every beacon answered 204 is counted — pageviews, and visitors, each
 * beacon being a visitor of its own — within {@link #DRAIN_LIMIT}; the largest remote message and
 * journal event, as the nodes measured them, are printed and under the bound.
 */
class BacklogIT {

  private static final int SITES = 12;
  private static final int BEACONS = 20_400;
  /** From starting the katric nodes (their JVMs, joining, recovering) until every hit is counted. */
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(3);
  private static final long MAX_MESSAGE_BYTES = ConfigFactory.load().getBytes("vulcan.katric.max-message-bytes");

  @TempDir Path directory;

  @Test
  void twoKatricNodesDrainABacklogOfTwentyThousandHitsExactly() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("backlog");
    int seed = NodeProcess.freePort();
    List<NodeProcess> nodes = new ArrayList<>();
    try (RedisClient redis = IntegrationFixture.redisClient()) {
      RedisCommands<String, String> commands = redis.connect().sync();
      NodeProcess edge = NodeProcess.start("edge", "beacon,scuttlebutt", prefix, seed, seed, directory);
      nodes.add(edge);
      edge.awaitReady(Duration.ofMinutes(3));
      ApiClient api = new ApiClient(edge.httpPort);
      Map<String, ApiClient.SiteKeys> sites = new LinkedHashMap<>();
      for (int s = 0; s < SITES; s++) {
        String id = "backlog" + s + ".example";
        sites.put(id, api.createSite(id, List.of(id), "UTC"));
      }
      LocalDate firstDay = LocalDate.now(ZoneOffset.UTC);
      BeaconLoad beacons = BeaconLoad.send(api, BEACONS, sites.keySet().toArray(String[]::new));
      assertThat(beacons.refused()).as("beacons refused").isZero();
      assertThat(beacons.answered204()).isEqualTo(BEACONS);
      assertThat(IntegrationFixture.queuedEntries(commands, prefix)).as("the backlog in Redis").isEqualTo(BEACONS);

      long started = System.nanoTime();
      NodeProcess katric1 = NodeProcess.start("katric-1", "katric", prefix, NodeProcess.freePort(), seed, directory);
      NodeProcess katric2 = NodeProcess.start("katric-2", "katric", prefix, NodeProcess.freePort(), seed, directory);
      nodes.add(katric1);
      nodes.add(katric2);
      LocalDate lastDay = firstDay.plusDays(1); // should the drain cross midnight (UTC)
      eventually(DRAIN_LIMIT, () -> {
        for (String site : sites.keySet()) {
          String key = sites.get(site).reportKey();
          assertThat(api.aggregate(site, key, "pageviews", firstDay, lastDay)).as(site + " pageviews").isEqualTo(beacons.answered204(site));
          assertThat(api.aggregate(site, key, "visitors", firstDay, lastDay)).as(site + " visitors").isEqualTo(beacons.answered204(site));
        }
      });
      Duration drained = Duration.ofNanos(System.nanoTime() - started);
      eventually(Duration.ofSeconds(30), () -> assertThat(IntegrationFixture.queuedEntries(commands, prefix)).isZero());
      System.out.printf("BacklogIT: %d beacons for %d sites drained by two katric nodes %.1f s after they were started%n",
          BEACONS, SITES, drained.toMillis() / 1000.0);

      // Where each site's entity lived and which node consumed its partition: the sites counted
      // through remote messages. The metrics below prove such messages were sent.
      QueueSettings queue = QueueSettings.create(ConfigFactory.load());
      Map<String, String> remote = new TreeMap<>();
      for (NodeProcess consumer : List.of(katric1, katric2)) {
        NodeProcess other = consumer == katric1 ? katric2 : katric1;
        Set<String> elsewhere = other.sitesRecovered();
        for (String site : sites.keySet()) {
          if (consumer.partitionsConsumed(0).contains(queue.partitionOf(site)) && elsewhere.contains(site)) {
            remote.put(site, "partition " + queue.partitionOf(site) + " on " + consumer.name + ", entity on " + other.name);
          }
        }
      }
      System.out.println("BacklogIT: sites whose entity ran away from their partition's consumer: " + remote);

      double largestCommand = 0;
      double largestEvent = 0;
      for (NodeProcess node : List.of(katric1, katric2)) {
        largestCommand = Math.max(largestCommand, node.metric("vulcan_serialized_largest_bytes{type=\"RecordHits\"}"));
        largestEvent = Math.max(largestEvent, node.metric("vulcan_serialized_largest_bytes{type=\"BatchWritten\"}"));
        assertThat(node.metric("vulcan_serialized_oversized_total{type=\"RecordHits\"}")).isZero();
        assertThat(node.metric("vulcan_serialized_oversized_total{type=\"BatchWritten\"}")).isZero();
      }
      System.out.printf("BacklogIT: largest remote message (RecordHits) %.0f bytes, largest journal event (BatchWritten) %.0f bytes, bound %d%n",
          largestCommand, largestEvent, MAX_MESSAGE_BYTES);
      assertThat(largestCommand).as("a consumer sent hits to an entity on the other node").isPositive();
      assertThat(largestCommand).isLessThanOrEqualTo(MAX_MESSAGE_BYTES);
      // A journal event is a watermark: its size does not grow with the hits.
      assertThat(largestEvent).isPositive().isLessThan(256);
      // A backlog is drained in parts near the bound, not one hit at a time.
      assertThat(largestCommand).isGreaterThan(MAX_MESSAGE_BYTES / 4);
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
    }
  }
}
