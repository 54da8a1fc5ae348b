package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.BrowserScripts;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in headless Chromium (Debian's, driven by playwright-core from src/test/web): it
 * loads through the stats API, and beacons sent while it is open appear on it without a reload
 * (over the live WebSocket); the figures it shows are the stats API's. The screenshot is kept as
 * target/dashboard.png.
 */
class DashboardBrowserIT {

  @Test
  void theDashboardLoadsAndFollowsNewBeaconsWithoutReload() throws Exception {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("dashboard")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("dash.example", List.of("dash.example"), "UTC");
      for (String[] hit : new String[][] {{"198.51.100.7", "%2F"}, {"198.51.100.7", "%2Fpricing"}, {"198.51.100.8", "%2F"}}) {
        assertThat(api.beaconGet("s=dash.example&u=https%3A%2F%2Fdash.example" + hit[1]
            + "&r=https%3A%2F%2Fwww.google.com%2F", hit[0], "Dashboard").statusCode()).isEqualTo(204);
      }
      // And one pageview from the server's access log, ten minutes ago (or at midnight, early in the day).
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      ZonedDateTime logged = now.minusMinutes(10).isBefore(now.truncatedTo(ChronoUnit.DAYS)) ? now.truncatedTo(ChronoUnit.DAYS) : now.minusMinutes(10);
      String line = "198.51.100.9 - - [" + logged.format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT))
          + " +0000] \"GET /from-the-log HTTP/1.1\" 200 100 \"-\" \"" + ApiClient.userAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0") + "\"\n";
      assertThat(api.postLog("dash.example", site.ingestToken(), "combined", line, null).statusCode()).isEqualTo(200);
      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("dash.example", site.reportKey(), "pageviews")).isEqualTo(4));
      String currentVisitors = logged.isAfter(now.minusMinutes(5)) ? "5 current visitors" : "4 current visitors";

      Path screenshot = Path.of("target/dashboard.png").toAbsolutePath();
      Files.deleteIfExists(screenshot);
      JsonNode shown = BrowserScripts.run("dashboard.mjs", api.base() + "/dashboard/dash.example#key=" + site.reportKey(),
          api.base() + "/api/v1/beacon?s=dash.example", "6", screenshot.toString());

      assertThat(shown.path("errors")).isEmpty();
      // It ran under a policy that runs no inline script.
      String policy = api.get("/dashboard/dash.example", null).headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(policy).contains("script-src 'self';").doesNotContain("script-src 'unsafe-inline'");
      assertThat(shown.path("before").asText()).isEqualTo("4");
      assertThat(shown.path("notReloaded").asBoolean()).isTrue();
      JsonNode stats = ApiClient.json(api.get("/api/v1/sites/dash.example/stats/aggregate?period=day&metrics="
          + "visitors,visits,pageviews,bounce_rate", site.reportKey())).path("results");
      assertThat(shown.path("cards").path("pageviews").asText()).isEqualTo("6").isEqualTo(stats.path("pageviews").path("value").asText());
      assertThat(shown.path("cards").path("visitors").asText()).isEqualTo("5").isEqualTo(stats.path("visitors").path("value").asText());
      assertThat(shown.path("cards").path("visits").asText()).isEqualTo(stats.path("visits").path("value").asText());
      assertThat(shown.path("cards").path("bounce_rate").asText()).isEqualTo(stats.path("bounce_rate").path("value").asText() + "%");
      assertThat(shown.path("current").asText()).isEqualTo(currentVisitors);
      // The traffic switch: server logs alone, then the tracking script alone.
      assertThat(shown.path("channels").path("log").asText()).isEqualTo("1");
      assertThat(shown.path("channels").path("beacon").asText()).isEqualTo("5");
      assertThat(shown.path("pages").toString()).contains("[\"/\",\"2\",\"2\"]", "[\"/live-2\",\"1\",\"1\"]");
      assertThat(shown.path("attribution").asBoolean()).isTrue();
      assertThat(shown.path("minuteBars").asInt()).isEqualTo(30);
      assertThat(screenshot).exists();
      assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
  }

}
