package biz.vulcantracker;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reports are a function of the set of hits, end to end: 14 days of access log for two sites'
 * worth of traffic (one in a half-hour zone), with visits across local and UTC midnights, and a few
 * beacons of today, sent (a) in time order by one sender and (b) newest day first, shuffled into
 * random batches by four concurrent senders, one batch sent twice. Every report of docs/api.md
 * (aggregate, daily and hourly series, every breakdown, and the same with a filter that keeps
 * everything) is the same for (a) and (b), and equals a reference computed here from the raw lines:
 * people by address and User-Agent, their ids by UTC day, visits cut at 30 minutes.
 */
class AnyOrderIT {

  private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final int DAYS = 14;
  private static final List<String> PAGES = List.of("/", "/blog", "/pricing", "/docs/start", "/about", "/blog/post-1");
  private static final List<String> AGENTS = List.of(
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1");
  /** Referrers and the source each is reported as (docs/api.md: the referrer's known name, else Direct / None). */
  private static final Map<String, String> REFERRERS = Map.of(
      "-", "Direct / None",
      "https://www.google.com/", "Google",
      "https://news.ycombinator.com/item?id=1", "Hacker News");
  private static final List<String> PROPERTIES = List.of("page", "entry_page", "exit_page", "hostname", "source", "referrer",
      "country", "browser", "os", "device", "origin");
  private static final String METRICS = "visitors,visits,pageviews,bounce_rate,visit_duration";

  private static String prefix;
  private static VulcanNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    IntegrationFixture.avoidMidnight();
    prefix = IntegrationFixture.freshPrefix("anyorder");
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix));
    api = new ApiClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A log line's facts, before it is written as text. */
  record Line(long at, String address, String agent, String page, String referrer) {
    String text() {
      return address + " - - [" + ZonedDateTime.ofInstant(Instant.ofEpochMilli(at), ZoneOffset.UTC).format(TIME_LOCAL) + "] \"GET "
          + page + " HTTP/1.1\" 200 512 \"" + referrer + "\" \"" + agent + "\"";
    }
  }

  @Test
  void kolkata() throws Exception {
    reportsAreTheSameInAnyOrderAndEqualTheReference(ZoneId.of("Asia/Kolkata"));
  }

  @Test
  void newYork() throws Exception {
    reportsAreTheSameInAnyOrderAndEqualTheReference(ZoneId.of("America/New_York"));
  }

  private void reportsAreTheSameInAnyOrderAndEqualTheReference(ZoneId zone) throws Exception {
    String name = zone.getId().replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
    ApiClient.SiteKeys ordered = api.createSite(name + "-ordered.example", List.of("a.example"), zone.getId());
    ApiClient.SiteKeys shuffled = api.createSite(name + "-shuffled.example", List.of("a.example"), zone.getId());
    Random random = new Random(zone.getId().hashCode());
    LocalDate today = LocalDate.now(zone);
    LocalDate first = today.minusDays(DAYS);
    List<Line> lines = traffic(zone, first, today, random);

    // (a) in time order, one sender.
    for (int start = 0; start < lines.size(); start += 400) {
      postLines(ordered, lines.subList(start, Math.min(lines.size(), start + 400)), null);
    }
    // (b) newest day first, shuffled within each day, random batches, four senders; one batch twice.
    List<List<Line>> batches = newestFirstInRandomBatches(lines, zone, random);
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (List<Line> batch : batches) {
        sent.add(CompletableFuture.runAsync(() -> postLines(shuffled, batch, null), senders));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    } finally {
      senders.shutdown();
    }
    postLines(shuffled, batches.get(batches.size() / 2), null); // a retry without a batch id: the content ids count it once

    // Lines too old or too far in the future are refused per line, with their reasons.
    long now = System.currentTimeMillis();
    JsonNode refused = ApiClient.json(api.postLog(shuffled.id(), shuffled.ingestToken(), null, String.join("\n",
        new Line(now - Duration.ofDays(6 * 366).toMillis(), "203.0.113.200", AGENTS.get(0), "/", "-").text(),
        new Line(now + Duration.ofHours(3).toMillis(), "203.0.113.201", AGENTS.get(0), "/", "-").text()), null));
    assertThat(refused.path("queued").asInt()).isZero();
    assertThat(refused.toString()).contains("\"code\":\"too_old\"").contains("\"code\":\"in_future\"");

    // Beacons of today, the same for both sites.
    List<Line> beacons = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String address = "198.51.100." + (50 + i);
      for (ApiClient.SiteKeys site : List.of(ordered, shuffled)) {
        HttpResponse<String> response = api.beaconGet("s=" + site.id() + "&u=https://a.example/landing", address, "Firefox");
        assertThat(response.statusCode()).isEqualTo(204);
      }
      beacons.add(new Line(System.currentTimeMillis(), address, ApiClient.userAgent("Firefox"), "/landing", "-"));
    }

    Reference reference = new Reference(zone, lines, beacons);
    String custom = "period=custom&from=" + first + "&to=" + today;
    eventually(Duration.ofSeconds(90), () -> assertThat(series(ordered, custom + "&interval=day", ""))
        .isEqualTo(reference.daily(first, today)));
    eventually(Duration.ofSeconds(90), () -> assertThat(series(shuffled, custom + "&interval=day", ""))
        .isEqualTo(reference.daily(first, today)));

    String everything = "&filters=" + java.net.URLEncoder.encode("hostname==a.example", java.nio.charset.StandardCharsets.UTF_8);
    for (String filter : List.of("", everything)) {
      assertThat(series(ordered, custom + "&interval=day", filter)).as("daily " + filter).isEqualTo(reference.daily(first, today));
      assertThat(series(shuffled, custom + "&interval=day", filter)).as("daily " + filter).isEqualTo(reference.daily(first, today));
      assertThat(series(ordered, custom + "&interval=hour", filter)).as("hourly " + filter)
          .isEqualTo(reference.hourly(first, today));
      assertThat(series(shuffled, custom + "&interval=hour", filter)).as("hourly " + filter)
          .isEqualTo(reference.hourly(first, today));
      assertThat(aggregate(shuffled, custom, filter)).as("aggregate " + filter).isEqualTo(aggregate(ordered, custom, ""));
      for (String property : PROPERTIES) {
        Map<String, List<Long>> a = breakdown(ordered, custom, property, filter);
        assertThat(breakdown(shuffled, custom, property, filter)).as(property + " " + filter).isEqualTo(a);
        Map<String, List<Long>> expected = reference.breakdown(property);
        if (expected != null) {
          assertThat(a).as(property + " reference " + filter).isEqualTo(expected);
        }
      }
    }
  }

  private static void postLines(ApiClient.SiteKeys site, List<Line> batch, String batchId) {
    StringBuilder body = new StringBuilder();
    batch.forEach(line -> body.append(line.text()).append('\n'));
    HttpResponse<String> response = api.postLog(site.id(), site.ingestToken(), null, body.toString(), batchId);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(ApiClient.json(response).path("queued").asInt()).as(response.body()).isEqualTo(batch.size());
  }

  private static List<List<Line>> newestFirstInRandomBatches(List<Line> lines, ZoneId zone, Random random) {
    Map<LocalDate, List<Line>> byDay = new TreeMap<>(Comparator.reverseOrder());
    lines.forEach(line -> byDay.computeIfAbsent(LocalDate.ofInstant(Instant.ofEpochMilli(line.at()), zone), d -> new ArrayList<>())
        .add(line));
    List<Line> sequence = new ArrayList<>();
    byDay.values().forEach(day -> {
      Collections.shuffle(day, random);
      sequence.addAll(day);
    });
    List<List<Line>> batches = new ArrayList<>();
    for (int start = 0; start < sequence.size(); ) {
      int end = Math.min(sequence.size(), start + 1 + random.nextInt(250));
      batches.add(sequence.subList(start, end));
      start = end;
    }
    return batches;
  }

  /**
   * 150 people (an address and a User-Agent each) visiting every few hours over the 14 days before
   * today; a third of their visits start shortly before a local or a UTC midnight.
   */
  private static List<Line> traffic(ZoneId zone, LocalDate first, LocalDate today, Random random) {
    long from = first.atStartOfDay(zone).toInstant().toEpochMilli();
    long until = today.atStartOfDay(zone).toInstant().toEpochMilli() - 1;
    List<Long> midnights = new ArrayList<>();
    for (LocalDate day = first; day.isBefore(today); day = day.plusDays(1)) {
      midnights.add(day.atStartOfDay(zone).toInstant().toEpochMilli());
      midnights.add(day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    }
    List<Line> lines = new ArrayList<>();
    for (int person = 0; person < 150; person++) {
      String address = (person < 100 ? "203.0.113." : "192.0.2.") + person % 100;
      String agent = AGENTS.get(person % AGENTS.size());
      long at = from + (long) (random.nextDouble() * Duration.ofHours(40).toMillis());
      while (at < until) {
        if (random.nextInt(3) == 0) {
          long midnight = midnights.get(random.nextInt(midnights.size()));
          if (midnight > at && midnight < until) {
            at = midnight - Duration.ofMinutes(1 + random.nextInt(25)).toMillis();
          }
        }
        String referrer = List.copyOf(REFERRERS.keySet()).get(random.nextInt(REFERRERS.size()));
        int length = 1 + random.nextInt(5);
        for (int i = 0; i < length && at < until; i++) {
          lines.add(new Line(at / 1000 * 1000, address, agent, PAGES.get(random.nextInt(PAGES.size())), i == 0 ? referrer : "-"));
          at += Duration.ofSeconds(5 + random.nextInt(28 * 60)).toMillis();
        }
        at += Duration.ofMinutes(31 + random.nextInt(20 * 60)).toMillis();
      }
    }
    lines.sort(Comparator.comparingLong(Line::at));
    return lines;
  }

  /** Date (or hour) → the metrics of {@link #METRICS}, as the API answers them. */
  private static Map<String, List<Long>> series(ApiClient.SiteKeys site, String query, String filter) {
    HttpResponse<String> response = api.get("/api/v1/sites/" + site.id() + "/stats/timeseries?" + query + "&metrics=" + METRICS
        + filter, site.reportKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, List<Long>> rows = new TreeMap<>();
    for (JsonNode row : ApiClient.json(response).path("results")) {
      List<Long> values = values(row);
      if (values.stream().anyMatch(v -> v != 0)) {
        rows.put(row.path("date").asText(), values);
      }
    }
    return rows;
  }

  private static List<Long> aggregate(ApiClient.SiteKeys site, String query, String filter) {
    HttpResponse<String> response = api.get("/api/v1/sites/" + site.id() + "/stats/aggregate?" + query + "&metrics=" + METRICS
        + filter, site.reportKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode results = ApiClient.json(response).path("results");
    List<Long> values = new ArrayList<>();
    for (String metric : METRICS.split(",")) {
      values.add(results.path(metric).path("value").asLong());
    }
    return values;
  }

  private static Map<String, List<Long>> breakdown(ApiClient.SiteKeys site, String query, String property, String filter) {
    boolean hitLevel = property.equals("page") || property.equals("hostname");
    String metrics = hitLevel ? "visitors,pageviews" : METRICS;
    HttpResponse<String> response = api.get("/api/v1/sites/" + site.id() + "/stats/breakdown?" + query + "&property=" + property
        + "&metrics=" + metrics + "&limit=1000" + filter, site.reportKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, List<Long>> rows = new TreeMap<>();
    for (JsonNode row : ApiClient.json(response).path("results")) {
      List<Long> values = new ArrayList<>();
      for (String metric : metrics.split(",")) {
        values.add(row.path(metric).asLong());
      }
      rows.put(row.path(property).asText(), values);
    }
    return rows;
  }

  private static List<Long> values(JsonNode row) {
    List<Long> values = new ArrayList<>();
    for (String metric : METRICS.split(",")) {
      values.add(row.path(metric).asLong());
    }
    return values;
  }

  /**
   * The reports computed from the raw lines and beacons: a person is an address and a User-Agent,
   * a visitor id is a person on one UTC day; a person's hits in time order make visits, cut where
   * 30 minutes pass without a hit (a visit across midnight goes on); pageviews count on their local
   * day and hour, visits on their first hit's, visitors as distinct (person, UTC day) per day or hour.
   */
  private static final class Reference {
    private final ZoneId zone;
    private final Map<String, long[]> days = new TreeMap<>();
    private final Map<String, Set<String>> dayVisitors = new HashMap<>();
    private final Map<String, long[]> hours = new TreeMap<>();
    private final Map<String, Set<String>> hourVisitors = new HashMap<>();
    private final Map<String, Map<String, long[]>> values = new HashMap<>();
    private final Map<String, Map<String, Set<String>>> valueVisitors = new HashMap<>();

    Reference(ZoneId zone, List<Line> lines, List<Line> beacons) {
      this.zone = zone;
      Map<String, List<Line>> people = new HashMap<>();
      for (Line line : lines) {
        people.computeIfAbsent(line.address() + " " + line.agent(), p -> new ArrayList<>()).add(line);
      }
      for (Line beacon : beacons) {
        people.computeIfAbsent("beacon " + beacon.address(), p -> new ArrayList<>()).add(beacon);
      }
      people.forEach((person, hits) -> {
        hits.sort(Comparator.comparingLong(Line::at));
        List<Line> visit = new ArrayList<>();
        for (Line hit : hits) {
          if (!visit.isEmpty() && hit.at() - visit.get(visit.size() - 1).at() > Duration.ofMinutes(30).toMillis()) {
            visit(person, visit);
            visit = new ArrayList<>();
          }
          visit.add(hit);
          String visitor = person + " " + LocalDate.ofInstant(Instant.ofEpochMilli(hit.at()), ZoneOffset.UTC);
          row(days, dayVisitors, day(hit.at()), visitor)[2]++;
          row(hours, hourVisitors, hour(hit.at()), visitor)[2]++;
          value("page", hit.page(), visitor, day(hit.at()))[2]++;
          value("hostname", "a.example", visitor, day(hit.at()))[2]++;
        }
        visit(person, visit);
      });
    }

    private void visit(String person, List<Line> visit) {
      Line first = visit.get(0);
      Line last = visit.get(visit.size() - 1);
      boolean bounce = visit.size() == 1;
      long duration = bounce ? 0 : last.at() - first.at();
      String visitor = person + " " + LocalDate.ofInstant(Instant.ofEpochMilli(first.at()), ZoneOffset.UTC);
      for (long[] row : List.of(row(days, dayVisitors, day(first.at()), visitor), row(hours, hourVisitors, hour(first.at()), visitor))) {
        row[1]++;
        row[3] += bounce ? 1 : 0;
        row[4] += duration;
      }
      boolean beacon = person.startsWith("beacon ");
      Map<String, String> properties = new HashMap<>();
      properties.put("entry_page", first.page());
      properties.put("exit_page", last.page());
      properties.put("source", REFERRERS.getOrDefault(first.referrer(), "Direct / None"));
      properties.put("origin", beacon ? "beacon" : "log");
      properties.forEach((property, v) -> {
        long[] row = value(property, v, visitor, day(first.at()));
        row[1]++;
        row[2] += visit.size();
        row[3] += bounce ? 1 : 0;
        row[4] += duration;
      });
    }

    private long[] row(Map<String, long[]> rows, Map<String, Set<String>> visitors, String key, String visitor) {
      visitors.computeIfAbsent(key, k -> new HashSet<>()).add(visitor);
      return rows.computeIfAbsent(key, k -> new long[5]);
    }

    /** A value's row on one day (a hit's day, a visit's first day): the API sums the days' rows. */
    private long[] value(String property, String v, String visitor, String day) {
      return row(values.computeIfAbsent(property, p -> new TreeMap<>()), valueVisitors.computeIfAbsent(property, p -> new HashMap<>()),
          v + "\u0000" + day, visitor);
    }

    private String day(long at) {
      return LocalDate.ofInstant(Instant.ofEpochMilli(at), zone).toString();
    }

    private String hour(long at) {
      return ZonedDateTime.ofInstant(Instant.ofEpochMilli(at), zone).truncatedTo(ChronoUnit.HOURS)
          .toLocalDateTime().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    /** visitors, visits, pageviews, bounce rate (%), visit duration (s), as docs/api.md defines them. */
    private static List<Long> metrics(long visitors, long[] row) {
      long visits = row[1];
      return List.of(visitors, visits, row[2], visits == 0 ? 0 : Math.round(100.0 * row[3] / visits),
          visits == 0 ? 0 : Math.round(row[4] / 1000.0 / visits));
    }

    Map<String, List<Long>> daily(LocalDate from, LocalDate to) {
      Map<String, List<Long>> rows = new TreeMap<>();
      days.forEach((day, row) -> rows.put(day, metrics(dayVisitors.get(day).size(), row)));
      return rows;
    }

    Map<String, List<Long>> hourly(LocalDate from, LocalDate to) {
      Map<String, List<Long>> rows = new TreeMap<>();
      hours.forEach((hour, row) -> rows.put(hour, metrics(hourVisitors.get(hour).size(), row)));
      return rows;
    }

    /**
     * A property's rows over the whole period, summed over days as the API sums them (visitors per
     * day added up); null for a property this reference does not derive (browser, os, country,
     * referrer: those come from classifiers and databases it does not reimplement, and are held to
     * (a) = (b) only).
     */
    Map<String, List<Long>> breakdown(String property) {
      Map<String, long[]> rows = values.get(property);
      if (rows == null || property.equals("referrer")) {
        return null;
      }
      boolean hitLevel = property.equals("page") || property.equals("hostname");
      Map<String, long[]> sums = new TreeMap<>();
      Map<String, Long> visitors = new TreeMap<>();
      rows.forEach((key, row) -> {
        String v = key.substring(0, key.indexOf('\u0000'));
        long[] sum = sums.computeIfAbsent(v, k -> new long[5]);
        for (int i = 0; i < row.length; i++) {
          sum[i] += row[i];
        }
        visitors.merge(v, (long) valueVisitors.get(property).get(key).size(), Long::sum);
      });
      Map<String, List<Long>> result = new TreeMap<>();
      sums.forEach((v, sum) -> result.put(v, hitLevel ? List.of(visitors.get(v), sum[2]) : metrics(visitors.get(v), sum)));
      return result;
    }
  }
}
