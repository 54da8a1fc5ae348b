package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.telemetry.Telemetry;
import io.lettuce.core.RedisClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis killed with SIGKILL in the middle of a steady stream of beacons, and started again ten
 * seconds later from its append-only file. Meanwhile the edge keeps answering 204, spooling the
 * hits to disk; once Redis is back the spool is replayed in order. Every hit answered 204 is
 * counted exactly once.
 */
class RedisOutageIT {

  @Test
  void hitsAnsweredWhileRedisIsDeadAreSpooledReplayedAndCountedOnce() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("redisdown");
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("redisdown.example", List.of("redisdown.example"), "UTC");

      var telemetry = Telemetry.get(node.system()).registry();
      BeaconLoad beacons = BeaconLoad.atRate(api, 25, "redisdown.example");
      try {
        Thread.sleep(5_000);
        killRedis();
        int atKill = beacons.answered204();
        Thread.sleep(10_000);
        // The edge went on answering 204 without Redis: into the spool.
        assertThat(beacons.answered204()).isGreaterThan(atKill + 50);
        assertThat(telemetry.get("vulcan.spool.backlog").gauge().value()).isPositive();
        IntegrationFixture.services("start", "redis");
        Thread.sleep(5_000);
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
