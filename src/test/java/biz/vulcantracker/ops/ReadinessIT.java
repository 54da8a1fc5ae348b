package biz.vulcantracker.ops;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} is true only while Redis and Cassandra answer; {@code /alive} only says the
 * process runs. While Redis is away the edge answers 503 queue_unavailable.
 */
class ReadinessIT {

  /** One keyspace and stream prefix for the class: making a keyspace is most of a test's start. */
  private static final String PREFIX = IntegrationFixture.freshPrefix("ready");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readyWhenRedisAndCassandraAnswer() throws Exception {
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(PREFIX))) {
      eventually(Duration.ofSeconds(20), () -> assertThat(status(node, "/ready")).isEqualTo(200));
      assertThat(status(node, "/alive")).isEqualTo(200);
    }
  }

  @Test
  void notReadyAndRefusingHitsWhileRedisIsAway() throws Exception {
    String prefix = PREFIX;
    // Nothing listens on port 1: Redis is "down" for this node from the start.
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix,
        Map.of("vulcan.redis.uri", "redis://127.0.0.1:1", "vulcan.redis.command-timeout", "1s",
            "vulcan.beacon.spool.max-bytes", 0)))) { // no spool: the edge has nowhere to put hits
      ApiClient api = new ApiClient(node.httpPort());
      api.createSite("down.example", List.of("down.example"), "UTC");
      assertThat(status(node, "/alive")).isEqualTo(200);
      assertThat(status(node, "/ready")).isNotEqualTo(200);

      HttpResponse<String> beacon = api.beaconGet("s=down.example&u=https://down.example/", "192.0.2.1", "UA");
      assertThat(beacon.statusCode()).isEqualTo(503);
      assertThat(ApiClient.json(beacon).path("error").asText()).isEqualTo("queue_unavailable");
    }
  }

  @Test
  void anEdgeThatCanSpoolStaysReadyWhileRedisIsAway() throws Exception {
    String prefix = PREFIX;
    try (VulcanNode full = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      new ApiClient(full.httpPort()).createSite("spool.example", List.of("spool.example"), "UTC");
    }
    // An edge-only node whose Redis is away stays ready: its spool takes the hits (RedisOutageIT).
    // This one started without Redis; the day's salts live in the cluster's memory, not in Redis,
    // so it makes visitor ids all the same and spools the hit.
    try (VulcanNode edge = VulcanNode.start(IntegrationFixture.nodeConfig(prefix,
        Map.of("vulcan.roles", "beacon", "vulcan.redis.uri", "redis://127.0.0.1:1", "vulcan.redis.command-timeout", "1s")))) {
      eventually(Duration.ofSeconds(20), () -> assertThat(status(edge, "/ready")).isEqualTo(200));
      HttpResponse<String> beacon = new ApiClient(edge.httpPort())
          .beaconGet("s=spool.example&u=https://spool.example/", "192.0.2.1", "UA");
      assertThat(beacon.statusCode()).as(beacon.body()).isEqualTo(204);
    }
    // Without a spool the same edge is not ready while Redis is away.
    try (VulcanNode edge = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of("vulcan.roles", "beacon",
        "vulcan.redis.uri", "redis://127.0.0.1:1", "vulcan.redis.command-timeout", "1s", "vulcan.beacon.spool.max-bytes", 0)))) {
      eventually(Duration.ofSeconds(10), () -> assertThat(status(edge, "/ready")).isNotEqualTo(200));
    }
  }

  private int status(VulcanNode node, String path) {
    try {
      URI uri = URI.create(node.managementUri().toString() + path);
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
