package biz.vulcantracker;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.queue.QueueSettings;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stream entries delivered more than once never change the counts: the real consumer re-reads
 * entries whose acknowledgement failed, and takes over entries left pending by another consumer.
 */
class RedeliveryIT {

  private static final Duration WITHIN = Duration.ofSeconds(40);
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  private static RedisClient redisClient;
  private static RedisCommands<String, String> redis;

  @BeforeAll
  static void connect() {
    redisClient = IntegrationFixture.redisClient();
    redis = redisClient.connect().sync();
  }

  @AfterAll
  static void disconnect() {
    redisClient.shutdown();
  }

  /**
   * The node's Redis user may not XACK: every batch is persisted, its acknowledgement fails, the
   * consumer restarts and is handed the same entries again, over and over. Counts stay exact; once
   * acknowledging is allowed again, the entries are acknowledged and nothing is counted twice.
   */
  @Test
  void entriesRedeliveredAfterAFailedAcknowledgementAreCountedOnce() {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("redeliver");
    String user = prefix + "_noack";
    redis.aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.on().nopass().allKeys().allChannels().allCommands()
        .removeCommand(io.lettuce.core.protocol.CommandType.XACK));
    RedisURI server = RedisURI.create(IntegrationFixture.redisUri());
    String asUser = "redis://" + user + ":unused@" + server.getHost() + ":" + server.getPort();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of("vulcan.redis.uri", asUser)))) {
      ApiClient api = new ApiClient(node.httpPort());
      SiteKeys site = api.createSite("redeliver.example", List.of("redeliver.example"), "UTC");
      QueueSettings queue = QueueSettings.create(node.system().settings().config());
      String stream = queue.hitStream(queue.partitionOf(site.id()));
      for (int i = 0; i < 6; i++) {
        assertThat(api.beaconGet("s=redeliver.example&u=https://redeliver.example/" + i, "192.0.2." + (i % 3), "UA").statusCode()).isEqualTo(204);
      }
      // A log chunk: one entry of three pageviews by two more visitors and a skipped asset line.
      String time = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(5)
          .format(java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH));
      String lines = java.util.stream.Stream.of("198.51.100.1 GET /log/a", "198.51.100.1 GET /log/b", "198.51.100.2 GET /log/a",
              "198.51.100.2 GET /app.js")
          .map(l -> l.split(" ")).map(l -> l[0] + " - - [" + time + "] \"" + l[1] + " " + l[2] + " HTTP/1.1\" 200 512 \"-\" \"" + FIREFOX + "\"")
          .collect(java.util.stream.Collectors.joining("\n"));
      assertThat(ApiClient.json(api.postLog(site.id(), site.ingestToken(), "combined", lines, "batch-1")).path("queued").asLong()).isEqualTo(3);

      // Redelivered at least three times each while the counts stay where they belong.
      eventually(WITHIN, () -> {
        List<PendingMessage> pending = redis.xpending(stream, "katric", Range.unbounded(), Limit.from(100));
        assertThat(pending).hasSize(7);
        assertThat(pending).allSatisfy(p -> assertThat(p.getRedeliveryCount()).isGreaterThanOrEqualTo(3));
      });
      assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(9);
      assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(5);
      // Redis and Cassandra answer, but a consumer cannot make progress: the node is not ready.
      eventually(WITHIN, () -> assertThat(readiness(node)).isNotEqualTo(200));

      redis.aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.on().nopass().allKeys().allChannels().allCommands());
      eventually(WITHIN, () -> assertThat(redis.xpending(stream, "katric").getCount()).isZero());
      eventually(WITHIN, () -> assertThat(readiness(node)).isEqualTo(200));
      assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(9);
      assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(5);

      assertThat(api.beaconGet("s=redeliver.example&u=https://redeliver.example/more", "192.0.2.9", "UA").statusCode()).isEqualTo(204);
      eventually(WITHIN, () -> assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(10));
      assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(6);
      // The ledger too counted each entry (and each item of the chunk) once, however often it was delivered.
      var ledger = ApiClient.json(api.get("/api/v1/sites/" + site.id() + "/ledger?period=day", site.reportKey())).get("results").get(0);
      assertThat(ledger.get("received").asLong()).isEqualTo(11);
      assertThat(ledger.get("counted").asLong()).isEqualTo(10);
      assertThat(ledger.at("/skipped/static").asLong()).isEqualTo(1);
      assertThat(ledger.get("duplicates").size()).isZero();
    } finally {
      redis.aclDeluser(user);
    }
  }

  private static int readiness(VulcanNode node) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.managementUri() + "/ready")).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Entries read but never acknowledged — some under the partition's own consumer name (a crashed
   * incarnation), some under a name no consumer uses any more — are all counted once by the consumer
   * that starts next, together with the entries nobody read.
   */
  @Test
  void entriesLeftPendingByEarlierConsumersAreTakenOverAndCountedOnce() {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("takeover");
    SiteKeys site;
    String stream;
    // An edge without katric: hits wait in the stream.
    try (VulcanNode edge = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of("vulcan.roles", "beacon,scuttlebutt")))) {
      ApiClient api = new ApiClient(edge.httpPort());
      site = api.createSite("takeover.example", List.of("takeover.example"), "UTC");
      QueueSettings queue = QueueSettings.create(edge.system().settings().config());
      int partition = queue.partitionOf(site.id());
      stream = queue.hitStream(partition);
      for (int i = 0; i < 5; i++) {
        assertThat(api.beaconGet("s=takeover.example&u=https://takeover.example/" + i, "192.0.2." + i, "UA").statusCode()).isEqualTo(204);
      }
      redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0-0"), "katric", XGroupCreateArgs.Builder.mkstream());
      assertThat(redis.xreadgroup(Consumer.from("katric", queue.consumerName(partition)), XReadArgs.Builder.count(2),
          XReadArgs.StreamOffset.lastConsumed(stream))).hasSize(2);
      assertThat(redis.xreadgroup(Consumer.from("katric", "retired-consumer"), XReadArgs.Builder.count(3),
          XReadArgs.StreamOffset.lastConsumed(stream))).hasSize(3);
      for (int i = 5; i < 7; i++) {
        assertThat(api.beaconGet("s=takeover.example&u=https://takeover.example/" + i, "192.0.2.1", "UA").statusCode()).isEqualTo(204);
      }
      assertThat(redis.xpending(stream, "katric").getCount()).isEqualTo(5);
      assertThat(redis.xlen(stream)).isEqualTo(7);
    }

    try (VulcanNode processor = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      ApiClient api = new ApiClient(processor.httpPort());
      eventually(WITHIN, () -> {
        assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(7);
        assertThat(redis.xpending(stream, "katric").getCount()).isZero();
        assertThat(redis.xlen(stream)).isZero();
      });
      assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(5);
    }
  }
}
