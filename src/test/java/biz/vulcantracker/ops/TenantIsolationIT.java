package biz.vulcantracker.ops;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * One site's keys never reach another site: site A's report key gets 403 on every report endpoint
 * of site B — stats (with and without filters), realtime, export, the live WebSocket — and on the
 * admin API; A's ingest token cannot send B's logs. Each request is first made with B's own key,
 * so a 403 is the key's doing, not a broken endpoint.
 */
class TenantIsolationIT {

  private static final List<String> REPORT_PATHS = List.of(
      "/stats/aggregate?period=day&metrics=visitors,pageviews",
      "/stats/aggregate?period=day&filters=page%3D%3D%2F*",
      "/stats/timeseries?period=7d",
      "/stats/timeseries?period=day&filters=country!%3DDE",
      "/stats/breakdown?property=page",
      "/stats/breakdown?property=source&filters=channel%3D%3Dbeacon",
      "/realtime/visitors",
      "/export?period=day");

  @Test
  void aSitesKeysReachOnlyThatSite() throws Exception {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("tenants")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys a = api.createSite("tenant-a.example", List.of("tenant-a.example"), "UTC");
      ApiClient.SiteKeys b = api.createSite("tenant-b.example", List.of("tenant-b.example"), "UTC");
      assertThat(api.beaconGet("s=tenant-b.example&u=https%3A%2F%2Ftenant-b.example%2F", "192.0.2.30", "Tenant").statusCode())
          .isEqualTo(204);
      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("tenant-b.example", b.reportKey(), "pageviews")).isEqualTo(1));

      for (String path : REPORT_PATHS) {
        String url = "/api/v1/sites/tenant-b.example" + path;
        assertThat(api.get(url, b.reportKey()).statusCode()).as("B's key on " + path).isEqualTo(200);
        var refused = api.get(url, a.reportKey());
        assertThat(refused.statusCode()).as("A's key on " + path).isEqualTo(403);
        assertThat(ApiClient.json(refused).path("error").asText()).isEqualTo("forbidden");
        assertThat(api.get(url, a.ingestToken()).statusCode()).as("A's ingest token on " + path).isEqualTo(403);
        assertThat(api.get(url, null).statusCode()).as("no key on " + path).isEqualTo(401);
      }

      // The live WebSocket: B's key opens it, A's key is refused at the handshake.
      HttpClient http = HttpClient.newHttpClient();
      URI live = URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/sites/tenant-b.example/live");
      http.newWebSocketBuilder().subprotocols("vulcan-live", b.reportKey()).buildAsync(live, new WebSocket.Listener() {}).join()
          .sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
      assertThat(handshakeStatus(http, live, a.reportKey())).isEqualTo(403);

      // A report key reads its own site's settings (no secrets), never another's; it deletes no site and lists none.
      assertThat(api.get("/api/v1/sites/tenant-b.example", a.reportKey()).statusCode()).isEqualTo(403);
      assertThat(api.get("/api/v1/sites/tenant-b.example", b.reportKey()).statusCode()).isEqualTo(200);
      for (ApiClient.SiteKeys keys : List.of(a, b)) {
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/tenant-b.example"))
            .header("Authorization", "Bearer " + keys.reportKey()).DELETE()).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/sites", keys.reportKey()).statusCode()).isEqualTo(403);
      }

      // A's ingest token cannot send logs for B.
      String line = "192.0.2.31 - - [01/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0 Firefox/133.0\"\n";
      assertThat(api.postLog("tenant-b.example", a.ingestToken(), "combined", line, null).statusCode()).isEqualTo(401);
      assertThat(api.postLog("tenant-b.example", a.reportKey(), "combined", line, null).statusCode()).isEqualTo(401);

      // And B is untouched.
      assertThat(api.aggregate("tenant-b.example", b.reportKey(), "pageviews")).isEqualTo(1);
      assertThat(api.get("/api/v1/sites/tenant-b.example", IntegrationFixture.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }
  }

  private static int handshakeStatus(HttpClient http, URI uri, String key) {
    try {
      http.newWebSocketBuilder().subprotocols("vulcan-live", key).buildAsync(uri, new WebSocket.Listener() {}).join();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException handshake) {
        return handshake.getResponse().statusCode();
      }
      throw e;
    }
  }
}
