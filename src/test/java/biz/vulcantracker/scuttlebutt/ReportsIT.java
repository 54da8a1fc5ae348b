package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Breakdowns through the stats API on the real pipeline, against hand-computed rows: three visitors
 * from two countries and two sources, a custom event with a property, and a bot that is not counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsIT {

  private VulcanNode node;

  private static final String CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
  private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  @BeforeAll
  void startNode() {
    node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("reports")));
  }

  @AfterAll
  void stopNode() {
    node.close();
  }

  @Test
  void breaksDownByEveryKindOfProperty() {
    IntegrationFixture.avoidMidnight();
    {
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
      // Acquisition channels, from source and UTM tags; where the hits came in is the origin.
      assertThat(rows(api, key, "channel", "visitors,pageviews")).isEqualTo(
          "[{\"channel\":\"Direct\",\"visitors\":1,\"pageviews\":1},{\"channel\":\"Email\",\"visitors\":1,\"pageviews\":1},"
              + "{\"channel\":\"Organic Search\",\"visitors\":1,\"pageviews\":2}]");
      assertThat(rows(api, key, "origin", "visitors")).isEqualTo("[{\"origin\":\"beacon\",\"visitors\":3}]");
      assertThat(rows(api, key, "entry_page", "visits")).isEqualTo(
          "[{\"entry_page\":\"/\",\"visits\":2},{\"entry_page\":\"/pricing\",\"visits\":1}]");
      assertThat(rows(api, key, "event:props:plan", "events")).isEqualTo("[{\"plan\":\"pro\",\"events\":1}]");
      assertThat(rows(api, key, "source", "visitors&limit=1&page=2")).isEqualTo("[{\"source\":\"Google\",\"visitors\":1}]");

      // The crawler is counted once, as a bot, under its name.
      assertThat(ApiClient.json(api.get("/api/v1/sites/reports.example/stats/aggregate?metrics=visitors,bots", key))
          .path("results").toString()).isEqualTo("{\"visitors\":{\"value\":3},\"bots\":{\"value\":1}}");
      assertThat(rows(api, key, "bot", "bots")).isEqualTo("[{\"bot\":\"Googlebot\",\"bots\":1}]");
      assertThat(api.get("/api/v1/sites/reports.example/stats/aggregate?metrics=bots&filters=page%3D%3D%2F", key).statusCode())
          .as("a bot's hit has no properties to filter on").isEqualTo(400);

      var wrong = api.get("/api/v1/sites/reports.example/stats/breakdown?property=page&metrics=bounce_rate", key);
      assertThat(wrong.statusCode()).isEqualTo(400);
      assertThat(ApiClient.json(wrong).path("error").asText()).isEqualTo("unsupported_metric");
      assertThat(api.get("/api/v1/sites/reports.example/stats/breakdown?property=shoe_size", key).statusCode()).isEqualTo(400);
    }
  }

  /**
   * Goals, funnels and comparisons over a hand-made history: today from beacons, yesterday from an
   * access log; the goals and funnels are made after the traffic, so they apply to history.
   *
   * <pre>
   * today (beacons)   v1 Google: /, /pricing, Signup     v2 direct: /, Signup
   *                   v4 Google: /docs/a, /docs/b        v5 Google: / (a bounce)
   *                   purchases: v1 19.99 EUR, v2 5.01 EUR, v4 10 USD
   * yesterday (log)   v3: 08:00 /, 09:00 /pricing (two visits, each a bounce)
   *                   v6: 10:00 /, 10:01 /pricing        v7: 11:00 /docs/x (a bounce)
   * </pre>
   */
  @Test
  void goalsFunnelsAndComparisonsOverHistory() {
    IntegrationFixture.avoidMidnight();
    ApiClient api = new ApiClient(node.httpPort());
    String id = "goals.example";
    SiteKeys site = api.createSite(id, List.of(id), "UTC");
    String fromGoogle = "&r=https%3A%2F%2Fwww.google.com%2F";
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2F" + fromGoogle, "8.8.4.1", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2Fpricing", "8.8.4.1", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2Fpricing&n=Signup", "8.8.4.1", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2F", "8.8.4.2", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2F&n=Signup", "8.8.4.2", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2Fdocs%2Fa" + fromGoogle, "8.8.4.4", CHROME_ANDROID);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2Fdocs%2Fb", "8.8.4.4", CHROME_ANDROID);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2F" + fromGoogle, "8.8.4.5", CHROME_ANDROID);
    // Purchases with revenue: v1 19.99 EUR, v2 5.01 EUR, v4 10 USD.
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2Fpricing&n=Purchase&%24=" + revenue("19.99", "EUR"), "8.8.4.1", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2F&n=Purchase&%24=" + revenue("5.01", "EUR"), "8.8.4.2", FIREFOX_LINUX);
    beacon(api, id, "u=https%3A%2F%2Fgoals.example%2Fdocs%2Fb&n=Purchase&%24=" + revenue("10", "USD"), "8.8.4.4", CHROME_ANDROID);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate yesterday = today.minusDays(1);
    String lines = String.join("\n",
        logLine("81.169.145.3", yesterday, "08:00:00", "/"),
        logLine("81.169.145.3", yesterday, "09:00:00", "/pricing"),
        logLine("81.169.145.6", yesterday, "10:00:00", "/"),
        logLine("81.169.145.6", yesterday, "10:01:00", "/pricing"),
        logLine("81.169.145.7", yesterday, "11:00:00", "/docs/x")) + "\n";
    var imported = api.postLog(id, site.ingestToken(), "combined", lines, null);
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    eventually(Duration.ofSeconds(30), () -> {
      assertThat(api.aggregate(id, site.reportKey(), "pageviews")).isEqualTo(6);
      assertThat(api.aggregate(id, site.reportKey(), "events")).isEqualTo(5);
      assertThat(api.aggregate(id, site.reportKey(), "pageviews", yesterday, yesterday)).isEqualTo(5);
    });
    assertThat(admin(api, "POST", "/api/v1/sites/goals.example/goals", "{\"event\": \"Signup\"}").statusCode()).isEqualTo(201);
    assertThat(admin(api, "POST", "/api/v1/sites/goals.example/goals", "{\"page\": \"/docs/*\", \"name\": \"Docs\"}").statusCode())
        .isEqualTo(201);
    var duplicate = admin(api, "POST", "/api/v1/sites/goals.example/goals", "{\"event\": \"Signup\"}");
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(api.get("/api/v1/sites/goals.example/goals", site.reportKey()).body())
        .contains("\"name\":\"Signup\"", "\"name\":\"Docs\"");
    assertThat(admin(api, "POST", "/api/v1/sites/goals.example/goals", "{\"event\": \"Nope\"}").statusCode()).isEqualTo(201);
    String nope = ApiClient.json(api.get("/api/v1/sites/goals.example/goals", site.reportKey())).path("goals").get(2).path("id").asText();
    assertThat(admin(api, "DELETE", "/api/v1/sites/goals.example/goals/" + nope, null).statusCode()).isEqualTo(204);
    assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/goals.example/goals"))
        .header("Authorization", "Bearer " + site.reportKey()).POST(HttpRequest.BodyPublishers.ofString("{\"event\": \"X\"}")))
        .statusCode()).as("a report key only reads goals").isEqualTo(403);

    String key = site.reportKey();
    String stats = "/api/v1/sites/goals.example/stats/";
    // Today's visitors: v1, v2, v4, v5. Signup: v1, v2 (2 of 4); Docs: v4's two pageviews.
    assertThat(results(api, key, stats + "aggregate?metrics=visitors,events,pageviews,conversion_rate&filters=goal%3D%3DSignup"))
        .isEqualTo("{\"visitors\":{\"value\":2},\"events\":{\"value\":2},\"pageviews\":{\"value\":0},"
            + "\"conversion_rate\":{\"value\":50.0}}");
    assertThat(results(api, key, stats + "aggregate?metrics=visitors,events,pageviews,conversion_rate&filters=goal%3D%3DDocs"))
        .isEqualTo("{\"visitors\":{\"value\":1},\"events\":{\"value\":2},\"pageviews\":{\"value\":2},"
            + "\"conversion_rate\":{\"value\":25.0}}");
    assertThat(results(api, key, stats + "breakdown?property=goal&metrics=visitors,events,conversion_rate")).isEqualTo(
        "[{\"goal\":\"Signup\",\"visitors\":2,\"events\":2,\"conversion_rate\":50.0},"
            + "{\"goal\":\"Docs\",\"visitors\":1,\"events\":2,\"conversion_rate\":25.0}]");
    // Which sources convert: Google brought v1, v4, v5 (v1 signed up), direct v2 (signed up). The
    // rates divide by the source rollup rows, which a batch writes beside (not before) the daily
    // totals the wait above read: the last batch's rows may land a moment later.
    eventually(Duration.ofSeconds(10), () -> assertThat(results(api, key,
        stats + "breakdown?property=source&metrics=visitors,conversion_rate&filters=goal%3D%3DSignup"))
        .isEqualTo("[{\"source\":\"Direct / None\",\"visitors\":1,\"conversion_rate\":100.0},"
            + "{\"source\":\"Google\",\"visitors\":1,\"conversion_rate\":33.3}]"));
    assertThat(api.get(stats + "aggregate?metrics=conversion_rate", key).statusCode()).as("a rate needs a goal").isEqualTo(400);
    // History: the Docs goal, made today, counts yesterday's v7 too.
    String twoDays = "period=custom&from=" + yesterday + "&to=" + today;
    assertThat(results(api, key, stats + "aggregate?metrics=visitors,events&filters=goal%3D%3DDocs&" + twoDays))
        .isEqualTo("{\"visitors\":{\"value\":2},\"events\":{\"value\":3}}");

    String signupFunnel = funnel(api, "{\"name\": \"Signup\", \"steps\": [{\"page\": \"/\"}, {\"page\": \"/pricing\"}, {\"goal\": \"Signup\"}]}");
    String pricingFunnel = funnel(api, "{\"name\": \"Pricing\", \"steps\": [{\"page\": \"/\"}, {\"page\": \"/pricing\"}]}");
    // Today: /: v1, v2, v5; /pricing: v1 (v2 skipped it); Signup after /pricing: v1.
    assertThat(api.get(stats + "funnel?funnel=" + signupFunnel, key).body()).isEqualTo("{\"steps\":["
        + "{\"label\":\"/\",\"visitors\":3,\"conversion_rate\":100.0,\"conversion_rate_step\":100.0,\"dropoff\":0},"
        + "{\"label\":\"/pricing\",\"visitors\":1,\"conversion_rate\":33.3,\"conversion_rate_step\":33.3,\"dropoff\":2},"
        + "{\"label\":\"Signup\",\"visitors\":1,\"conversion_rate\":33.3,\"conversion_rate_step\":100.0,\"dropoff\":0}]}");
    assertThat(funnelVisitors(api, key, stats + "funnel?funnel=" + signupFunnel + "&filters=source%3D%3DGoogle")).isEqualTo(List.of(2, 1, 1));
    // Yesterday: v3 did / and /pricing in two visits, which is no funnel; v6 in one.
    assertThat(funnelVisitors(api, key, stats + "funnel?funnel=" + pricingFunnel + "&date=" + yesterday)).isEqualTo(List.of(2, 1));
    assertThat(api.get(stats + "funnel?funnel=nope", key).statusCode()).isEqualTo(404);

    // A saved segment stands for its filters, alone or beside others.
    var saved = admin(api, "POST", "/api/v1/sites/goals.example/segments", "{\"name\": \"From Google\", \"filters\": \"source==Google\"}");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
    String google = ApiClient.json(saved).path("id").asText();
    assertThat(results(api, key, stats + "aggregate?metrics=visitors&filters=segment%3D%3D" + google))
        .isEqualTo("{\"visitors\":{\"value\":3}}");
    assertThat(results(api, key, stats + "aggregate?metrics=visitors&filters=segment%3D%3D" + google + "%3Bgoal%3D%3DSignup"))
        .isEqualTo("{\"visitors\":{\"value\":1}}");
    assertThat(api.get(stats + "aggregate?filters=segment%3D%3Dnope", key).statusCode()).isEqualTo(400);
    assertThat(admin(api, "POST", "/api/v1/sites/goals.example/segments", "{\"name\": \"x\", \"filters\": \"shoe==1\"}").statusCode())
        .isEqualTo(400);

    // Revenue: a goal in euros sums the euro purchases only (19.99 + 5.01; the 10 USD are not euros).
    assertThat(admin(api, "POST", "/api/v1/sites/goals.example/goals", "{\"event\": \"Purchase\", \"currency\": \"EUR\"}")
        .statusCode()).isEqualTo(201);
    // (The body has two decimals, 25.00; the test's JSON reader keeps numbers as doubles.)
    assertThat(api.get(stats + "aggregate?metrics=visitors,events,total_revenue,average_revenue&filters=goal%3D%3DPurchase", key).body())
        .isEqualTo("{\"results\":{\"visitors\":{\"value\":3},\"events\":{\"value\":3},\"total_revenue\":{\"value\":25.00},"
            + "\"average_revenue\":{\"value\":12.50}}}");
    // Which sources bring revenue: Google v1 (19.99 EUR) and v4 (its 10 USD are no euros), direct v2 (5.01 EUR).
    assertThat(results(api, key, stats + "breakdown?property=source&metrics=visitors,total_revenue&filters=goal%3D%3DPurchase"))
        .isEqualTo("[{\"source\":\"Google\",\"visitors\":2,\"total_revenue\":19.99},"
            + "{\"source\":\"Direct / None\",\"visitors\":1,\"total_revenue\":5.01}]");
    assertThat(results(api, key, stats + "breakdown?property=goal&metrics=events,total_revenue")).isEqualTo(
        "[{\"goal\":\"Purchase\",\"events\":3,\"total_revenue\":25.0},{\"goal\":\"Docs\",\"events\":2,\"total_revenue\":0.0},"
            + "{\"goal\":\"Signup\",\"events\":2,\"total_revenue\":0.0}]");
    assertThat(admin(api, "POST", "/api/v1/sites/goals.example/goals",
        "{\"name\": \"Purchase (USD)\", \"event\": \"Purchase\", \"currency\": \"USD\"}").statusCode()).isEqualTo(201);
    assertThat(results(api, key, stats + "aggregate?metrics=total_revenue&filters=goal%3D%3DPurchase (USD)".replace(" ", "%20")))
        .isEqualTo("{\"total_revenue\":{\"value\":10.0}}");
    assertThat(api.get(stats + "aggregate?metrics=total_revenue&filters=goal%3D%3DPurchase*", key).statusCode())
        .as("two currencies do not add up").isEqualTo(400);
    assertThat(api.get(stats + "aggregate?metrics=total_revenue&filters=goal%3D%3DSignup", key).statusCode())
        .as("no revenue goal").isEqualTo(400);

    // Today against yesterday: visitors 4 vs 3 (v3, v6, v7), pageviews 6 vs 5, bounces 1 of 4 visits vs 3 of 4.
    assertThat(results(api, key, stats + "aggregate?metrics=visitors,pageviews,bounce_rate&compare=previous_period")).isEqualTo(
        "{\"visitors\":{\"value\":4,\"comparison_value\":3,\"change\":33.3},"
            + "\"pageviews\":{\"value\":6,\"comparison_value\":5,\"change\":20.0},"
            + "\"bounce_rate\":{\"value\":25,\"comparison_value\":75,\"change\":-50.0}}");
    assertThat(results(api, key, stats + "timeseries?metrics=visitors&period=custom&from=" + today + "&to=" + today
        + "&interval=day&compare=previous_period")).isEqualTo("[{\"date\":\"" + today + "\",\"visitors\":4,"
        + "\"comparison\":{\"date\":\"" + yesterday + "\",\"visitors\":3,\"change\":{\"visitors\":33.3}}}]");
    assertThat(results(api, key, stats + "breakdown?property=page&metrics=visitors&limit=1&compare=custom&compare_from=" + yesterday
        + "&compare_to=" + yesterday)).isEqualTo(
        "[{\"page\":\"/\",\"visitors\":{\"value\":3,\"comparison_value\":2,\"change\":50.0}}]");
  }

  private static String revenue(String amount, String currency) {
    return java.net.URLEncoder.encode("{\"amount\":\"" + amount + "\",\"currency\":\"" + currency + "\"}", java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void beacon(ApiClient api, String siteId, String query, String ip, String userAgent) {
    assertThat(api.beaconGet("s=" + siteId + "&" + query, ip, userAgent).statusCode()).isEqualTo(204);
  }

  private static String logLine(String ip, LocalDate day, String time, String path) {
    String date = day.format(DateTimeFormatter.ofPattern("dd/MMM/yyyy", Locale.ROOT));
    return ip + " - - [" + date + ":" + time + " +0000] \"GET " + path + " HTTP/1.1\" 200 512 \"-\" \"" + FIREFOX_LINUX + "\"";
  }

  private static HttpResponse<String> admin(ApiClient api, String method, String path, String body) {
    return api.send(HttpRequest.newBuilder(api.uri(path)).header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String funnel(ApiClient api, String body) {
    var created = admin(api, "POST", "/api/v1/sites/goals.example/funnels", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return ApiClient.json(created).path("id").asText();
  }

  private static List<Integer> funnelVisitors(ApiClient api, String key, String path) {
    var response = api.get(path, key);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Integer> visitors = new java.util.ArrayList<>();
    ApiClient.json(response).path("steps").forEach(step -> visitors.add(step.path("visitors").asInt()));
    return visitors;
  }

  private static String results(ApiClient api, String key, String path) {
    var response = api.get(path, key);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ApiClient.json(response).path("results").toString();
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
