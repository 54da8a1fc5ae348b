package biz.vulcantracker.forwarder;

import biz.vulcantracker.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A generated nginx access log (combined format, a +0530 server clock) of visitors browsing pages
 * with their assets, bots crawling, redirects, 404s and HEAD requests over several days; and, written
 * here independently of the product, docs/api.md's rules applied to it: which lines are pageviews and
 * which are pages not found ("404" events), and per UTC day the visitors, visits, pageviews, bounce
 * rate and visit duration they make.
 */
final class AccessLog {

  static final String SITE = "shop.example";
  private static final DateTimeFormatter TIME_LOCAL =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.ofHoursMinutes(5, 30));
  private static final long GAP_MS = 30 * 60_000L;
  private static final List<String> BROWSERS = List.of(
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36");
  private static final List<String> BOTS = List.of(
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "-");
  private static final List<String> PAGES = List.of("/", "/products", "/products/42", "/products/7", "/blog", "/blog/hello",
      "/about", "/pricing", "/search?q=shoes", "/cart");
  private static final List<String> ASSETS = List.of("/static/app.css", "/static/app.js", "/img/logo.png", "/favicon.ico",
      "/fonts/inter.woff2");
  private static final List<String> REFERRERS = List.of("-", "-", "https://www.google.com/", "https://news.ycombinator.com/",
      "https://shop.example/products");

  /** One line of the log, with what the test knows about it. */
  record Entry(long time, String ip, String userAgent, String method, String target, int status, String referrer) {
    String line() {
      return ip + " - - [" + TIME_LOCAL.format(Instant.ofEpochMilli(time)) + "] \"" + method + " " + target
          + " HTTP/1.1\" " + status + " " + (200 + target.length()) + " \"" + referrer + "\" \"" + userAgent + "\"";
    }

    boolean isPageview() {
      boolean okStatus = (status >= 200 && status <= 299) || status == 304;
      boolean asset = ASSETS.stream().anyMatch(target::startsWith);
      return okStatus && method.equals("GET") && !asset && !BOTS.contains(userAgent);
    }

    /** A page not found: a 404 that would otherwise be a pageview, counted as a custom event ("404"). */
    boolean isNotFound() {
      boolean asset = ASSETS.stream().anyMatch(target::startsWith);
      return status == 404 && method.equals("GET") && !asset && !BOTS.contains(userAgent);
    }
  }

  /** Per-day figures as the stats API reports them. */
  record Day(long visitors, long visits, long pageviews, long bounceRate, long visitDuration) {}

  final List<Entry> entries;

  private AccessLog(List<Entry> entries) {
    this.entries = entries;
  }

  /** About {@code visits} browsing sessions plus bots from {@code firstDay} on, over {@code days} days, in time order. */
  static AccessLog generate(long seed, LocalDate firstDay, int days, int visits) {
    Random random = new Random(seed);
    long start = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long span = days * 86_400_000L;
    List<Entry> entries = new ArrayList<>();
    int people = visits / 3;
    for (int v = 0; v < visits; v++) {
      int person = random.nextInt(people);
      String ip = "10." + (person >> 16 & 255) + "." + (person >> 8 & 255) + "." + (person & 255);
      String ua = BROWSERS.get(person % BROWSERS.size());
      long t = start + (long) (random.nextDouble() * (span - 4 * 3_600_000L));
      int pages = 1 + (random.nextInt(10) < 4 ? 0 : random.nextInt(6));
      String referrer = REFERRERS.get(random.nextInt(REFERRERS.size()));
      for (int p = 0; p < pages; p++) {
        String page = PAGES.get(random.nextInt(PAGES.size()));
        int roll = random.nextInt(100);
        int status = roll < 3 ? 404 : roll < 6 ? 301 : roll < 12 ? 304 : 200;
        String method = roll >= 97 ? "HEAD" : roll >= 95 ? "POST" : "GET";
        entries.add(new Entry(t, ip, ua, method, page, status, p == 0 ? referrer : "https://shop.example" + page));
        for (String asset : ASSETS.subList(0, 1 + random.nextInt(ASSETS.size()))) {
          entries.add(new Entry(t + 50 + random.nextInt(900), ip, ua, "GET", asset, random.nextInt(4) == 0 ? 304 : 200,
              "https://shop.example" + page));
        }
        // Mostly a few seconds to minutes between pages; sometimes a gap just over or under 30 minutes.
        int gapRoll = random.nextInt(20);
        t += gapRoll == 0 ? 31 * 60_000L + random.nextInt(600_000) : gapRoll == 1 ? 29 * 60_000L : 1_000L + random.nextInt(240_000);
      }
    }
    for (int b = 0; b < visits / 4; b++) {
      String ua = BOTS.get(random.nextInt(BOTS.size()));
      long t = start + (long) (random.nextDouble() * span);
      entries.add(new Entry(t, "66.249.66." + random.nextInt(256), ua, "GET", PAGES.get(random.nextInt(PAGES.size())), 200, "-"));
    }
    entries.sort(Comparator.comparingLong(Entry::time));
    return new AccessLog(entries);
  }

  /** The stats API's timeseries answer (interval=day) as per-day figures, to compare with {@link #expectedDays()}. */
  static Map<LocalDate, Day> daysOf(String timeseriesBody) {
    Map<LocalDate, Day> days = new TreeMap<>();
    for (JsonNode row : ApiClient.json(timeseriesBody).path("results")) {
      days.put(LocalDate.parse(row.path("date").asText()), new Day(row.path("visitors").asLong(), row.path("visits").asLong(),
          row.path("pageviews").asLong(), row.path("bounce_rate").asLong(), row.path("visit_duration").asLong()));
    }
    return days;
  }

  void write(Path file) throws IOException {
    StringBuilder text = new StringBuilder(entries.size() * 200);
    for (Entry entry : entries) {
      text.append(entry.line()).append('\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** docs/api.md's metrics per UTC day, computed from the entries alone. */
  Map<LocalDate, Day> expectedDays() {
    // A visitor's counted hits: their times, and whether each is a pageview (else a "404" event).
    Map<String, List<long[]>> hitsByVisitor = new HashMap<>();
    Map<LocalDate, Set<String>> visitorsByDay = new TreeMap<>();
    Map<LocalDate, Long> pageviewsByDay = new TreeMap<>();
    for (Entry entry : entries) {
      boolean pageview = entry.isPageview();
      if (!pageview && !entry.isNotFound()) {
        continue;
      }
      String visitor = entry.ip() + "|" + entry.userAgent();
      LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(entry.time()), ZoneOffset.UTC);
      hitsByVisitor.computeIfAbsent(visitor, k -> new ArrayList<>()).add(new long[] {entry.time(), pageview ? 1 : 0});
      visitorsByDay.computeIfAbsent(day, d -> new HashSet<>()).add(visitor);
      if (pageview) {
        pageviewsByDay.merge(day, 1L, Long::sum);
      }
    }
    Map<LocalDate, long[]> visitStats = new TreeMap<>(); // visits, bounces, duration ms
    for (List<long[]> hits : hitsByVisitor.values()) {
      hits.sort(Comparator.comparingLong(hit -> hit[0]));
      int i = 0;
      while (i < hits.size()) {
        int j = i;
        while (j + 1 < hits.size() && hits.get(j + 1)[0] - hits.get(j)[0] <= GAP_MS) {
          j++;
        }
        int pageviews = 0;
        int events = 0;
        for (int k = i; k <= j; k++) {
          pageviews += hits.get(k)[1] == 1 ? 1 : 0;
          events += hits.get(k)[1] == 0 ? 1 : 0;
        }
        boolean bounce = pageviews == 1 && events == 0;
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(hits.get(i)[0]), ZoneOffset.UTC);
        long[] stats = visitStats.computeIfAbsent(day, d -> new long[3]);
        stats[0]++;
        stats[1] += bounce ? 1 : 0;
        stats[2] += bounce ? 0 : hits.get(j)[0] - hits.get(i)[0];
        i = j + 1;
      }
    }
    Map<LocalDate, Day> days = new TreeMap<>();
    visitorsByDay.forEach((day, visitors) -> {
      long[] stats = visitStats.getOrDefault(day, new long[3]);
      days.put(day, new Day(visitors.size(), stats[0], pageviewsByDay.getOrDefault(day, 0L),
          stats[0] == 0 ? 0 : Math.round(100.0 * stats[1] / stats[0]),
          stats[0] == 0 ? 0 : Math.round(stats[2] / 1000.0 / stats[0])));
    });
    return days;
  }
}
