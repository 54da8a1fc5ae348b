package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.queue.QueueSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in three processes on loopback — one with the edge and the reports, two with katric —
 * under {@link #RATE} beacons a second for twelve sites. The reports node hosts no entity: its live
 * WebSocket gets updates from an entity's topic on another node, and its realtime query asks an
 * entity through the cluster. One katric node is killed with SIGKILL mid-stream while it holds
 * entries it read and had not acknowledged (checked in Redis right after the kill): the Split Brain
 * Resolver downs it, its site entities recover on the other from the journal, its partitions'
 * consumers restart there and re-read those entries. In the end every hit answered 204 is counted
 * exactly once, per site: pageviews, and visitors (each beacon comes from an address of its own).
 */
class ClusterFailoverIT {

  private static final int SITES = 12;
  private static final int RATE = 500;
  private static final Duration BEFORE_KILL = Duration.ofSeconds(8);
  private static final Duration AFTER_KILL = Duration.ofSeconds(24);

  @TempDir Path directory;

  @Test
  void aKatricNodeKilledMidStreamLosesAndDoublesNothing() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("failover");
    QueueSettings queue = QueueSettings.create(ConfigFactory.load());
    List<NodeProcess> nodes = new ArrayList<>();
    try (RedisClient redis = IntegrationFixture.redisClient()) {
      RedisCommands<String, String> commands = redis.connect().sync();
      NodeProcess.startEdgeAndTwoKatric(prefix, directory, nodes);
      NodeProcess edge = nodes.get(0);

      ApiClient api = new ApiClient(edge.httpPort);
      Map<String, ApiClient.SiteKeys> sites = new ConcurrentHashMap<>();
      for (int s = 0; s < SITES; s++) {
        String id = "failover" + s + ".example";
        sites.put(id, api.createSite(id, List.of(id), "UTC"));
      }

      // A live WebSocket on the reports node, fed by an entity on a katric node.
      LiveMessages live = LiveMessages.open(edge.httpPort, "failover0.example", sites.get("failover0.example").reportKey());
      List<String> liveMessages = live.messages();

      LocalDate firstDay = LocalDate.now(ZoneOffset.UTC);
      BeaconLoad beacons = BeaconLoad.atRate(api, RATE, sites.keySet().stream().sorted().toArray(String[]::new));
      Thread.sleep(BEFORE_KILL.toMillis());
      // The victim runs consumers of partitions that carry these sites' hits (twelve sites leave some
      // of the sixteen partitions empty): ShardedDaemonProcess moves consumers onto joining nodes a
      // few at a time, so wait for that if it has not happened yet, and take the node with more.
      Set<Integer> sitePartitions = new TreeSet<>();
      sites.keySet().forEach(site -> sitePartitions.add(queue.partitionOf(site)));
      eventually(Duration.ofSeconds(90), () -> {
        assertThat(nodes.get(1).partitionsConsumed(0)).isNotEmpty();
        assertThat(nodes.get(2).partitionsConsumed(0)).isNotEmpty();
        Set<Integer> consumed = new TreeSet<>(nodes.get(1).partitionsConsumed(0));
        consumed.addAll(nodes.get(2).partitionsConsumed(0));
        assertThat(consumed).containsAll(sitePartitions);
      });
      NodeProcess victim = busier(nodes.get(1), nodes.get(2), sitePartitions);
      NodeProcess survivor = victim == nodes.get(1) ? nodes.get(2) : nodes.get(1);
      long[] logsAtKill = {edge.logSize(), survivor.logSize()};
      Set<Integer> victimPartitions = victim.partitionsConsumed(0);
      // Killed while it holds entries: a consumer's name is the same wherever it runs, so what is
      // pending on the victim's partitions is what the victim read and had not acknowledged.
      eventually(Duration.ofSeconds(20), () -> assertThat(pending(commands, queue, prefix, victimPartitions)).isPositive());
      victim.kill();
      long heldAtKill = pending(commands, queue, prefix, victimPartitions);
      System.out.printf("ClusterFailoverIT: the killed node held %d unacknowledged entries of partitions %s%n", heldAtKill, victimPartitions);
      assertThat(heldAtKill).as("entries the killed node held").isPositive();
      Thread.sleep(AFTER_KILL.toMillis());
      beacons.close();

      int sent = beacons.answered204();
      double seconds = (BEFORE_KILL.toMillis() + AFTER_KILL.toMillis()) / 1000.0;
      System.out.printf("ClusterFailoverIT: %d beacons answered 204 in about %.0f s (%.0f a second)%n", sent, seconds, sent / seconds);
      assertThat(sent).as("beacons answered 204").isGreaterThan((int) (RATE * seconds * 0.8));
      // The edge never depended on the killed node: nothing was refused.
      assertThat(beacons.refused()).isZero();
      // The reports node, which hosts no entity, got live updates and asks entities for realtime visitors.
      eventually(Duration.ofSeconds(60), () -> assertThat(liveMessages)
          .anySatisfy(message -> assertThat(ApiClient.json(message).path("aggregate").path("pageviews").asLong()).isPositive()));
      live.socket().abort();
      // An entity that moved to a survivor reads today back from the table first; under this load a
      // read can time out, and the entity then answers from what it holds until a read succeeds.
      eventually(Duration.ofSeconds(60), () -> assertThat(ApiClient.json(api.get("/api/v1/sites/failover1.example/realtime/visitors",
          sites.get("failover1.example").reportKey())).path("visitors").asInt()).isPositive());
      eventually(Duration.ofSeconds(30), () -> assertThat(edge.upMembers()).isEqualTo(2));
      // Its partitions' consumers were started again on the survivors after the kill.
      eventually(Duration.ofSeconds(60), () -> {
        Set<Integer> restarted = new TreeSet<>(edge.partitionsConsumed(logsAtKill[0]));
        restarted.addAll(survivor.partitionsConsumed(logsAtKill[1]));
        assertThat(restarted).as("partitions restarted on the survivors").containsAll(victimPartitions);
      });

      LocalDate lastDay = firstDay.plusDays(1); // should the test cross midnight (UTC)
      eventually(Duration.ofSeconds(150), () -> assertCountedOnce(api, sites, beacons, firstDay, lastDay));
      // Counted once: nothing more arrives later, and nothing is left pending in the streams.
      eventually(Duration.ofSeconds(30), () -> assertThat(IntegrationFixture.queuedEntries(commands, prefix)).isZero());
      Thread.sleep(3_000);
      assertCountedOnce(api, sites, beacons, firstDay, lastDay);
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
    }
  }

  private static void assertCountedOnce(ApiClient api, Map<String, ApiClient.SiteKeys> sites, BeaconLoad beacons,
      LocalDate firstDay, LocalDate lastDay) {
    for (String site : sites.keySet()) {
      String key = sites.get(site).reportKey();
      assertThat(api.aggregate(site, key, "pageviews", firstDay, lastDay)).as(site + " pageviews").isEqualTo(beacons.answered204(site));
      assertThat(api.aggregate(site, key, "visitors", firstDay, lastDay)).as(site + " visitors").isEqualTo(beacons.answered204(site));
      // The ledger counted each entry once although the killed node's were delivered again: every
      // hit received is counted, none is a duplicate.
      JsonNode days = ApiClient.json(api.get("/api/v1/sites/" + site + "/ledger?period=custom&from=" + firstDay + "&to=" + lastDay, key))
          .get("results");
      long received = 0;
      long counted = 0;
      for (JsonNode day : days) {
        received += day.get("received").asLong();
        counted += day.get("counted").asLong();
        assertThat(day.get("duplicates").size()).as(site + " duplicates on " + day.get("date")).isZero();
      }
      assertThat(received).as(site + " received in the ledger").isEqualTo(beacons.answered204(site));
      assertThat(counted).as(site + " counted in the ledger").isEqualTo(beacons.answered204(site));
    }
  }

  /** Of two nodes, the one that consumes more of the given partitions. */
  private static NodeProcess busier(NodeProcess one, NodeProcess other, Set<Integer> partitions) {
    Set<Integer> ofOne = new TreeSet<>(one.partitionsConsumed(0));
    ofOne.retainAll(partitions);
    Set<Integer> ofOther = new TreeSet<>(other.partitionsConsumed(0));
    ofOther.retainAll(partitions);
    return ofOne.size() >= ofOther.size() ? one : other;
  }

  /** Entries read and not acknowledged (XPENDING) on the given partitions. */
  private static long pending(RedisCommands<String, String> commands, QueueSettings queue, String prefix, Set<Integer> partitions) {
    long pending = 0;
    for (int partition : partitions) {
      pending += commands.xpending(prefix + ":hits:" + partition, queue.consumerGroup()).getCount();
    }
    return pending;
  }
}
