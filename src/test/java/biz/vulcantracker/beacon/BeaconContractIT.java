package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The accepting side of docs/api.md's beacon contract on a real edge and Redis: every accepted form
 * answers 204, CORS echoes the site's origins, preflights are answered, a client over its rate gets
 * 429, and the tracking script is served small and cacheable.
 */
class BeaconContractIT {

  private static VulcanNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("contract"), Map.of(
        "vulcan.roles", "beacon,scuttlebutt",
        "vulcan.beacon.rate-limit.per-second", 1,
        "vulcan.beacon.rate-limit.burst", 5)));
    api = new ApiClient(node.httpPort());
    api.createSite("shop.example", List.of("shop.example", "www.shop.example"), "UTC");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        row("GET pageview", a -> a.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2F", "198.51.100.1", "UA")),
        row("GET with every field", a -> a.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2Fa%3Fx%3D1&n=Signup&r=https%3A%2F%2Fnews.example%2F&w=1280"
            + "&p=%7B%22plan%22%3A%22pro%22%7D&i=evt-1", "198.51.100.2", "UA")),
        row("GET engagement", a -> a.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2F&n=engagement&e=4200", "198.51.100.3", "UA")),
        row("POST text/plain object", a -> a.beaconPost("{\"s\":\"shop.example\",\"u\":\"https://www.shop.example/\"}", "198.51.100.4", "UA")),
        row("POST array of 50", a -> a.sendBeacon(HttpRequest.newBuilder(a.uri("/api/v1/beacon"))
            .header("X-Forwarded-For", "198.51.100.5")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(array(50))))),
        row("POST application/json with props", a -> a.sendBeacon(HttpRequest.newBuilder(a.uri("/api/v1/beacon"))
            .header("X-Forwarded-For", "198.51.100.6")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"s\":\"shop.example\",\"u\":\"https://shop.example/\",\"n\":\"Buy\",\"p\":{\"sku\":42,\"gift\":true}}")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void isAccepted(String name, Function<ApiClient, HttpResponse<String>> request) {
    HttpResponse<String> response = request.apply(api);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
  }

  @Test
  void echoesTheOriginOfTheSitesPagesAndRefusesOthers() {
    HttpResponse<String> allowed = api.sendBeacon(HttpRequest.newBuilder(api.uri("/api/v1/beacon?s=shop.example&u=https%3A%2F%2Fwww.shop.example%2F"))
        .header("Origin", "https://www.shop.example").header("X-Forwarded-For", "198.51.100.20").GET());
    assertThat(allowed.statusCode()).isEqualTo(204);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://www.shop.example");

    // A page elsewhere claiming to be the shop: its Origin gives it away.
    HttpResponse<String> forged = api.sendBeacon(HttpRequest.newBuilder(api.uri("/api/v1/beacon?s=shop.example&u=https%3A%2F%2Fshop.example%2F"))
        .header("Origin", "https://evil.example").header("X-Forwarded-For", "198.51.100.21").GET());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(ApiClient.json(forged).path("error").asText()).isEqualTo("origin_not_allowed");
    assertThat(forged.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void answersPreflightsForSiteOriginsOnly() {
    HttpResponse<String> preflight = api.sendBeacon(HttpRequest.newBuilder(api.uri("/api/v1/beacon"))
        .header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");

    HttpResponse<String> stranger = api.sendBeacon(HttpRequest.newBuilder(api.uri("/api/v1/beacon"))
        .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(stranger.statusCode()).isEqualTo(403);
  }

  @Test
  void limitsEachClientToItsRate() {
    // Burst 5, then 1 per second: a quick sixth hit from the same client is refused, another client is not.
    for (int i = 0; i < 5; i++) {
      assertThat(api.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2F", "198.51.100.99", "UA").statusCode()).isEqualTo(204);
    }
    HttpResponse<String> limited = api.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2F", "198.51.100.99", "UA");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(ApiClient.json(limited).path("error").asText()).isEqualTo("rate_limited");
    assertThat(api.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2F", "198.51.100.98", "UA").statusCode()).isEqualTo(204);
  }

  @Test
  void servesTheTrackingScriptCompressedAndCacheable() {
    HttpResponse<String> plain = api.send(HttpRequest.newBuilder(api.uri("/vulcan.js")).GET());
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(plain.headers().firstValue("Cache-Control").orElse("")).contains("max-age=3600");
    assertThat(plain.body()).contains("sendBeacon").contains("/api/v1/beacon").doesNotContain("Installed with one tag");

    HttpResponse<byte[]> gzipped = api.sendBytes(HttpRequest.newBuilder(api.uri("/vulcan.js")).header("Accept-Encoding", "gzip").GET());
    assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gzipped.body().length).isLessThanOrEqualTo(1536);
  }

  private static Arguments row(String name, Function<ApiClient, HttpResponse<String>> request) {
    return Arguments.of(name, request);
  }

  private static String array(int count) {
    String hit = "{\"s\":\"shop.example\",\"u\":\"https://shop.example/\"}";
    return "[" + String.join(",", java.util.Collections.nCopies(count, hit)) + "]";
  }
}
