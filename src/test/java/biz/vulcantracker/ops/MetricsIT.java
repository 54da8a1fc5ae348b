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
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} on the management port, scraped as Prometheus would: after known traffic —
 * beacons accepted and refused, a log batch with a skipped and a broken line, a live WebSocket —
 * the counters say exactly that, the queue meters cover every partition and drain to zero, and
 * the JVM's meters are there.
 */
class MetricsIT {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$", Pattern.MULTILINE);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void countersGaugesAndJvmMetricsInPrometheusFormat() throws Exception {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("metrics")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("metrics.example", List.of("metrics.example"), "UTC");
      for (int i = 0; i < 3; i++) {
        assertThat(api.beaconGet("s=metrics.example&u=https%3A%2F%2Fmetrics.example%2F" + i, "192.0.2." + (10 + i), "Metrics")
            .statusCode()).isEqualTo(204);
      }
      assertThat(api.beaconGet("s=nobody.example&u=https%3A%2F%2Fnobody.example%2F", "192.0.2.20", "Metrics").statusCode()).isEqualTo(403);
      assertThat(api.beaconGet("s=metrics.example&u=https%3A%2F%2Felsewhere.example%2F", "192.0.2.21", "Metrics").statusCode()).isEqualTo(403);
      assertThat(api.beaconGet("s=metrics.example", "192.0.2.22", "Metrics").statusCode()).isEqualTo(400);

      String time = ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(1).format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT));
      String agent = "\"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\"";
      String lines = "198.51.100.1 - - [" + time + " +0000] \"GET /a HTTP/1.1\" 200 10 \"-\" " + agent + "\n"
          + "198.51.100.2 - - [" + time + " +0000] \"GET /b HTTP/1.1\" 200 10 \"-\" " + agent + "\n"
          + "198.51.100.2 - - [" + time + " +0000] \"GET /style.css HTTP/1.1\" 200 10 \"-\" " + agent + "\n"
          + "this is not an access log line\n";
      assertThat(api.postLog("metrics.example", site.ingestToken(), "combined", lines, null).statusCode()).isEqualTo(200);
      assertThat(api.postLog("metrics.example", "wrong-token", "combined", lines, null).statusCode()).isEqualTo(401);
      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("metrics.example", site.reportKey(), "pageviews")).isEqualTo(5));
      // The refused beacon of elsewhere.example reaches the site's ledger within the edge's 5 s.
      eventually(Duration.ofSeconds(30), () -> assertThat(ApiClient.json(api.get("/api/v1/sites/metrics.example/ledger?period=day",
          site.reportKey())).at("/results/0/refused/origin_not_allowed").asLong()).isEqualTo(1));

      WebSocket socket = http.newWebSocketBuilder().subprotocols("vulcan-live", site.reportKey())
          .buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/sites/metrics.example/live"),
              new WebSocket.Listener() {})
          .join();
      eventually(Duration.ofSeconds(10), () -> assertThat(scrape(node).get("vulcan_live_sockets")).isEqualTo(1.0));

      Map<String, Double> metrics = scrape(node);
      assertThat(metrics.get("vulcan_hits_accepted_total{channel=\"beacon\"}")).isEqualTo(3.0);
      assertThat(metrics.get("vulcan_hits_accepted_total{channel=\"log\"}")).isEqualTo(2.0);
      assertThat(metrics.get("vulcan_hits_rejected_total{channel=\"beacon\",reason=\"unknown_site\"}")).isEqualTo(1.0);
      assertThat(metrics.get("vulcan_hits_rejected_total{channel=\"beacon\",reason=\"origin_not_allowed\"}")).isEqualTo(1.0);
      assertThat(metrics.get("vulcan_hits_rejected_total{channel=\"beacon\",reason=\"missing_field\"}")).isEqualTo(1.0);
      assertThat(metrics.get("vulcan_hits_rejected_total{channel=\"log\",reason=\"unparsable\"}")).isEqualTo(1.0);
      assertThat(metrics.get("vulcan_hits_rejected_total{channel=\"log\",reason=\"unauthorized\"}")).isEqualTo(1.0);
      assertThat(metrics.get("vulcan_log_lines_skipped_total{reason=\"static\"}")).isEqualTo(1.0);
      assertThat(metrics.get("vulcan_consumer_batch_entries_count")).isGreaterThanOrEqualTo(1.0);
      // Five hits, and two ledger entries: the log chunk's skipped lines, the edge's refusal.
      assertThat(metrics.get("vulcan_consumer_batch_entries_sum")).isEqualTo(7.0);
      assertThat(metrics.get("vulcan_persist_seconds_count")).isGreaterThanOrEqualTo(1.0);
      assertThat(metrics.get("vulcan_consumer_invalid_entries_total")).isEqualTo(0.0);
      assertThat(metrics).containsKeys("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}", "process_uptime_seconds",
          "jvm_threads_live_threads", "system_cpu_count");
      // Every partition has its queue meters; once all is acknowledged (and deleted) nothing is left.
      eventually(Duration.ofSeconds(20), () -> {
        Map<String, Double> now = scrape(node);
        for (int p = 0; p < 16; p++) {
          assertThat(now).containsKey("vulcan_queue_length{partition=\"" + p + "\"}");
          assertThat(now.get("vulcan_queue_lag{partition=\"" + p + "\"}")).as("lag of " + p).isEqualTo(0.0);
          assertThat(now.get("vulcan_queue_pending{partition=\"" + p + "\"}")).as("pending of " + p).isEqualTo(0.0);
        }
        assertThat(now.entrySet().stream().filter(e -> e.getKey().startsWith("vulcan_queue_length"))
            .mapToDouble(Map.Entry::getValue).sum()).isEqualTo(0.0);
      });

      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
      eventually(Duration.ofSeconds(10), () -> assertThat(scrape(node).get("vulcan_live_sockets")).isEqualTo(0.0));
    }
  }

  private Map<String, Double> scrape(VulcanNode node) {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(node.managementUri() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      Map<String, Double> samples = new HashMap<>();
      Matcher matcher = SAMPLE.matcher(response.body());
      while (matcher.find()) {
        samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
      }
      return samples;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
