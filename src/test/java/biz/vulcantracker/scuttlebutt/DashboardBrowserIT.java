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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard in headless Chromium (Debian's, driven by playwright-core from src/test/web): it
 * loads through the stats API, and beacons sent while it is open appear on it without a reload
 * (over the live WebSocket); the figures it shows are the stats API's. The screenshot is kept as
 * target/dashboard.png.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {

  private VulcanNode node;

  @BeforeAll
  void startNode() {
    node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("dashboard")));
  }

  @AfterAll
  void stopNode() {
    node.close();
  }

  @Test
  void theDashboardLoadsAndFollowsNewBeaconsWithoutReload() throws Exception {
    IntegrationFixture.avoidMidnight();
    {
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
      // An alert rule the two beacons sent while the page is open trip (the current visitors go from 2 or 3 to 4 or 5).
      assertThat(api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sites/dash.example/alerts"))
          .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"Crowd\", \"kind\": \"visitors\", \"above\": 3}")))
          .statusCode()).isEqualTo(201);

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
      // The firing came over the live socket; the rule is listed under it.
      assertThat(shown.path("alerts").get(0).get(0).asText()).isEqualTo("Crowd");
      assertThat(shown.path("alerts").get(0).get(1).asText()).matches("fired .*: [45]");
      assertThat(shown.path("alerts").get(1).toString()).isEqualTo("[\"Crowd\",\"more than 3 current visitors\"]");
      assertThat(screenshot).exists();
      assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
  }

  /**
   * Click-to-filter, the URL round trip, the filter bar, a panel's views, the comparison and the
   * goals and funnel panels, a saved segment, over a hand-made day: today v1 (Google: /, /pricing, Signup), v2 (direct:
   * /), v3 (Google: /docs); yesterday, from the log, v4 and v5 (/). Screenshot: target/dashboard-explore.png.
   */
  @Test
  void aSiteOwnerExploresTheDashboard() throws Exception {
    IntegrationFixture.avoidMidnight();
    ApiClient api = new ApiClient(node.httpPort());
    ApiClient.SiteKeys site = api.createSite("explore.example", List.of("explore.example"), "UTC");
    String google = "&r=https%3A%2F%2Fwww.google.com%2F";
    String[][] beacons = {
        {"8.8.8.1", "u=https%3A%2F%2Fexplore.example%2F" + google},
        // v1 scrolled / to 40 % before moving on (the script's engagement hit).
        {"8.8.8.1", "u=https%3A%2F%2Fexplore.example%2F&n=engagement&e=5000&sd=40"},
        {"8.8.8.1", "u=https%3A%2F%2Fexplore.example%2Fpricing"},
        {"8.8.8.1", "u=https%3A%2F%2Fexplore.example%2Fpricing&n=Signup"}, {"8.8.8.2", "u=https%3A%2F%2Fexplore.example%2F"},
        // v3 came from a campaign whose name has a | in it.
        {"8.8.8.3", "u=https%3A%2F%2Fexplore.example%2Fdocs%3Futm_campaign%3Dspring%257Csale" + google},
        // v2 also hits a page not found (the script's vulcan('404') sends its path).
        {"8.8.8.2", "u=https%3A%2F%2Fexplore.example%2Fnope&n=404&p=%7B%22path%22%3A%22%2Fnope%22%7D"}};
    for (String[] beacon : beacons) {
      assertThat(api.beaconGet("s=explore.example&" + beacon[1], beacon[0], "Explorer").statusCode()).isEqualTo(204);
    }
    assertThat(api.beaconPost("{\"s\": \"explore.example\", \"u\": \"https://explore.example/\"}", "66.249.66.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").statusCode()).isEqualTo(204);
    String yesterday = ZonedDateTime.now(ZoneOffset.UTC).minusDays(1).format(DateTimeFormatter.ofPattern("dd/MMM/yyyy", Locale.ROOT));
    String lines = "";
    for (String ip : List.of("81.169.145.4", "81.169.145.5")) {
      lines += ip + " - - [" + yesterday + ":12:00:00 +0000] \"GET / HTTP/1.1\" 200 100 \"-\" \""
          + ApiClient.userAgent("Explorer") + "\"\n";
    }
    assertThat(api.postLog("explore.example", site.ingestToken(), "combined", lines, null).statusCode()).isEqualTo(200);
    eventually(Duration.ofSeconds(30), () -> {
      assertThat(api.aggregate("explore.example", site.reportKey(), "pageviews")).isEqualTo(4);
      assertThat(api.aggregate("explore.example", site.reportKey(), "events")).isEqualTo(2);
      assertThat(api.aggregate("explore.example", site.reportKey(), "bots")).isEqualTo(1);
    });
    eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("explore.example", site.reportKey(), "pageviews",
        java.time.LocalDate.now(ZoneOffset.UTC).minusDays(1), java.time.LocalDate.now(ZoneOffset.UTC).minusDays(1))).isEqualTo(2));
    for (String[] definition : new String[][] {{"goals", "{\"event\": \"Signup\"}"},
        {"funnels", "{\"name\": \"Signup\", \"steps\": [{\"page\": \"/\"}, {\"goal\": \"Signup\"}]}"},
        {"segments", "{\"name\": \"From Google\", \"filters\": \"source==Google\"}"}}) {
      assertThat(api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sites/explore.example/" + definition[0]))
          .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(definition[1]))).statusCode()).isEqualTo(201);
    }

    Path screenshot = Path.of("target/dashboard-explore.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    JsonNode shown = BrowserScripts.run("dashboard-explore.mjs", api.base() + "/dashboard/explore.example#key=" + site.reportKey(),
        screenshot.toString());
    assertThat(shown.path("errors")).isEmpty();
    JsonNode steps = shown.path("steps");
    assertThat(steps.path("opened").path("visitors").asText()).isEqualTo("3");
    assertThat(steps.path("opened").path("channels").toString()).isEqualTo("[\"Organic Search\",\"Direct\"]");
    // The funnel: / (v1, v2), then Signup in the same visit (v1).
    assertThat(steps.path("opened").path("funnel").toString()).isEqualTo("[\"2 visitors · 100.0%\",\"1 visitors · 50.0%\"]");
    assertThat(steps.path("opened").path("goals").toString()).isEqualTo("[[\"Signup\",\"1\",\"1\",\"33.3%\"]]");
    assertThat(steps.path("opened").path("bots").toString()).isEqualTo("[[\"Googlebot\",\"1\"]]");
    // Where today's hits went: v1's four, v2's two, v3's one, and the robot.
    assertThat(steps.path("opened").path("ledger").toString()).isEqualTo("[[\"Counted\",\"7\"],[\"Bots\",\"1\"]]");
    assertThat(steps.path("opened").path("ledgerReceived").asText()).isEqualTo("8 received");
    assertThat(steps.path("notFound").path("rows").toString()).isEqualTo("[[\"/nope\",\"1\",\"1\"]]");
    assertThat(steps.path("notFound").path("search").asText()).contains("view5=event:props:path");
    // A click on a row filters by it, and the address says so.
    assertThat(steps.path("clickedGoogle").path("visitors").asText()).isEqualTo("2");
    assertThat(steps.path("clickedGoogle").path("search").asText()).contains("filters=source==Google", "view1=source");
    assertThat(steps.path("clickedGoogle").path("chips").toString()).isEqualTo("[\"source is Google\"]");
    assertThat(steps.path("campaign").path("visitors").asText()).isEqualTo("1");
    assertThat(steps.path("campaign").path("chips").toString()).isEqualTo("[\"utm campaign is spring|sale\"]");
    assertThat(steps.path("campaign").path("search").asText()).contains("filters=utm_campaign==spring\\|sale");
    // The address alone brings the same view back.
    assertThat(steps.path("reloaded").path("visitors").asText()).isEqualTo("2");
    assertThat(steps.path("reloaded").path("chips").toString()).isEqualTo("[\"source is Google\"]");
    assertThat(steps.path("removed").path("visitors").asText()).isEqualTo("3");
    assertThat(steps.path("removed").path("chips")).isEmpty();
    assertThat(steps.path("containsPric").path("search").asText()).contains("filters=page==*pric*");
    assertThat(steps.path("containsPric").path("visitors").asText()).isEqualTo("1");
    assertThat(steps.path("containsPric").path("chips").toString()).isEqualTo("[\"page contains pric\"]");
    assertThat(steps.path("entryPages").path("lists").toString()).contains("\"entry_page\"").doesNotContain("\"page\"");
    assertThat(steps.path("engagement").path("search").asText()).contains("view0=engagement");
    assertThat(steps.path("engagement").path("rows").toString()).contains("[\"/\",\"2\",\"0s\",\"40%\"]");
    assertThat(steps.path("entryPages").path("search").asText()).contains("view0=entry_page");
    // Every visitor of today came with Firefox 133 (the test's User-Agent), counted from the hits.
    assertThat(steps.path("browserVersions").path("search").asText()).contains("view3=browser_version");
    assertThat(steps.path("browserVersions").path("rows").toString()).startsWith("[[\"Firefox 133\",\"3\",");
    // Today's 3 visitors against yesterday's 2: up 50 %, the earlier period drawn on the chart.
    assertThat(steps.path("compared").path("visitorsChange").asText()).isEqualTo("▲ 50%");
    assertThat(steps.path("compared").path("comparisonLine").asBoolean()).isTrue();
    assertThat(steps.path("compared").path("search").asText()).contains("compare=previous_period");
    assertThat(steps.path("goal").path("visitors").asText()).isEqualTo("1");
    assertThat(steps.path("goal").path("chips").toString()).isEqualTo("[\"goal is Signup\"]");
    assertThat(steps.path("segment").path("visitors").asText()).isEqualTo("2");
    assertThat(steps.path("segment").path("chips").toString()).isEqualTo("[\"segment From Google\"]");
    assertThat(steps.path("segment").path("search").asText()).containsPattern("filters=segment==[0-9a-f]{16}");
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

}
