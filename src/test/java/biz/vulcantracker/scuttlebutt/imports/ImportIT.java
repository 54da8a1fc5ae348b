package biz.vulcantracker.scuttlebutt.imports;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.scuttlebutt.imports.ExportFixtures.GoatLine;
import biz.vulcantracker.scuttlebutt.imports.ExportFixtures.PlausibleDay;
import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Imports end to end on a node with its production settings: a Plausible CE export and a
 * GoatCounter export, written by the test from known numbers, import to exactly those numbers in
 * the reports (worked out here from the fixtures' rows); a malformed export is refused with its
 * reason and leaves nothing in the store; a day of the site's own shows its own numbers only; an
 * import is deleted again; only the owner imports.
 */
class ImportIT {

  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  private static String prefix;
  private static VulcanNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    IntegrationFixture.avoidMidnight();
    prefix = IntegrationFixture.freshPrefix("imports");
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix));
    api = new ApiClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aPlausibleExportImportsToItsNumbersAndIsDeletedAgain() {
    SiteKeys site = api.createSite("plausible.example", List.of("plausible.example"), "UTC");
    LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(40);
    List<PlausibleDay> days = ExportFixtures.plausibleDays(first, 10);
    LocalDate last = days.get(days.size() - 1).day();

    // Only the owner imports.
    assertThat(upload(site.id(), "plausible", ExportFixtures.plausibleZip(days), site.reportKey()).statusCode()).isEqualTo(403);
    HttpResponse<String> started = upload(site.id(), "plausible", ExportFixtures.plausibleZip(days), IntegrationFixture.ADMIN_TOKEN);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    JsonNode row = ApiClient.json(started);
    assertThat(row.path("first_day").asText()).isEqualTo(first.toString());
    assertThat(row.path("last_day").asText()).isEqualTo(last.toString());
    assertThat(row.path("rows_total").asLong()).isPositive();
    String id = row.path("id").asText();
    awaitDone(site.id(), id);

    // The totals: sums over the fixture's days.
    long visitors = days.stream().mapToLong(PlausibleDay::visitors).sum();
    long visits = days.stream().mapToLong(PlausibleDay::visits).sum();
    long pageviews = days.stream().mapToLong(PlausibleDay::pageviews).sum();
    long bounces = days.stream().mapToLong(PlausibleDay::bounces).sum();
    long seconds = days.stream().mapToLong(PlausibleDay::durationSeconds).sum();
    long events = days.stream().mapToLong(d -> d.events().values().stream().mapToLong(v -> v[1]).sum()).sum();
    JsonNode aggregate = aggregate(site, first, last, "visitors,visits,pageviews,events,bounce_rate,visit_duration");
    assertThat(aggregate.path("visitors").path("value").asLong()).isEqualTo(visitors);
    assertThat(aggregate.path("visits").path("value").asLong()).isEqualTo(visits);
    assertThat(aggregate.path("pageviews").path("value").asLong()).isEqualTo(pageviews);
    assertThat(aggregate.path("events").path("value").asLong()).isEqualTo(events);
    assertThat(aggregate.path("bounce_rate").path("value").asLong()).isEqualTo(Math.round(100.0 * bounces / visits));
    assertThat(aggregate.path("visit_duration").path("value").asLong()).isEqualTo(Math.round((double) seconds / visits));

    // Day by day.
    JsonNode series = get(site, "timeseries?period=custom&interval=day&from=" + first + "&to=" + last + "&metrics=visitors,pageviews");
    Map<String, String> expectedSeries = new TreeMap<>();
    days.forEach(d -> expectedSeries.put(d.day().toString(), d.visitors() + "/" + d.pageviews()));
    Map<String, String> actualSeries = new TreeMap<>();
    series.forEach(r -> actualSeries.put(r.path("date").asText(), r.path("visitors").asLong() + "/" + r.path("pageviews").asLong()));
    assertThat(actualSeries).isEqualTo(expectedSeries);

    // The breakdowns: each value's rows summed over the days (Google's two rows a day summed too).
    assertThat(breakdown(site, first, last, "source", "visits")).isEqualTo(sums(days, PlausibleDay::sources, 1, Map.of("", "Direct / None")));
    assertThat(breakdown(site, first, last, "source", "visitors")).isEqualTo(sums(days, PlausibleDay::sources, 0, Map.of("", "Direct / None")));
    assertThat(breakdown(site, first, last, "page", "pageviews")).isEqualTo(sums(days, PlausibleDay::pages, 1, Map.of()));
    assertThat(breakdown(site, first, last, "country", "visits")).isEqualTo(sums(days, PlausibleDay::countries, 1, Map.of()));
    assertThat(breakdown(site, first, last, "device", "visits"))
        .isEqualTo(sums(days, PlausibleDay::devices, 1, Map.of("Desktop", "desktop", "Laptop", "desktop", "Mobile", "mobile")));
    assertThat(breakdown(site, first, last, "entry_page", "pageviews")).isEqualTo(sums(days, PlausibleDay::entryPages, 2, Map.of()));
    assertThat(breakdown(site, first, last, "event", "events")).isEqualTo(sums(days, PlausibleDay::events, 1, Map.of()));
    // A filtered report is of the site's own hits: it has none.
    assertThat(get(site, "aggregate?period=custom&from=" + first + "&to=" + last + "&metrics=pageviews&filters=page%3D%3D*")
        .path("pageviews").path("value").asLong()).isZero();

    // The same days again would count twice: refused.
    HttpResponse<String> again = upload(site.id(), "plausible", ExportFixtures.plausibleZip(days), IntegrationFixture.ADMIN_TOKEN);
    assertError(again, 409, "import_overlaps");

    // Deleted, it is gone from the reports and the store.
    assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/" + site.id() + "/imports/" + id))
        .header("Authorization", "Bearer " + site.reportKey()).DELETE()).statusCode()).isEqualTo(403);
    HttpResponse<String> deleted = api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/" + site.id() + "/imports/" + id))
        .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN).DELETE());
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    eventually(Duration.ofSeconds(10), () ->
        assertThat(aggregate(site, first, last, "pageviews").path("pageviews").path("value").asLong()).isZero());
    assertThat(imports(site.id()).path("imports")).isEmpty();
    assertThat(storedRows(site.id())).isZero();
  }

  @Test
  void aGoatCounterExportImportsAsItsLinesCount() {
    SiteKeys site = api.createSite("goat.example", List.of("goat.example"), "UTC");
    LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(20);
    List<GoatLine> lines = ExportFixtures.goatLines(first, 5);
    LocalDate last = first.plusDays(4);
    HttpResponse<String> started = upload(site.id(), "goatcounter", ExportFixtures.gzip(ExportFixtures.goatCsv(lines)),
        IntegrationFixture.ADMIN_TOKEN);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    awaitDone(site.id(), ApiClient.json(started).path("id").asText());

    // A visit is a session within a day (a line without a session one of its own); bots' lines are left out.
    Map<String, List<GoatLine>> visits = new LinkedHashMap<>();
    int lone = 0;
    for (GoatLine line : lines) {
      if (!line.bot().equals("0")) {
        continue;
      }
      String key = (line.session().isEmpty() ? "lone" + lone++ : line.session()) + "@" + line.at().atZone(ZoneOffset.UTC).toLocalDate();
      visits.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(line);
    }
    long pageviews = 0;
    long events = 0;
    long bounces = 0;
    long durationMs = 0;
    Map<String, Long> sources = new TreeMap<>();
    Map<String, Long> browsers = new TreeMap<>();
    Map<String, Long> countries = new TreeMap<>();
    Map<String, Long> pages = new TreeMap<>();
    for (List<GoatLine> visit : visits.values()) {
      long views = visit.stream().filter(l -> !l.event()).count();
      long visitEvents = visit.size() - views;
      pageviews += views;
      events += visitEvents;
      boolean bounce = views == 1 && visitEvents == 0;
      bounces += bounce ? 1 : 0;
      long firstAt = visit.stream().mapToLong(l -> l.at().toEpochMilli()).min().orElseThrow();
      long lastAt = visit.stream().mapToLong(l -> l.at().toEpochMilli()).max().orElseThrow();
      durationMs += bounce ? 0 : lastAt - firstAt;
      GoatLine opening = visit.get(0);
      String source = opening.referrer().isEmpty() ? "Direct / None" : opening.referrer().startsWith("www.google.") ? "Google"
          : opening.referrer();
      sources.merge(source, 1L, Long::sum);
      browsers.merge(opening.browser().split(" ")[0], 1L, Long::sum);
      countries.merge(opening.location().substring(0, 2), 1L, Long::sum);
      visit.stream().filter(l -> !l.event()).forEach(l -> pages.merge(l.path(), 1L, Long::sum));
    }
    JsonNode aggregate = aggregate(site, first, last, "visitors,visits,pageviews,events,bounce_rate,visit_duration");
    assertThat(aggregate.path("visitors").path("value").asLong()).isEqualTo(visits.size());
    assertThat(aggregate.path("visits").path("value").asLong()).isEqualTo(visits.size());
    assertThat(aggregate.path("pageviews").path("value").asLong()).isEqualTo(pageviews);
    assertThat(aggregate.path("events").path("value").asLong()).isEqualTo(events);
    assertThat(aggregate.path("bounce_rate").path("value").asLong()).isEqualTo(Math.round(100.0 * bounces / visits.size()));
    assertThat(aggregate.path("visit_duration").path("value").asLong()).isEqualTo(Math.round(durationMs / 1000.0 / visits.size()));
    assertThat(breakdown(site, first, last, "source", "visits")).isEqualTo(sources);
    assertThat(breakdown(site, first, last, "browser", "visits")).isEqualTo(browsers);
    assertThat(breakdown(site, first, last, "country", "visits")).isEqualTo(countries);
    assertThat(breakdown(site, first, last, "page", "pageviews")).isEqualTo(pages);
  }

  @Test
  void aMalformedExportIsRefusedWithItsReasonAndLeavesNothing() {
    SiteKeys site = api.createSite("malformed.example", List.of("malformed.example"), "UTC");
    LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(30);
    List<PlausibleDay> days = ExportFixtures.plausibleDays(first, 5);
    // A good zip but for one number of its pages file, on the third day's first page row.
    Map<String, String> files = new LinkedHashMap<>(unzipped(ExportFixtures.plausibleZip(days)));
    String pagesFile = files.keySet().stream().filter(n -> n.startsWith("imported_pages_")).findFirst().orElseThrow();
    List<String> pageLines = new java.util.ArrayList<>(List.of(files.get(pagesFile).split("\n")));
    int bad = 1 + 2 * 3; // the header, then three pages a day
    pageLines.set(bad, pageLines.get(bad).replaceFirst(",(\\d+),(\\d+),(\\d+),", ",$1,12x,$3,"));
    files.put(pagesFile, String.join("\n", pageLines) + "\n");
    HttpResponse<String> refused = upload(site.id(), "plausible", ExportFixtures.zip(files), IntegrationFixture.ADMIN_TOKEN);
    assertError(refused, 400, "bad_import");
    assertThat(ApiClient.json(refused).path("message").asText()).contains(pagesFile, "line " + (bad + 1), "visitors", "12x");

    assertError(upload(site.id(), "plausible", "date,visitors\n2024-01-01,3\n".getBytes(StandardCharsets.UTF_8),
        IntegrationFixture.ADMIN_TOKEN), 400, "bad_import");
    assertError(upload(site.id(), "plausible", ExportFixtures.zip(Map.of("imported_pages_20240101_20240131.csv", "date,page\n")),
        IntegrationFixture.ADMIN_TOKEN), 400, "bad_import");
    assertError(upload(site.id(), "goatcounter", "\"1,Path\",Title,Event\n/,x,false\n".getBytes(StandardCharsets.UTF_8),
        IntegrationFixture.ADMIN_TOKEN), 400, "bad_import");
    assertError(upload(site.id(), "csv", new byte[] {1}, IntegrationFixture.ADMIN_TOKEN), 400, "bad_source");
    // A day the site could not have (beyond vulcan.katric.max-age, or after today).
    List<GoatLine> future = List.of(new GoatLine("/", false, "Firefox 1", "Linux", "s", "0", "", "", "DE",
        java.time.Instant.now().plus(Duration.ofDays(3))));
    HttpResponse<String> tooLate = upload(site.id(), "goatcounter", ExportFixtures.goatCsv(future).getBytes(StandardCharsets.UTF_8),
        IntegrationFixture.ADMIN_TOKEN);
    assertError(tooLate, 400, "bad_import");
    assertThat(ApiClient.json(tooLate).path("message").asText()).contains("line 2", "Date", "today"); // line 1 is the header

    assertThat(imports(site.id()).path("imports")).isEmpty();
    assertThat(storedRows(site.id())).isZero();
    assertThat(aggregate(site, first, first.plusDays(4), "pageviews").path("pageviews").path("value").asLong()).isZero();
  }

  @Test
  void theSitesOwnDaysShowTheirOwnNumbersOnly() {
    SiteKeys site = api.createSite("own.example", List.of("own.example"), "UTC");
    String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(5)
        .format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
    HttpResponse<String> logged = api.postLog(site.id(), site.ingestToken(), null,
        "198.51.100.9 - - [" + now + "] \"GET /own HTTP/1.1\" 200 512 \"-\" \"" + FIREFOX + "\"\n", null);
    assertThat(logged.statusCode()).as(logged.body()).isEqualTo(200);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    eventually(Duration.ofSeconds(30), () -> assertThat(aggregate(site, today, today, "pageviews").path("pageviews").path("value")
        .asLong()).isEqualTo(1));
    // An export of the last four days, today included: today is the site's own.
    List<PlausibleDay> days = ExportFixtures.plausibleDays(today.minusDays(3), 4);
    HttpResponse<String> started = upload(site.id(), "plausible", ExportFixtures.plausibleZip(days), IntegrationFixture.ADMIN_TOKEN);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    awaitDone(site.id(), ApiClient.json(started).path("id").asText());
    long importedBeforeToday = days.subList(0, 3).stream().mapToLong(PlausibleDay::pageviews).sum();
    assertThat(aggregate(site, today, today, "pageviews").path("pageviews").path("value").asLong()).isEqualTo(1);
    assertThat(aggregate(site, today.minusDays(3), today.minusDays(1), "pageviews").path("pageviews").path("value").asLong())
        .isEqualTo(importedBeforeToday);
    assertThat(aggregate(site, today.minusDays(3), today, "pageviews").path("pageviews").path("value").asLong())
        .isEqualTo(importedBeforeToday + 1);
    assertThat(breakdown(site, today, today, "page", "pageviews")).isEqualTo(Map.of("/own", 1L));
  }

  private static HttpResponse<String> upload(String siteId, String source, byte[] body, String bearer) {
    return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/" + siteId + "/imports?source=" + source + "&name="
            + URLEncoder.encode("export " + source, StandardCharsets.UTF_8)))
        .header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static void awaitDone(String siteId, String importId) {
    eventually(Duration.ofSeconds(60), () -> {
      HttpResponse<String> state = api.get("/api/v1/sites/" + siteId + "/imports/" + importId, IntegrationFixture.ADMIN_TOKEN);
      assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
      JsonNode row = ApiClient.json(state);
      assertThat(row.path("state").asText()).as(state.body()).isEqualTo("done");
      assertThat(row.path("progress").asLong()).isEqualTo(100);
      assertThat(row.path("rows_written").asLong()).isEqualTo(row.path("rows_total").asLong());
    });
  }

  private static JsonNode imports(String siteId) {
    return ApiClient.json(api.get("/api/v1/sites/" + siteId + "/imports", IntegrationFixture.ADMIN_TOKEN));
  }

  private static JsonNode aggregate(SiteKeys site, LocalDate from, LocalDate to, String metrics) {
    return get(site, "aggregate?period=custom&from=" + from + "&to=" + to + "&metrics=" + metrics);
  }

  private static JsonNode get(SiteKeys site, String query) {
    HttpResponse<String> response = api.get("/api/v1/sites/" + site.id() + "/stats/" + query, site.reportKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ApiClient.json(response).path("results");
  }

  private static Map<String, Long> breakdown(SiteKeys site, LocalDate from, LocalDate to, String property, String metric) {
    Map<String, Long> values = new TreeMap<>();
    get(site, "breakdown?period=custom&from=" + from + "&to=" + to + "&property=" + property + "&metrics=" + metric + "&limit=1000")
        .forEach(r -> values.put(r.path(property).asText(), r.path(metric).asLong()));
    return values;
  }

  /** Column {@code index} of a fixture table summed per value over the days, values renamed as the reports name them. */
  private static Map<String, Long> sums(List<PlausibleDay> days, java.util.function.Function<PlausibleDay, Map<String, long[]>> table,
      int index, Map<String, String> renamed) {
    Map<String, Long> sums = new TreeMap<>();
    days.forEach(d -> table.apply(d).forEach((value, v) -> sums.merge(renamed.getOrDefault(value, value), v[index], Long::sum)));
    return sums;
  }

  private static Map<String, String> unzipped(byte[] zip) {
    Map<String, String> files = new LinkedHashMap<>();
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return files;
  }

  /** Every row the imported tables hold for the site, read from Cassandra. */
  private static long storedRows(String siteId) {
    try (CqlSession cql = IntegrationFixture.cqlSession()) {
      long rows = 0;
      for (String table : List.of("imported_days", "imported_breakdowns", "imports")) {
        rows += cql.execute("SELECT site_id FROM " + prefix + "." + table).all().stream()
            .filter(r -> siteId.equals(r.getString("site_id"))).count();
      }
      return rows;
    }
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(ApiClient.json(response).path("error").asText()).as(response.body()).isEqualTo(code);
  }
}
