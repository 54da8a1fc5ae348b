package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Breakdowns through the stats API on the real pipeline, against hand-computed rows: three visitors
 * from two countries and two sources, a custom event with a property, and a bot that is not counted.
 */
class ReportsIT {

  private static final String CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
  private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  @Test
  void breaksDownByEveryKindOfProperty() {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("reports")))) {
      ApiClient api = new ApiClient(node.httpPort());
      SiteKeys site = api.createSite("reports.example", List.of("reports.example"), "UTC");
      // US visitor from Google on a phone: two pages.
      send(api, "u=https%3A%2F%2Freports.example%2F&r=https%3A%2F%2Fwww.google.com%2F&w=390", "8.8.8.8", CHROME_ANDROID);
      send(api, "u=https%3A%2F%2Freports.example%2Fpricing&r=https%3A%2F%2Freports.example%2F&w=390", "8.8.8.8", CHROME_ANDROID);
      // German visitor, direct, desktop: one page and a signup with a plan.
      send(api, "u=https%3A%2F%2Freports.example%2Fpricing%2F%3Fx%3D1&w=1920", "81.169.145.105", FIREFOX_LINUX);
      send(api, "u=https%3A%2F%2Freports.example%2Fpricing&n=Signup&p=%7B%22plan%22%3A%22pro%22%7D", "81.169.145.105", FIREFOX_LINUX);
      // A second German visitor from a newsletter campaign: one page, a bounce.
      send(api, "u=https%3A%2F%2Freports.example%2F%3Futm_source%3Dnewsletter%26utm_medium%3Demail", "81.169.145.106", FIREFOX_LINUX);
      // A crawler: counted nowhere.
      send(api, "u=https%3A%2F%2Freports.example%2F", "66.249.66.1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");

      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(4));
      String key = site.reportKey();
      assertThat(rows(api, key, "source", "visitors,visits,pageviews,bounce_rate")).isEqualTo(
          "[{\"source\":\"Direct / None\",\"visitors\":1,\"visits\":1,\"pageviews\":1,\"bounce_rate\":0},"
              + "{\"source\":\"Google\",\"visitors\":1,\"visits\":1,\"pageviews\":2,\"bounce_rate\":0},"
              + "{\"source\":\"newsletter\",\"visitors\":1,\"visits\":1,\"pageviews\":1,\"bounce_rate\":100}]");
      assertThat(rows(api, key, "page", "visitors,pageviews")).isEqualTo(
          // a tie on the first metric is ordered by value
          "[{\"page\":\"/\",\"visitors\":2,\"pageviews\":2},{\"page\":\"/pricing\",\"visitors\":2,\"pageviews\":2}]");
      assertThat(rows(api, key, "country", "visitors,visits")).isEqualTo(
          "[{\"country\":\"DE\",\"visitors\":2,\"visits\":2},{\"country\":\"US\",\"visitors\":1,\"visits\":1}]");
      assertThat(rows(api, key, "device", "visitors")).isEqualTo(
          "[{\"device\":\"desktop\",\"visitors\":2},{\"device\":\"mobile\",\"visitors\":1}]");
      assertThat(rows(api, key, "screen", "visitors")).isEqualTo(
          "[{\"screen\":\"Desktop\",\"visitors\":1},{\"screen\":\"Mobile\",\"visitors\":1}]");
      assertThat(rows(api, key, "utm_medium", "visits")).isEqualTo("[{\"utm_medium\":\"email\",\"visits\":1}]");
      assertThat(rows(api, key, "entry_page", "visits")).isEqualTo(
          "[{\"entry_page\":\"/\",\"visits\":2},{\"entry_page\":\"/pricing\",\"visits\":1}]");
      assertThat(rows(api, key, "event:props:plan", "events")).isEqualTo("[{\"plan\":\"pro\",\"events\":1}]");
      assertThat(rows(api, key, "source", "visitors&limit=1&page=2")).isEqualTo("[{\"source\":\"Google\",\"visitors\":1}]");

      var wrong = api.get("/api/v1/sites/reports.example/stats/breakdown?property=page&metrics=bounce_rate", key);
      assertThat(wrong.statusCode()).isEqualTo(400);
      assertThat(ApiClient.json(wrong).path("error").asText()).isEqualTo("unsupported_metric");
      assertThat(api.get("/api/v1/sites/reports.example/stats/breakdown?property=shoe_size", key).statusCode()).isEqualTo(400);
    }
  }

  private static void send(ApiClient api, String query, String ip, String userAgent) {
    assertThat(api.beaconGet("s=reports.example&" + query, ip, userAgent).statusCode()).isEqualTo(204);
  }

  private static String rows(ApiClient api, String key, String property, String metrics) {
    var response = api.get("/api/v1/sites/reports.example/stats/breakdown?property=" + property + "&metrics=" + metrics, key);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode json = ApiClient.json(response);
    return json.path("results").toString();
  }
}
