package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.katric.Dimensions;
import biz.vulcantracker.katric.ModelHarness;
import biz.vulcantracker.katric.RecordedHit;
import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A site that sends both its script and its access log, over four local days: every real page view
 * is written down as it is made — a log line and a beacon (the script ran), a line alone (blocked,
 * no JavaScript) or a beacon alone (the page came from a cache) — and the numbers are worked out
 * here from that record, not by the production classes: all traffic counts each view once, the
 * script's view every beacon, the log's view every line, and script coverage is the share of the
 * log's visits and pageviews whose view also had a beacon, per day, page and browser.
 */
class ScriptCoverageTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 11, 2);
  private static final int DAYS = 4;
  private static final List<String> PAGES = List.of("/", "/pricing", "/docs", "/blog");
  private static final List<String> BROWSERS = List.of("Firefox", "Chrome", "Safari");
  private static final long GAP_MS = Duration.ofMinutes(30).toMillis();

  /** One real page view and what recorded it. */
  private record View(int person, long at, String page, boolean line, boolean beacon) {}

  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Asia/Kolkata"})
  void coverageAndEachOriginsViewEqualWhatTheViewsSay(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    Random random = new Random(zoneName.hashCode());
    List<View> views = views(zone, random);
    List<RecordedHit> hits = hitsOf(views, zone, random);
    ModelHarness model = new ModelHarness(zone);
    for (int start = 0; start < hits.size(); start += 41) {
      model.record(hits.subList(start, Math.min(hits.size(), start + 41)));
    }
    List<HitRow> rows = model.table().stream()
        .sorted(Comparator.comparing(HitRow::day).thenComparingLong(HitRow::visitorId).thenComparing(HitRow::hitKey))
        .toList();
    Period period = new Period(FIRST, FIRST.plusDays(DAYS - 1));

    // All traffic: each real view once, in the model's rollups and in the scan alike; each origin's view keeps its own.
    Map<LocalDate, Long> distinct = perDay(views, zone, view -> true);
    assertThat(distinct.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(500);
    Map<LocalDate, Long> modelled = new TreeMap<>();
    model.totals().stream().filter(day -> period.contains(day.day())).forEach(day -> modelled.put(day.day(), day.pageviews()));
    assertThat(modelled).as("all traffic, rollups").isEqualTo(distinct);
    assertThat(pageviews(zone, period, rows, "")).as("all traffic, scan").isEqualTo(distinct);
    assertThat(pageviews(zone, period, rows, "origin==log")).as("the log's view").isEqualTo(perDay(views, zone, View::line));
    assertThat(pageviews(zone, period, rows, "origin!=log")).as("the script's view").isEqualTo(perDay(views, zone, View::beacon));

    ScriptCoverage.Pass pass = new ScriptCoverage.Pass(zone, period, 100);
    rows.forEach(pass::accept);
    ScriptCoverage.Report report = pass.finish();
    Expected expected = new Expected(zone, period, views);
    assertThat(report.total()).isEqualTo(expected.total.share());
    assertThat(report.total().visitCoverage()).isBetween(40.0, 90.0); // some visits blocked, some not
    assertThat(report.days()).hasSize(DAYS);
    report.days().forEach((day, share) -> assertThat(share).as(day.toString()).isEqualTo(expected.days.get(day).share()));
    assertThat(report.pages().keySet()).containsExactlyInAnyOrderElementsOf(PAGES);
    report.pages().forEach((page, share) -> assertThat(share).as(page).isEqualTo(expected.pages.get(page).share()));
    assertThat(report.browsers().keySet()).containsExactlyInAnyOrderElementsOf(BROWSERS);
    report.browsers().forEach((browser, share) -> assertThat(share).as(browser).isEqualTo(expected.browsers.get(browser).share()));
    ScriptCoverage.Share total = report.total();
    assertThat(total.pageviewCoverage()).isEqualTo(Math.round(total.pageviewsSeen() * 1000.0 / total.pageviews()) / 10.0);
  }

  /**
   * 80 people over the four days, each with a browser and a habit: a third block the script (every
   * view a line alone); the others' views have a line and a beacon, but one in eight comes from a
   * cache (a beacon alone) and one in ten loses its beacon (left before the script ran). Visits of
   * 1–6 views 30 s to 20 min apart, 31 min to 10 h between visits; no view within 10 s of a local
   * midnight (the same-pageview rule pairs within a local day).
   */
  private static List<View> views(ZoneId zone, Random random) {
    List<View> views = new ArrayList<>();
    long first = FIRST.atStartOfDay(zone).toInstant().toEpochMilli();
    long last = FIRST.plusDays(DAYS).atStartOfDay(zone).toInstant().toEpochMilli() - Duration.ofHours(1).toMillis();
    for (int person = 0; person < 80; person++) {
      boolean blocks = person % 3 == 0;
      long at = first + (long) (random.nextDouble() * Duration.ofHours(30).toMillis());
      while (at < last) {
        int length = 1 + random.nextInt(6);
        for (int i = 0; i < length && at < last; i++) {
          long secondOfDay = Instant.ofEpochMilli(at).atZone(zone).toLocalTime().toSecondOfDay();
          if (secondOfDay > 10 && secondOfDay < 86_390) {
            String page = PAGES.get(random.nextInt(PAGES.size()));
            boolean cached = !blocks && random.nextInt(8) == 0;
            boolean left = !blocks && !cached && random.nextInt(10) == 0;
            views.add(new View(person, at, page, !cached, !blocks && !left));
          }
          at += Duration.ofSeconds(30 + random.nextInt(20 * 60)).toMillis();
        }
        at += Duration.ofMinutes(31 + random.nextInt(10 * 60)).toMillis();
      }
    }
    return views;
  }

  /** A view's log line at the request; its beacon 0.5–4 s later, once the page ran. Hit ids and arrival are shuffled. */
  private static List<RecordedHit> hitsOf(List<View> views, ZoneId zone, Random random) {
    List<RecordedHit> hits = new ArrayList<>();
    int serial = 0;
    for (View view : views) {
      String browser = BROWSERS.get(view.person % BROWSERS.size());
      if (view.line) {
        hits.add(hit("log-" + serial++, view.at, zone, view.person, dims(view.page, browser, "log", false)));
        if (random.nextInt(15) == 0) { // a crawler's request of the same page, which no report counts
          hits.add(hit("bot-" + serial++, view.at + 1_000, zone, 1000 + view.person, dims(view.page, "Googlebot", "log", true)));
        }
      }
      if (view.beacon) {
        hits.add(hit("b-" + serial++, view.at + 500 + random.nextInt(3_500), zone, view.person, dims(view.page, browser, "beacon", false)));
      }
    }
    java.util.Collections.shuffle(hits, random);
    return hits;
  }

  private static Map<LocalDate, Long> perDay(List<View> views, ZoneId zone, java.util.function.Predicate<View> which) {
    Map<LocalDate, Long> days = new TreeMap<>();
    views.stream().filter(which).forEach(view -> days.merge(day(view.at, zone), 1L, Long::sum));
    return days;
  }

  /** Pageviews per day under the filters, counted through the visit segments as a report counts them. */
  private static Map<LocalDate, Long> pageviews(ZoneId zone, Period period, List<HitRow> rows, String filters) {
    Filters parsed = Filters.parse(filters);
    FilteredStats.Tallies tallies = new FilteredStats.Tallies(Integer.MAX_VALUE, false);
    FilteredStats.Scan scan = new FilteredStats.Scan(period,
        List.of(new FilteredStats.Counting(parsed, List.of(), FilteredStats.byDay(LocalDate::toString), tallies)));
    VisitSegments.built(zone, scan.firstDay(), period.to(), parsed.origin(), rows).forEach(scan::accept);
    Map<LocalDate, Long> days = new TreeMap<>();
    tallies.totals().forEach((day, totals) -> days.put(LocalDate.parse(day), totals.stream().mapToLong(DailyTotals::pageviews).sum()));
    return days;
  }

  /** The coverage the views say: the log's visits are its lines split where 30 minutes pass without one. */
  private static final class Expected {
    final Counts total = new Counts();
    final Map<LocalDate, Counts> days = new HashMap<>();
    final Map<String, Counts> pages = new HashMap<>();
    final Map<String, Counts> browsers = new HashMap<>();

    Expected(ZoneId zone, Period period, List<View> views) {
      Map<Integer, List<View>> lines = new TreeMap<>();
      views.stream().filter(View::line).forEach(view -> lines.computeIfAbsent(view.person, p -> new ArrayList<>()).add(view));
      for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
        days.put(day, new Counts());
      }
      for (List<View> person : lines.values()) {
        person.sort(Comparator.comparingLong(View::at));
        String browser = BROWSERS.get(person.get(0).person % BROWSERS.size());
        List<View> visit = new ArrayList<>();
        for (View view : person) {
          if (!visit.isEmpty() && view.at - visit.get(visit.size() - 1).at > GAP_MS) {
            visit(visit, browser, zone);
            visit = new ArrayList<>();
          }
          visit.add(view);
        }
        visit(visit, browser, zone);
      }
    }

    private void visit(List<View> visit, String browser, ZoneId zone) {
      boolean seen = visit.stream().anyMatch(View::beacon);
      LocalDate start = day(visit.get(0).at, zone);
      List.of(total, days.get(start), browsers.computeIfAbsent(browser, b -> new Counts())).forEach(counts -> {
        counts.visits++;
        counts.visitsSeen += seen ? 1 : 0;
      });
      for (View view : visit) {
        List.of(total, days.get(day(view.at, zone)), browsers.get(browser), pages.computeIfAbsent(view.page, p -> new Counts()))
            .forEach(counts -> {
              counts.pageviews++;
              counts.pageviewsSeen += view.beacon ? 1 : 0;
            });
      }
    }
  }

  private static final class Counts {
    long visits;
    long visitsSeen;
    long pageviews;
    long pageviewsSeen;

    ScriptCoverage.Share share() {
      return new ScriptCoverage.Share(visits, visitsSeen, pageviews, pageviewsSeen);
    }
  }

  private static LocalDate day(long at, ZoneId zone) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(at), zone);
  }

  /** A person keeps one visitor id all four days (the days' salts are the edge's business, not this test's). */
  private static RecordedHit hit(String id, long at, ZoneId zone, int person, Dimensions dims) {
    return new RecordedHit(id, at, day(at, zone), 1_000_003L * (person + 1), null, EventNames.PAGEVIEW, null, null, dims, null);
  }

  private static Dimensions dims(String page, String browser, String origin, boolean bot) {
    return new Dimensions(page, "a.example", Dimensions.DIRECT, null, null, null, null, null, null, "DE", null, null, browser, "1",
        "Linux", null, "desktop", null, origin, bot);
  }
}
