package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cassandra stopped for 20 s in the middle of a steady stream of beacons, then started again. The
 * edge keeps answering 204 (it needs only Redis and its cached sites); the consumers' persists
 * fail, they back off and retry; when Cassandra is back every 204-answered hit is counted exactly
 * once, and nothing stays pending in the streams.
 */
class CassandraOutageIT {

  @Test
  void hitsAnsweredWhileCassandraIsDownAreCountedOnceWhenItIsBack() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("casdown");
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix));
        RedisClient redis = IntegrationFixture.redisClient()) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("casdown.example", List.of("casdown.example"), "UTC");

      BeaconLoad beacons = BeaconLoad.atRate(api, 25, "casdown.example");
      try {
        Thread.sleep(5_000);
        IntegrationFixture.services("stop", "cassandra");
        int atStop = beacons.answered204();
        Thread.sleep(20_000);
        // The edge went on taking hits without Cassandra.
        assertThat(beacons.answered204()).isGreaterThan(atStop + 100);
        IntegrationFixture.services("start", "cassandra");
        Thread.sleep(5_000);
      } finally {
        beacons.close();
        IntegrationFixture.services("start", "cassandra"); // a no-op when it is running; the next tests need it
      }
      assertThat(beacons.refused()).isZero();
      int answered204 = beacons.answered204();

      eventually(Duration.ofSeconds(180), () ->
          assertThat(api.aggregate("casdown.example", site.reportKey(), "pageviews")).isEqualTo(answered204));
      var commands = redis.connect().sync();
      eventually(Duration.ofSeconds(30), () -> assertThat(IntegrationFixture.queuedEntries(commands, prefix)).isZero());
      Thread.sleep(3_000);
      assertThat(api.aggregate("casdown.example", site.reportKey(), "pageviews")).isEqualTo(answered204);
      assertThat(api.aggregate("casdown.example", site.reportKey(), "visitors")).isEqualTo(answered204);
    }
  }
}
