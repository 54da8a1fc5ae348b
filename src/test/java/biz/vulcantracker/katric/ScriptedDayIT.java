package biz.vulcantracker.katric;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.queue.QueuedHitCodec;
import com.typesafe.config.Config;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A scripted day of hits for two sites in two time zones, put straight into the stream with their
 * own timestamps (as the log endpoint will), counted by the real katric into Cassandra; every
 * metric of aggregate, timeseries and breakdown is checked against values computed by hand below,
 * then the node restarts and gives the same answers.
 */
class ScriptedDayIT {

  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  @Test
  void everyMetricMatchesTheHandComputedDayAndSurvivesARestart() {
    String prefix = IntegrationFixture.freshPrefix("scripted");
    Config config = IntegrationFixture.nodeConfig(prefix);
    String berlin;
    String newYork;
    try (VulcanNode node = VulcanNode.start(config); RedisClient redis = IntegrationFixture.redisClient()) {
      ApiClient api = new ApiClient(node.httpPort());
      berlin = api.createSite("berlin.example", List.of("berlin.example"), "Europe/Berlin").reportKey();
      newYork = api.createSite("newyork.example", List.of("newyork.example"), "America/New_York").reportKey();
      QueueSettings queue = QueueSettings.create(node.system().settings().config());
      var commands = redis.connect().sync();
      // Berlin is UTC+1, New York UTC-5 in November. Times below are UTC.
      List<QueuedHit> script = List.of(
          // berlin v1: Google, "/" then "/blog", then a signup: one visit of 12 min.
          hit("berlin.example", "a1", "2026-11-20T08:00:00Z", "pageview", "/", "https://www.google.com/", null),
          hit("berlin.example", "a1", "2026-11-20T08:10:00Z", "pageview", "/blog", null, null),
          hit("berlin.example", "a1", "2026-11-20T08:12:00Z", "Signup", "/blog", null, Map.of("plan", "pro")),
          // berlin v2: three bounces (61 min, then a 31-min gap between them).
          hit("berlin.example", "a2", "2026-11-20T09:00:00Z", "pageview", "/blog", null, null),
          hit("berlin.example", "a2", "2026-11-20T10:00:00Z", "pageview", "/", null, null),
          hit("berlin.example", "a2", "2026-11-20T10:31:00Z", "pageview", "/about", null, null),
          // berlin v3: 23:30 UTC is already 2026-11-21 in Berlin.
          hit("berlin.example", "a3", "2026-11-20T23:30:00Z", "pageview", "/", null, null),
          // new york w1: 03:00 UTC on the 21st is 22:00 on the 20th in New York; a visit of 20 min.
          hit("newyork.example", "b1", "2026-11-21T03:00:00Z", "pageview", "/", null, null),
          hit("newyork.example", "b1", "2026-11-21T03:20:00Z", "pageview", "/pricing", null, null),
          // new york w2: 06:00 UTC is 01:00 on the 21st: a bounce.
          hit("newyork.example", "b2", "2026-11-21T06:00:00Z", "pageview", "/", null, null));
      for (QueuedHit hit : script) {
        commands.xadd(queue.hitStream(queue.partitionOf(hit.siteId())), QueuedHitCodec.encode(hit));
      }
      eventually(Duration.ofSeconds(40), () -> assertThat(get(api, berlin,
          "/api/v1/sites/berlin.example/stats/aggregate?period=custom&from=2026-11-20&to=2026-11-21&metrics=pageviews"))
          .isEqualTo("{\"pageviews\":{\"value\":6}}"));
      eventually(Duration.ofSeconds(40), () -> assertThat(get(api, newYork,
          "/api/v1/sites/newyork.example/stats/aggregate?period=custom&from=2026-11-20&to=2026-11-21&metrics=pageviews"))
          .isEqualTo("{\"pageviews\":{\"value\":3}}"));
      assertHandComputedReports(api, berlin, newYork);
    }

    // A new node over the same Cassandra and Redis answers the same.
    try (VulcanNode restarted = VulcanNode.start(config)) {
      ApiClient api = new ApiClient(restarted.httpPort());
      // The report keys are the ones shown when the sites were made (only their hashes are stored).
      assertHandComputedReports(api, berlin, newYork);
    }
  }

  private static void assertHandComputedReports(ApiClient api, String berlin, String newYork) {
    String all = "visitors,visits,pageviews,events,bounce_rate,visit_duration,views_per_visit";
    // Berlin, the 20th: visitors a1 a2; visits 1 + 3; pageviews 2 + 3; 1 event; 3 of 4 visits bounced;
    // 720 s over 4 visits = 180 s; 5 / 4 = 1.25 views per visit.
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/aggregate?period=day&date=2026-11-20&metrics=" + all)).isEqualTo(
        "{\"visitors\":{\"value\":2},\"visits\":{\"value\":4},\"pageviews\":{\"value\":5},\"events\":{\"value\":1},"
            + "\"bounce_rate\":{\"value\":75},\"visit_duration\":{\"value\":180},\"views_per_visit\":{\"value\":1.25}}");
    // Both days: + a3 (a bounce on the 21st): 3 visitors, 5 visits, 6 pageviews, 4/5 bounced, 720/5 s, 6/5.
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/aggregate?period=custom&from=2026-11-20&to=2026-11-21&metrics=" + all)).isEqualTo(
        "{\"visitors\":{\"value\":3},\"visits\":{\"value\":5},\"pageviews\":{\"value\":6},\"events\":{\"value\":1},"
            + "\"bounce_rate\":{\"value\":80},\"visit_duration\":{\"value\":144},\"views_per_visit\":{\"value\":1.2}}");
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/timeseries?period=custom&from=2026-11-19&to=2026-11-21&metrics=visitors,pageviews")).isEqualTo(
        "[{\"date\":\"2026-11-19\",\"visitors\":0,\"pageviews\":0},{\"date\":\"2026-11-20\",\"visitors\":2,\"pageviews\":5},"
            + "{\"date\":\"2026-11-21\",\"visitors\":1,\"pageviews\":1}]");
    // By hour (the default for one day), labelled in Berlin time: a1 at 09:00 (08:00 UTC), a2's first
    // bounce at 10:00, its two others at 11:00; 24 hours in all, the rest zero.
    var hours = ApiClient.json(api.get("/api/v1/sites/berlin.example/stats/timeseries?period=day&date=2026-11-20&metrics=visitors,visits,pageviews", berlin)).path("results");
    assertThat(hours).hasSize(24);
    assertThat(hours.get(0).toString()).isEqualTo("{\"date\":\"2026-11-20 00:00:00\",\"visitors\":0,\"visits\":0,\"pageviews\":0}");
    assertThat(hours.get(9).toString()).isEqualTo("{\"date\":\"2026-11-20 09:00:00\",\"visitors\":1,\"visits\":1,\"pageviews\":2}");
    assertThat(hours.get(10).toString()).isEqualTo("{\"date\":\"2026-11-20 10:00:00\",\"visitors\":1,\"visits\":1,\"pageviews\":1}");
    assertThat(hours.get(11).toString()).isEqualTo("{\"date\":\"2026-11-20 11:00:00\",\"visitors\":1,\"visits\":2,\"pageviews\":2}");
    long pageviewsByHour = 0;
    for (var hour : hours) {
      pageviewsByHour += hour.path("pageviews").asLong();
    }
    assertThat(pageviewsByHour).isEqualTo(5);
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/timeseries?period=month&date=2026-11-20&interval=month&metrics=visits")).isEqualTo(
        "[{\"date\":\"2026-11-01\",\"visits\":5}]");
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/breakdown?period=day&date=2026-11-20&property=source&metrics=visitors,visits,pageviews,bounce_rate,visit_duration")).isEqualTo(
        "[{\"source\":\"Direct / None\",\"visitors\":1,\"visits\":3,\"pageviews\":3,\"bounce_rate\":100,\"visit_duration\":0},"
            + "{\"source\":\"Google\",\"visitors\":1,\"visits\":1,\"pageviews\":2,\"bounce_rate\":0,\"visit_duration\":720}]");
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/breakdown?period=day&date=2026-11-20&property=page&metrics=visitors,pageviews")).isEqualTo(
        "[{\"page\":\"/\",\"visitors\":2,\"pageviews\":2},{\"page\":\"/blog\",\"visitors\":2,\"pageviews\":2},{\"page\":\"/about\",\"visitors\":1,\"pageviews\":1}]");
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/breakdown?period=day&date=2026-11-20&property=exit_page&metrics=visits")).isEqualTo(
        "[{\"exit_page\":\"/blog\",\"visits\":2},{\"exit_page\":\"/\",\"visits\":1},{\"exit_page\":\"/about\",\"visits\":1}]");
    assertThat(get(api, berlin, "/api/v1/sites/berlin.example/stats/breakdown?period=day&date=2026-11-20&property=event:props:plan&metrics=events,visitors")).isEqualTo(
        "[{\"plan\":\"pro\",\"events\":1,\"visitors\":1}]");
    // New York: the 20th holds w1 (two pages, 20 min); the 21st w2's bounce.
    assertThat(get(api, newYork, "/api/v1/sites/newyork.example/stats/aggregate?period=day&date=2026-11-20&metrics=" + all)).isEqualTo(
        "{\"visitors\":{\"value\":1},\"visits\":{\"value\":1},\"pageviews\":{\"value\":2},\"events\":{\"value\":0},"
            + "\"bounce_rate\":{\"value\":0},\"visit_duration\":{\"value\":1200},\"views_per_visit\":{\"value\":2.0}}");
    assertThat(get(api, newYork, "/api/v1/sites/newyork.example/stats/aggregate?period=day&date=2026-11-21&metrics=visitors,bounce_rate")).isEqualTo(
        "{\"visitors\":{\"value\":1},\"bounce_rate\":{\"value\":100}}");
  }

  private static String get(ApiClient api, String key, String path) {
    var response = api.get(path, key);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ApiClient.json(response).path("results").toString();
  }

  private static QueuedHit hit(String site, String visitor, String at, String event, String path, String referrer, Map<String, String> props) {
    long timestamp = Instant.parse(at).toEpochMilli();
    return new QueuedHit(visitor + "-" + timestamp + "-" + event, site, timestamp, "beacon", event, "https://" + site + path,
        referrer, 1280, props, null, null, String.format("%-16s", visitor).replace(' ', '0'), null, FIREFOX, null, null, null);
  }
}
