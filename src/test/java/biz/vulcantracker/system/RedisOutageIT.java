package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.telemetry.Telemetry;
import io.lettuce.core.RedisClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis killed with SIGKILL in the middle of a steady stream of beacons, and started again ten
 * seconds later from its append-only file. Meanwhile the edge keeps answering 204, spooling the
 * hits to disk; once Redis is back the spool is replayed in order. Every hit answered 204 is
 * counted exactly once. And an edge that starts while Redis is away (so it never read anything from
 * Redis: no salt, no cache) accepts beacons until its spool is full, then answers 503 and its
 * {@code /ready} says so.
 */
class RedisOutageIT {

  /** One keyspace and stream prefix for the class: making a keyspace is most of a test's start. */
  private static final String PREFIX = IntegrationFixture.freshPrefix("redisout");

  @Test
  void anEdgeStartedWhileRedisIsAwayTakesBeaconsUntilItsSpoolIsFull() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = PREFIX;
    ApiClient.SiteKeys site;
    try (VulcanNode first = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      site = new ApiClient(first.httpPort()).createSite("redisaway.example", List.of("redisaway.example"), "UTC");
    }
    killRedis();
    int answered204 = 0;
    // An edge (no katric role: katric needs Redis to be ready at all).
    try (VulcanNode edge = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of(
        "vulcan.roles", "beacon,scuttlebutt", "vulcan.beacon.spool.max-bytes", "512KiB")))) {
      ApiClient api = new ApiClient(edge.httpPort());
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create(edge.managementUri() + "/ready");
      eventually(Duration.ofSeconds(30), () -> assertThat(status(http, ready)).as("ready on its spool").isEqualTo(200));
      // A steady stream first: every one taken (the node holds no salt of Redis's; the cluster makes its own).
      for (int i = 0; i < 300; i++) {
        HttpResponse<String> answer = api.beaconGet("s=redisaway.example&u=https%3A%2F%2Fredisaway.example%2Fp" + i,
            "203.0.113." + (i % 200 + 1), "Firefox " + i);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
        answered204++;
      }
      assertThat(status(http, ready)).isEqualTo(200);
      // Then until the spool is full: the refusal is the full spool's, and /ready turns false.
      HttpResponse<String> refused = null;
      for (int i = 0; i < 20_000 && refused == null; i++) {
        HttpResponse<String> answer = api.beaconGet("s=redisaway.example&u=https%3A%2F%2Fredisaway.example%2Ffill" + i,
            "198.51.100." + (i % 200 + 1), "Firefox " + i);
        if (answer.statusCode() == 204) {
          answered204++;
        } else {
          refused = answer;
        }
      }
      assertThat(refused).as("the spool filled").isNotNull();
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(ApiClient.json(refused.body()).path("error").asText()).isEqualTo("queue_unavailable");
      assertThat(status(http, ready)).as("not ready with a full spool and no Redis").isNotEqualTo(200);

      IntegrationFixture.services("start", "redis");
      var telemetry = Telemetry.get(edge.system()).registry();
      eventually(Duration.ofSeconds(60), () -> assertThat(telemetry.get("vulcan.spool.backlog").gauge().value()).isZero());
      eventually(Duration.ofSeconds(30), () -> assertThat(status(http, ready)).isEqualTo(200));
    } finally {
      IntegrationFixture.services("start", "redis"); // a no-op when it runs; the next tests need it
    }
    // Counted once, by a node with every role, from what the spool replayed into Redis.
    int expected = answered204;
    try (VulcanNode counting = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      ApiClient api = new ApiClient(counting.httpPort());
      eventually(Duration.ofSeconds(120), () ->
          assertThat(api.aggregate("redisaway.example", site.reportKey(), "pageviews")).isEqualTo(expected));
      assertThat(api.aggregate("redisaway.example", site.reportKey(), "visitors")).isEqualTo(expected);
    }
  }

  private static int status(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void hitsAnsweredWhileRedisIsDeadAreSpooledReplayedAndCountedOnce() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = PREFIX;
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("redisdown.example", List.of("redisdown.example"), "UTC");

      var telemetry = Telemetry.get(node.system()).registry();
      BeaconLoad beacons = BeaconLoad.atRate(api, 25, "redisdown.example");
      try {
        eventually(Duration.ofSeconds(30), () -> assertThat(beacons.answered204()).isGreaterThan(50));
        killRedis();
        int atKill = beacons.answered204();
        // The outage: the edge goes on answering 204 without Redis, into the spool, for ten seconds.
        long outageEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        eventually(Duration.ofSeconds(30), () -> assertThat(beacons.answered204()).isGreaterThan(atKill + 50));
        assertThat(telemetry.get("vulcan.spool.backlog").gauge().value()).isPositive();
        Thread.sleep(Math.max(0, (outageEnds - System.nanoTime()) / 1_000_000));
        IntegrationFixture.services("start", "redis");
        int atRestart = beacons.answered204();
        eventually(Duration.ofSeconds(30), () -> assertThat(beacons.answered204()).isGreaterThan(atRestart + 50));
      } finally {
        beacons.close();
        IntegrationFixture.services("start", "redis"); // a no-op when it runs; the next tests need it
      }
      assertThat(beacons.refused()).isZero();
      int answered204 = beacons.answered204();

      eventually(Duration.ofSeconds(120), () ->
          assertThat(api.aggregate("redisdown.example", site.reportKey(), "pageviews")).isEqualTo(answered204));
      double spooled = telemetry.get("vulcan.spool.hits.spooled").functionCounter().count();
      assertThat(spooled).isGreaterThan(50);
      assertThat(telemetry.get("vulcan.spool.hits.replayed").functionCounter().count()).isEqualTo(spooled);
      assertThat(telemetry.get("vulcan.spool.backlog").gauge().value()).isZero();
      try (RedisClient redis = IntegrationFixture.redisClient()) {
        var commands = redis.connect().sync();
        eventually(Duration.ofSeconds(30), () -> assertThat(IntegrationFixture.queuedEntries(commands, prefix)).isZero());
      }
      Thread.sleep(3_000);
      assertThat(api.aggregate("redisdown.example", site.reportKey(), "pageviews")).isEqualTo(answered204);
      assertThat(api.aggregate("redisdown.example", site.reportKey(), "visitors")).isEqualTo(answered204);
    }
  }

  /** SIGKILL to the test Redis, by the PID file deploy/local/services.sh keeps. */
  private static void killRedis() throws Exception {
    Path pidFile = Path.of(System.getenv("VULCAN_LOCAL_DIR"), "redis-" + System.getenv("VULCAN_REDIS_PORT"), "redis.pid");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle redis = ProcessHandle.of(pid).orElseThrow();
    redis.destroyForcibly();
    redis.onExit().get();
  }
}
