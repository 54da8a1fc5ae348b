package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Filters on the stats API against numbers worked out by hand: three visitors over two days,
 * imported as access log lines (which carry their own times), filtered by page and by source, alone
 * and together, with {@code ==}, {@code !=}, wildcards and alternatives.
 *
 * <pre>
 * day 1  A (Firefox, from Google)    10:00 /blog/one, 10:05 /blog/two, 10:20 /pricing   one visit of 20 min
 *        B (Chrome, direct)          11:00 /pricing                                    bounce
 *        C (Chrome, Hacker News)     12:00 /blog/one, 12:01 /about                      one visit of 1 min
 * day 2  A (Firefox, from Google)    09:00 /blog/two                                    bounce
 *        B (Chrome, from Google)     09:00 /blog/one, 09:10 /blog/three                 one visit of 10 min
 *        C (Chrome, direct)          15:00 /docs                                        bounce
 * </pre>
 */
class FiltersIT {

  private static final String SITE = "filters.example";
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final String CHROME =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  private static final String GOOGLE = "https://www.google.com/";
  private static final String HN = "https://news.ycombinator.com/item?id=1";
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT);
  private static final String METRICS = "visitors,visits,pageviews,bounce_rate,visit_duration";

  private static final LocalDate DAY1 = LocalDate.now(ZoneOffset.UTC).minusDays(2);
  private static final LocalDate DAY2 = DAY1.plusDays(1);

  private static VulcanNode node;
  private static ApiClient api;
  private static ApiClient.SiteKeys site;

  @BeforeAll
  static void importTwoDays() {
    node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("filters")));
    api = new ApiClient(node.httpPort());
    site = api.createSite(SITE, List.of(SITE), "UTC");
    List<String> lines = new ArrayList<>();
    lines.add(line("192.0.2.1", DAY1, "10:00:00", "/blog/one", GOOGLE, FIREFOX));
    lines.add(line("192.0.2.1", DAY1, "10:05:00", "/blog/two", "https://" + SITE + "/blog/one", FIREFOX));
    lines.add(line("192.0.2.1", DAY1, "10:20:00", "/pricing", "https://" + SITE + "/blog/two", FIREFOX));
    lines.add(line("192.0.2.2", DAY1, "11:00:00", "/pricing", "-", CHROME));
    lines.add(line("192.0.2.3", DAY1, "12:00:00", "/blog/one", HN, CHROME));
    lines.add(line("192.0.2.3", DAY1, "12:01:00", "/about", "https://" + SITE + "/blog/one", CHROME));
    lines.add(line("192.0.2.1", DAY2, "09:00:00", "/blog/two", GOOGLE, FIREFOX));
    lines.add(line("192.0.2.2", DAY2, "09:00:00", "/blog/one", GOOGLE, CHROME));
    lines.add(line("192.0.2.2", DAY2, "09:10:00", "/blog/three", "https://" + SITE + "/blog/one", CHROME));
    lines.add(line("192.0.2.3", DAY2, "15:00:00", "/docs", "-", CHROME));
    var answer = api.postLog(SITE, site.ingestToken(), "combined", String.join("\n", lines) + "\n", "filters-1");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(ApiClient.json(answer).get("queued").asInt()).as(answer.body()).isEqualTo(10);
    eventually(Duration.ofSeconds(60), () -> assertThat(aggregate("").get("pageviews").get("value").asInt()).isEqualTo(10));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String line(String ip, LocalDate day, String time, String path, String referrer, String agent) {
    return ip + " - - [" + day.atTime(java.time.LocalTime.parse(time)).format(LOG_TIME) + " +0000] \"GET " + path
        + " HTTP/1.1\" 200 512 \"" + referrer + "\" \"" + agent + "\"";
  }

  private static JsonNode get(String report, String filters, String extra) {
    String path = "/api/v1/sites/" + SITE + "/stats/" + report + "?period=custom&from=" + DAY1 + "&to=" + DAY2 + extra
        + (filters.isEmpty() ? "" : "&filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8));
    var response = api.get(path, site.reportKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ApiClient.json(response).get("results");
  }

  /** {visitors, visits, pageviews, bounce_rate, visit_duration} of the two days. */
  private static JsonNode aggregate(String filters) {
    return get("aggregate", filters, "&metrics=" + METRICS);
  }

  private static List<Integer> values(JsonNode results) {
    return List.of(results.get("visitors").get("value").asInt(), results.get("visits").get("value").asInt(),
        results.get("pageviews").get("value").asInt(), results.get("bounce_rate").get("value").asInt(),
        results.get("visit_duration").get("value").asInt());
  }

  @Test
  void aPageFilterCountsTheMatchingPageviewsAndTheVisitsThatHadOne() {
    // Pageviews on /blog*: A 2 + C 1 on day 1, A 1 + B 2 on day 2. Visitors: 2 + 2. Visits: A, C; A, B
    // (A's day-2 visit a bounce: 1 of 4 = 25 %). Durations of those visits: 1200 + 60 + 0 + 600 s over 4.
    assertThat(values(aggregate("page==/blog*"))).containsExactly(4, 4, 6, 25, 465);
  }

  @Test
  void aSourceFilterCountsWholeVisits() {
    // From Google: A's visit on day 1 (3 pageviews), A's and B's on day 2 (1 + 2). One bounce in three.
    // Durations 1200 + 0 + 600 over 3 = 600 s.
    assertThat(values(aggregate("source==Google"))).containsExactly(3, 3, 6, 33, 600);
  }

  @Test
  void twoDimensionsTogether() {
    // From Google and on /blog*: A day 1 (/blog/one, /blog/two), A day 2 (/blog/two), B day 2 (both).
    assertThat(values(aggregate("page==/blog*;source==Google"))).containsExactly(3, 3, 5, 33, 600);
    // Neither: B's /pricing and C's /about on day 1, C's /docs on day 2; visits B, C (day 1), C (day 2).
    // Bounces: B day 1, C day 2 (C's day-1 visit has two pageviews): 2 of 3 = 67 %; durations 0 + 60 + 0 over 3 = 20 s.
    assertThat(values(aggregate("page!=/blog*;source!=Google"))).containsExactly(3, 3, 3, 67, 20);
  }

  @Test
  void alternativesAndExactValues() {
    // /pricing: A and B on day 1; /docs: C on day 2.
    assertThat(values(aggregate("page==/pricing|/docs"))).containsExactly(3, 3, 3, 67, 400);
    // Exact: only /blog/one, on day 1 (A, C) and day 2 (B).
    assertThat(values(aggregate("page==/blog/one"))).containsExactly(3, 3, 3, 0, 620);
    // Entry page is a visit property: visits that began on /blog/one are A's and C's on day 1 and B's on day 2.
    assertThat(values(aggregate("entry_page==/blog/one"))).containsExactly(3, 3, 7, 0, 620);
  }

  @Test
  void aTimeseriesSplitsTheFilteredCountsByDay() {
    JsonNode series = get("timeseries", "source==Google", "&interval=day&metrics=visitors,pageviews");
    assertThat(series).hasSize(2);
    assertThat(series.get(0).get("date").asText()).isEqualTo(DAY1.toString());
    assertThat(List.of(series.get(0).get("visitors").asInt(), series.get(0).get("pageviews").asInt())).containsExactly(1, 3);
    assertThat(List.of(series.get(1).get("visitors").asInt(), series.get(1).get("pageviews").asInt())).containsExactly(2, 3);
  }

  @Test
  void breakdownsUnderFilters() {
    // Pages of the visits from Google: /blog/one (A day 1, B day 2), /blog/two (A day 1, A day 2),
    // /blog/three (B day 2), /pricing (A day 1). Visitors are counted per day, so A twice for /blog/two.
    JsonNode pages = get("breakdown", "source==Google", "&property=page&metrics=visitors,pageviews");
    assertThat(pages.findValuesAsText("page")).containsExactly("/blog/one", "/blog/two", "/blog/three", "/pricing");
    assertThat(pages.findValues("pageviews")).extracting(JsonNode::asInt).containsExactly(2, 2, 1, 1);
    // Sources of the visits with a pageview of /blog/one: Google (A day 1, B day 2), Hacker News (C day 1);
    // pageviews counted are the matching ones.
    JsonNode sources = get("breakdown", "page==/blog/one", "&property=source&metrics=visits,pageviews");
    assertThat(sources.findValuesAsText("source")).containsExactly("Google", "Hacker News");
    assertThat(sources.findValues("visits")).extracting(JsonNode::asInt).containsExactly(2, 1);
    assertThat(sources.findValues("pageviews")).extracting(JsonNode::asInt).containsExactly(2, 1);
  }

  @Test
  void aFilterThatKeepsEverythingAgreesWithTheRollups() {
    assertThat(values(aggregate("page==*"))).isEqualTo(values(aggregate("")));
    assertThat(get("timeseries", "origin==log", "&interval=day&metrics=" + METRICS))
        .isEqualTo(get("timeseries", "", "&interval=day&metrics=" + METRICS));
    assertThat(get("breakdown", "origin!=beacon", "&property=browser&metrics=" + METRICS))
        .isEqualTo(get("breakdown", "", "&property=browser&metrics=" + METRICS));
    assertThat(values(aggregate("origin==beacon"))).containsExactly(0, 0, 0, 0, 0);
    // origin's old name, channel, still takes its values.
    assertThat(get("timeseries", "channel==log", "&interval=day&metrics=" + METRICS))
        .isEqualTo(get("timeseries", "", "&interval=day&metrics=" + METRICS));
    assertThat(values(aggregate("channel==beacon"))).containsExactly(0, 0, 0, 0, 0);
  }

  /**
   * A filtered report reads the visit segments an earlier one kept while the days' hits stay the same,
   * and builds a day's segment again from the hits once the day gains one: a late line of an earlier
   * day is counted by the next report.
   */
  @Test
  void filteredReportsReadKeptSegmentsAndFollowLateHits() throws Exception {
    String later = "later.example";
    ApiClient.SiteKeys keys = api.createSite(later, List.of(later), "UTC");
    String path = "/api/v1/sites/" + later + "/stats/aggregate?period=custom&from=" + DAY1 + "&to=" + DAY2
        + "&metrics=visitors,pageviews&filters=" + URLEncoder.encode("page==/a", StandardCharsets.UTF_8);
    var first = api.postLog(later, keys.ingestToken(), "combined", line("192.0.2.10", DAY1, "10:00:00", "/a", "-", FIREFOX) + "\n"
        + line("192.0.2.11", DAY2, "11:00:00", "/a", "-", CHROME) + "\n" + line("192.0.2.11", DAY2, "11:01:00", "/b", "-", CHROME) + "\n",
        "later-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    eventually(Duration.ofSeconds(60), () -> assertThat(pageviewsOf(api.get(path, keys.reportKey()))).isEqualTo(2));
    long built = segments("hits");
    long fromMemory = segments("memory");
    assertThat(pageviewsOf(api.get(path, keys.reportKey()))).isEqualTo(2);
    assertThat(segments("hits")).as("nothing changed: nothing built").isEqualTo(built);
    assertThat(segments("memory")).as("both days' segments kept").isEqualTo(fromMemory + 2);

    var late = api.postLog(later, keys.ingestToken(), "combined", line("192.0.2.12", DAY1, "09:00:00", "/a", "-", CHROME) + "\n", "later-2");
    assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
    eventually(Duration.ofSeconds(60), () -> assertThat(pageviewsOf(api.get(path, keys.reportKey()))).isEqualTo(3));
    assertThat(segments("hits")).as("the day that gained a hit, and the day after it (its visits may go on from it)")
        .isGreaterThanOrEqualTo(built + 2);
  }

  /**
   * An unfiltered breakdown reads the rows of days whose hits stay the same from this node's memory,
   * and a day's rows from the table again once it (or a day either side) gains a hit.
   */
  @Test
  void breakdownsKeepRowsOfUnchangedDaysAndFollowLateHits() throws Exception {
    String kept = "kept-rows.example";
    ApiClient.SiteKeys keys = api.createSite(kept, List.of(kept), "UTC");
    String path = "/api/v1/sites/" + kept + "/stats/breakdown?period=custom&from=" + DAY1 + "&to=" + DAY2
        + "&property=page&metrics=pageviews";
    var first = api.postLog(kept, keys.ingestToken(), "combined", line("192.0.2.10", DAY1, "10:00:00", "/a", "-", FIREFOX) + "\n"
        + line("192.0.2.11", DAY2, "11:00:00", "/a", "-", CHROME) + "\n" + line("192.0.2.11", DAY2, "11:01:00", "/b", "-", CHROME) + "\n",
        "kept-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    eventually(Duration.ofSeconds(60), () -> assertThat(pageviewsByPage(api.get(path, keys.reportKey()))).isEqualTo(Map.of("/a", 2, "/b", 1)));
    long fromTable = metric("vulcan_report_rollup_days_total", "table");
    long fromMemory = metric("vulcan_report_rollup_days_total", "memory");
    assertThat(pageviewsByPage(api.get(path, keys.reportKey()))).isEqualTo(Map.of("/a", 2, "/b", 1));
    assertThat(metric("vulcan_report_rollup_days_total", "table")).as("nothing changed: nothing read").isEqualTo(fromTable);
    assertThat(metric("vulcan_report_rollup_days_total", "memory")).as("both days' rows kept").isEqualTo(fromMemory + 2);

    var late = api.postLog(kept, keys.ingestToken(), "combined", line("192.0.2.12", DAY1, "09:00:00", "/b", "-", CHROME) + "\n", "kept-2");
    assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
    eventually(Duration.ofSeconds(60), () -> assertThat(pageviewsByPage(api.get(path, keys.reportKey()))).isEqualTo(Map.of("/a", 2, "/b", 2)));
    assertThat(metric("vulcan_report_rollup_days_total", "table")).as("the day that gained a hit, and the day after it")
        .isGreaterThanOrEqualTo(fromTable + 2);
  }

  private static Map<String, Integer> pageviewsByPage(java.net.http.HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Integer> pageviews = new java.util.TreeMap<>();
    ApiClient.json(response).get("results").forEach(row -> pageviews.put(row.get("page").asText(), row.get("pageviews").asInt()));
    return pageviews;
  }

  private static int pageviewsOf(java.net.http.HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ApiClient.json(response).get("results").get("pageviews").get("value").asInt();
  }

  /** Visit segments this node's reports read, from where ({@code memory}, {@code store}, {@code hits}). */
  private static long segments(String from) throws Exception {
    return metric("vulcan_report_segments_total", from);
  }

  /** A counter of this node's /metrics, summed over the series whose {@code from} label is {@code from}. */
  private static long metric(String name, String from) throws Exception {
    String text = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.managementUri() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(line -> line.startsWith(name + "{") && line.contains("from=\"" + from + "\""))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void malformedFiltersAreRefusedWithAReason() {
    for (String filters : List.of("colour==red", "page", "==/blog", "page=/blog")) {
      var response = api.get("/api/v1/sites/" + SITE + "/stats/aggregate?period=day&filters="
          + URLEncoder.encode(filters, StandardCharsets.UTF_8), site.reportKey());
      assertThat(response.statusCode()).as(filters).isEqualTo(400);
      assertThat(ApiClient.json(response).get("error").asText()).as(filters).isEqualTo("bad_filter");
    }
  }
}
