package biz.vulcantracker;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient.SiteKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path on the real services: a site created through the admin API, beacons sent by GET
 * and POST from several visitors, and the stats API counting exactly what was answered 204.
 */
class PipelineIT {

  private static final Duration COUNTED_WITHIN = Duration.ofSeconds(30);

  private static String prefix;
  private static VulcanNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    prefix = IntegrationFixture.freshPrefix("pipeline");
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix));
    api = new ApiClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void everyAcceptedBeaconIsCountedOnceWithItsVisitors() {
    IntegrationFixture.avoidMidnight();
    SiteKeys site = api.createSite("shop.example", List.of("shop.example", "www.shop.example"), "UTC");
    List<Integer> statuses = new ArrayList<>();

    // Visitor A: five pageviews by GET.
    for (int i = 0; i < 5; i++) {
      statuses.add(api.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2Fp" + i, "203.0.113.10", "Browser-A").statusCode());
    }
    // Visitor B: a different address, three pageviews by GET on the www host.
    for (int i = 0; i < 3; i++) {
      statuses.add(api.beaconGet("s=shop.example&u=https%3A%2F%2Fwww.shop.example%2Fq" + i + "&w=1280", "2001:db8::7", "Browser-B").statusCode());
    }
    // Visitor C: same address as A, another browser: one POSTed array of three pageviews and a custom event.
    statuses.add(api.beaconPost("""
        [{"s":"shop.example","u":"https://shop.example/"},
         {"s":"shop.example","u":"https://shop.example/pricing","r":"https://news.example/"},
         {"s":"shop.example","u":"https://shop.example/signup","w":390},
         {"s":"shop.example","u":"https://shop.example/signup","n":"Signup","p":{"plan":"pro"}}]
        """, "203.0.113.10", "Browser-C").statusCode());
    // Visitor A again, a single POSTed object.
    statuses.add(api.beaconPost("{\"s\":\"shop.example\",\"u\":\"https://shop.example/again\"}", "203.0.113.10", "Browser-A").statusCode());

    // A crawler is answered like anyone, and counted nowhere.
    statuses.add(api.beaconGet("s=shop.example&u=https%3A%2F%2Fshop.example%2F", "66.249.66.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").statusCode());

    assertThat(statuses).hasSize(11).containsOnly(204);
    eventually(COUNTED_WITHIN, () -> {
      assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(12);
      assertThat(api.aggregate(site.id(), site.reportKey(), "visitors")).isEqualTo(3);
      assertThat(api.aggregate(site.id(), site.reportKey(), "events")).isEqualTo(1);
    });
    // Each visitor's hits came within seconds: one visit each, none a bounce (A and B have several
    // pageviews, C a custom event too).
    assertThat(api.aggregate(site.id(), site.reportKey(), "visits")).isEqualTo(3);
    assertThat(api.aggregate(site.id(), site.reportKey(), "bounce_rate")).isZero();
    var aggregate = ApiClient.json(api.get("/api/v1/sites/shop.example/stats/aggregate?metrics=views_per_visit,visit_duration", site.reportKey()));
    assertThat(aggregate.path("results").path("views_per_visit").path("value").decimalValue()).isEqualByComparingTo("4.00");
    assertThat(aggregate.path("results").path("visit_duration").path("value").asLong()).isBetween(0L, 60L);

    var series = ApiClient.json(api.get("/api/v1/sites/shop.example/stats/timeseries?period=7d&metrics=visitors,pageviews", site.reportKey()));
    assertThat(series.path("results")).hasSize(7);
    var today = series.path("results").get(6);
    assertThat(today.path("date").asText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
    assertThat(today.path("pageviews").asLong()).isEqualTo(12);
    assertThat(today.path("visitors").asLong()).isEqualTo(3);
    assertThat(series.path("results").get(0).path("pageviews").asLong()).isZero();
    // All three were here within the last five minutes; the crawler was not counted.
    var realtime = api.get("/api/v1/sites/shop.example/realtime/visitors", site.reportKey());
    assertThat(ApiClient.json(realtime).path("visitors").asInt()).isEqualTo(3);
    assertThat(api.get("/api/v1/sites/shop.example/stats/aggregate?period=realtime&metrics=visitors", site.reportKey()).body())
        .isEqualTo("{\"results\":{\"visitors\":{\"value\":3}}}");

    // Everything counted has been acknowledged and removed from the streams.
    try (var redis = IntegrationFixture.redisClient().connect()) {
      eventually(COUNTED_WITHIN, () -> assertThat(IntegrationFixture.queuedEntries(redis.sync(), prefix)).isZero());
    }
  }

  @Test
  void aNewSiteIsAcceptedAndItsReportKeyReadsOnlyItself() {
    SiteKeys first = api.createSite("first.example", List.of("first.example"), "UTC");
    SiteKeys second = api.createSite("second.example", List.of("second.example"), "UTC");

    assertThat(api.beaconGet("s=first.example&u=https://first.example/", "198.51.100.1", "UA").statusCode()).isEqualTo(204);
    var crossRead = api.get("/api/v1/sites/second.example/stats/aggregate", first.reportKey());
    assertThat(crossRead.statusCode()).isEqualTo(403);
    assertThat(ApiClient.json(crossRead).path("error").asText()).isEqualTo("forbidden");
    var unknownRead = api.get("/api/v1/sites/nowhere.example/stats/aggregate", first.reportKey());
    assertThat(unknownRead.statusCode()).isEqualTo(403);
    assertThat(api.get("/api/v1/sites/second.example/stats/aggregate", null).statusCode()).isEqualTo(401);
    assertThat(api.get("/api/v1/sites/second.example/stats/aggregate", second.reportKey()).statusCode()).isEqualTo(200);
  }
}
