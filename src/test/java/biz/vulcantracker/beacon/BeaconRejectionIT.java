package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad beacons against a real edge and Redis: each gets its status and JSON error code, and none of
 * them reaches Redis. The edge runs without katric, so anything appended would stay in the stream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BeaconRejectionIT {

  private static final String ONE_MEGABYTE = "x".repeat(1024 * 1024);

  private static String prefix;
  private static VulcanNode node;
  private static ApiClient api;
  private static RedisClient redisClient;
  private static RedisCommands<String, String> redis;

  @BeforeAll
  static void start() {
    prefix = IntegrationFixture.freshPrefix("rejection");
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of("vulcan.roles", "beacon,scuttlebutt")));
    api = new ApiClient(node.httpPort());
    api.createSite("shop.example", List.of("shop.example"), "UTC");
    redisClient = IntegrationFixture.redisClient();
    redis = redisClient.connect().sync();
  }

  @AfterAll
  static void stop() {
    redisClient.shutdown();
    node.close();
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        row("unknown site", 403, "unknown_site", a -> a.beaconGet("s=nowhere.example&u=https://nowhere.example/", "192.0.2.1", "UA")),
        row("page host not a site domain", 403, "origin_not_allowed", a -> a.beaconGet("s=shop.example&u=https://evil.example/", "192.0.2.1", "UA")),
        row("missing s", 400, "missing_field", a -> a.beaconGet("u=https://shop.example/", "192.0.2.1", "UA")),
        row("missing u", 400, "missing_field", a -> a.beaconGet("s=shop.example", "192.0.2.1", "UA")),
        row("ftp URL", 400, "bad_url", a -> a.beaconGet("s=shop.example&u=ftp://shop.example/file", "192.0.2.1", "UA")),
        row("javascript URL", 400, "bad_url", a -> a.beaconGet("s=shop.example&u=javascript:alert(1)", "192.0.2.1", "UA")),
        row("relative URL", 400, "bad_url", a -> a.beaconGet("s=shop.example&u=/pricing", "192.0.2.1", "UA")),
        row("URL over 2 KB", 400, "bad_url", a -> a.beaconGet("s=shop.example&u=https://shop.example/" + "a".repeat(2100), "192.0.2.1", "UA")),
        row("screen width not a number", 400, "bad_screen_width", a -> a.beaconGet("s=shop.example&u=https://shop.example/&w=wide", "192.0.2.1", "UA")),
        row("props not JSON", 400, "bad_props", a -> a.beaconGet("s=shop.example&u=https://shop.example/&p=%7Bnope", "192.0.2.1", "UA")),
        row("31 props", 400, "too_many_props", a -> a.beaconPost(propsBody(31), "192.0.2.1", "UA")),
        row("nested prop", 400, "bad_props", a -> a.beaconPost("{\"s\":\"shop.example\",\"u\":\"https://shop.example/\",\"p\":{\"a\":{\"b\":1}}}", "192.0.2.1", "UA")),
        row("event name over 64", 400, "bad_event_name", a -> a.beaconPost("{\"s\":\"shop.example\",\"u\":\"https://shop.example/\",\"n\":\"" + "e".repeat(65) + "\"}", "192.0.2.1", "UA")),
        row("body not JSON", 400, "bad_json", a -> a.beaconPost("s=shop.example", "192.0.2.1", "UA")),
        row("empty body", 400, "bad_json", a -> a.beaconPost("", "192.0.2.1", "UA")),
        row("51 hits in an array", 400, "too_many_hits", a -> a.beaconPost(arrayOf(51), "192.0.2.1", "UA")),
        row("one bad hit spoils the batch", 400, "missing_field", a -> a.beaconPost(
            "[{\"s\":\"shop.example\",\"u\":\"https://shop.example/\"},{\"s\":\"shop.example\"}]", "192.0.2.1", "UA")),
        row("1 MB body", 413, "too_large", a -> a.beaconPost(ONE_MEGABYTE, "192.0.2.1", "UA")),
        row("1 MB body, chunked", 413, "too_large", a -> a.sendBeacon(HttpRequest.newBuilder(a.uri("/api/v1/beacon"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(ONE_MEGABYTE.getBytes()))))));
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void isRejectedWithItsStatusAndReason(String name, int status, String error, Function<ApiClient, HttpResponse<String>> request) {
    HttpResponse<String> response = request.apply(api);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(ApiClient.json(response).path("error").asText()).isEqualTo(error);
    assertThat(ApiClient.json(response).path("message").asText()).isNotBlank();
  }

  @Order(2)
  @Test
  void noRejectedHitReachedRedisButAnAcceptedOneDoesWithoutItsAddress() {
    // The refusals of shop.example reach its ledger as ledger entries (every 5 s); no hit is queued.
    assertThat(hitEntries()).isEmpty();

    assertThat(api.beaconGet("s=shop.example&u=https://shop.example/", "198.51.100.77", "UA").statusCode()).isEqualTo(204);
    var entries = hitEntries();
    assertThat(entries).hasSize(1);
    String queued = entries.get(0).getBody().toString();
    assertThat(queued).contains("\"siteId\":\"shop.example\"").contains("\"visitorId\":\"");
    assertThat(queued).doesNotContain("198.51.100.77").doesNotContain("198.51.100").doesNotContain("127.0.0.1");
  }

  /** The entries of the prefix's streams that hold a hit (not a ledger entry). */
  private static java.util.List<io.lettuce.core.StreamMessage<String, String>> hitEntries() {
    return redis.keys(prefix + ":hits:*").stream()
        .flatMap(stream -> redis.xrange(stream, io.lettuce.core.Range.unbounded()).stream())
        .filter(entry -> entry.getBody().containsKey(biz.vulcantracker.queue.QueuedHitCodec.FIELD))
        .toList();
  }

  private static Arguments row(String name, int status, String error, Function<ApiClient, HttpResponse<String>> request) {
    return Arguments.of(name, status, error, request);
  }

  private static String propsBody(int count) {
    StringBuilder props = new StringBuilder();
    for (int i = 0; i < count; i++) {
      props.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return "{\"s\":\"shop.example\",\"u\":\"https://shop.example/\",\"p\":{" + props + "}}";
  }

  private static String arrayOf(int count) {
    String hit = "{\"s\":\"shop.example\",\"u\":\"https://shop.example/\"}";
    return "[" + String.join(",", java.util.Collections.nCopies(count, hit)) + "]";
  }
}
