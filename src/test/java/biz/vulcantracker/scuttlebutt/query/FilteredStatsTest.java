package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.katric.Dimensions;
import biz.vulcantracker.katric.RecordedHit;
import biz.vulcantracker.katric.ModelHarness;
import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.HourlyTotals;
import biz.vulcantracker.store.Rollup;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filtered path with no filter must count what the rollups count. Random traffic over three
 * days — visits across local and UTC midnight (the visitor id changes there), custom events,
 * engagement, bots — is counted once by katric's model ({@link ModelHarness}) and once
 * by sequencing the hits table's rows back into visits; totals per day and per hour, and breakdowns
 * by visit and hit properties, must be equal in every time zone.
 */
class FilteredStatsTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 11, 20);
  private static final List<String> PAGES = List.of("/", "/blog", "/pricing", "/docs");
  private static final List<String> SOURCES = List.of(Dimensions.DIRECT, "Google", "Hacker News");
  private static final List<String> BROWSERS = List.of("Firefox", "Chrome");

  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"})
  void withoutFiltersTheHitsTableCountsWhatTheRollupsCount(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    List<RecordedHit> hits = traffic(zone, new Random(zoneName.hashCode()));
    ModelHarness model = new ModelHarness(zone);
    for (int start = 0; start < hits.size(); start += 37) {
      model.record(hits.subList(start, Math.min(hits.size(), start + 37)));
    }
    Rollup rollup = new Rollup(model.totals(), model.breakdowns(), model.hours(), List.of(), Map.of());
    List<HitRow> rows = tableOrder(model.table());
    Period period = new Period(FIRST, FIRST.plusDays(2));

    Map<String, List<DailyTotals>> days = scan(zone, period, rows, FilteredStats.byDay(LocalDate::toString));
    assertThat(rollup.totals()).hasSize(3);
    for (DailyTotals day : rollup.totals()) {
      assertThat(withoutDay(days.get(day.day().toString()))).as(zoneName + " " + day.day())
          .containsExactly(new DailyTotals(null, day.visitors(), day.visits(), day.pageviews(), day.events(), day.bounces(),
              day.durationMs(), 0));
    }
    assertThat(days.keySet()).hasSize(3);

    Map<String, List<DailyTotals>> hours = scan(zone, period, rows,
        FilteredStats.byHour(t -> localHour(t, zone)));
    Map<String, DailyTotals> rolledHours = new TreeMap<>();
    for (HourlyTotals hour : rollup.hours()) {
      if (hour.visitors() + hour.visits() > 0) {
        rolledHours.put(localHour(hour.hour().toEpochMilli(), zone), new DailyTotals(null, hour.visitors(), hour.visits(), hour.pageviews(),
            hour.events(), hour.bounces(), hour.durationMs(), 0));
      }
    }
    Map<String, DailyTotals> scannedHours = new TreeMap<>();
    hours.forEach((hour, totals) -> scannedHours.put(hour, withoutDay(totals).get(0)));
    assertThat(scannedHours).as(zoneName + " hours").isEqualTo(rolledHours);

    for (String property : List.of("source", "entry_page", "exit_page", "browser", "page", "event")) {
      for (LocalDate day = FIRST; !day.isAfter(FIRST.plusDays(2)); day = day.plusDays(1)) {
        LocalDate current = day;
        Map<String, DailyTotals> rolled = new TreeMap<>();
        rollup.breakdowns().stream()
            .filter(row -> row.property().equals(property) && row.day().equals(current))
            .forEach(row -> rolled.put(row.value(), totalsOf(row)));
        Map<String, DailyTotals> scanned = new TreeMap<>();
        scan(zone, new Period(day, day), rows, FilteredStats.byProperty(property))
            .forEach((value, totals) -> scanned.put(value, withoutDay(totals).get(0)));
        assertThat(scanned).as(zoneName + " " + property + " " + day).isEqualTo(rolled).isNotEmpty();
      }
    }
  }

  /**
   * The segments' index only leaves out visits that could not count, and whole visits counted from
   * its columns count as rebuilt ones do: every filter, negated or not, over visit and hit keys,
   * goals and a funnel's first step, counts through the index what it counts when every visit of
   * the hits is sequenced and tried (and through segments that were encoded and decoded again).
   */
  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Asia/Kolkata"})
  void theIndexSkipsOnlyVisitsThatCountForNothing(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    ModelHarness model = new ModelHarness(zone);
    model.record(traffic(zone, new Random(zoneName.hashCode() + 1)));
    List<HitRow> rows = tableOrder(model.table());
    List<Goal> goals = List.of(new Goal("g1", "Signup", "Signup", null), new Goal("g2", "Pricing", null, "/pri*"));
    List<String> filters = List.of("", "page==/blog", "page!=/blog", "source==Google", "source!=Google|Direct",
        "entry_page==/docs", "exit_page!=/", "event==Signup", "browser==Fire*;page==/pricing", "goal==Signup",
        "goal==Pricing;country==DE", "hostname==b.example", "origin==beacon", "channel==Organic Search");
    for (Period period : List.of(new Period(FIRST.plusDays(1), FIRST.plusDays(1)), new Period(FIRST, FIRST.plusDays(2)))) {
      for (String filter : filters) {
        Filters parsed = Filters.parse(filter);
        List<List<Goal>> goalSets = parsed.goalSets(goals);
        // source, channel and entry_page count whole visits from the segments' columns when no hit filter or goal narrows them.
        for (FilteredStats.Grouping grouping : List.of(FilteredStats.byProperty("page"), FilteredStats.byProperty("source"),
            FilteredStats.byProperty("channel"), FilteredStats.byProperty("entry_page"), FilteredStats.byDay(LocalDate::toString),
            FilteredStats.byGoal(goals), FilteredStats.byFunnelStep(List.of(goals.get(1)::completedBy, goals.get(0)::completedBy),
                List.of(goals.get(1))))) {
          FilteredStats.Tallies indexed = new FilteredStats.Tallies(Integer.MAX_VALUE, parsed.hasGoals());
          FilteredStats.Scan scan = new FilteredStats.Scan(period, List.of(new FilteredStats.Counting(parsed, goalSets, grouping, indexed)));
          List<LocalDate> days = scan.firstDay().minusDays(1).datesUntil(period.to().plusDays(2)).toList();
          // A filter on one origin counts that origin's hits alone.
          List<HitRow> read = rows.stream().filter(row -> days.contains(row.day()))
              .filter(row -> parsed.origin() == null || parsed.origin().equals(row.property("channel"))).toList();
          VisitSegments.built(zone, scan.firstDay(), period.to(), parsed.origin(), read).stream()
              .map(segment -> new IndexedSegment(biz.vulcantracker.store.VisitSegment.decode(segment.segment.encode())))
              .forEach(scan::accept);

          FilteredStats.Tallies everyVisit = new FilteredStats.Tallies(Integer.MAX_VALUE, parsed.hasGoals());
          FilteredStats.Counting counting = new FilteredStats.Counting(parsed, goalSets, grouping, everyVisit);
          VisitSequencer sequencer = new VisitSequencer(zone, visit -> FilteredStats.count(visit, period, counting));
          read.stream().filter(row -> !row.bot()).forEach(sequencer::accept);
          sequencer.finish();

          assertThat(indexed.totals()).as(zoneName + " " + period + " " + filter).isEqualTo(everyVisit.totals());
        }
      }
    }
  }

  private static Map<String, List<DailyTotals>> scan(ZoneId zone, Period period, List<HitRow> rows,
      FilteredStats.Grouping grouping) {
    FilteredStats.Tallies tallies = new FilteredStats.Tallies(Integer.MAX_VALUE, false);
    FilteredStats.Scan scan = new FilteredStats.Scan(period,
        List.of(new FilteredStats.Counting(Filters.NONE, List.of(), grouping, tallies)));
    // The days a build of the period's segments reads: the period, the day before, and a day either side.
    List<LocalDate> days = scan.firstDay().minusDays(1).datesUntil(period.to().plusDays(2)).toList();
    VisitSegments.built(zone, scan.firstDay(), period.to(), null, rows.stream().filter(row -> days.contains(row.day())).toList())
        .forEach(scan::accept);
    return tallies.totals();
  }

  private static List<DailyTotals> withoutDay(List<DailyTotals> totals) {
    return totals.stream().map(t -> new DailyTotals(null, t.visitors(), t.visits(), t.pageviews(), t.events(), t.bounces(),
        t.durationMs(), 0)).toList();
  }

  private static DailyTotals totalsOf(BreakdownRow row) {
    return new DailyTotals(null, row.visitors(), row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs(), 0);
  }

  /** The start of the local hour of an instant, as the hourly series labels it. */
  private static String localHour(long at, ZoneId zone) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(at), zone).truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString();
  }

  /** The rows as Cassandra returns them: by day, then visitor id (signed), then hit key. */
  private static List<HitRow> tableOrder(List<HitRow> hits) {
    return hits.stream()
        .sorted(Comparator.comparing(HitRow::day).thenComparingLong(HitRow::visitorId).thenComparing(HitRow::hitKey))
        .toList();
  }

  /**
   * 60 people, each with a few visits over the three local days; some start shortly before a local
   * or a UTC midnight so they run across it. A person's visitor id is a hash of (person, UTC day),
   * and every hit names the previous UTC day's id too, as the edge does. Hits in time order.
   */
  private static List<RecordedHit> traffic(ZoneId zone, Random random) {
    List<RecordedHit> hits = new ArrayList<>();
    long first = FIRST.atStartOfDay(zone).toInstant().toEpochMilli();
    long last = FIRST.plusDays(3).atStartOfDay(zone).toInstant().toEpochMilli() - 1;
    List<Long> midnights = new ArrayList<>();
    for (LocalDate day = FIRST.minusDays(1); !day.isAfter(FIRST.plusDays(3)); day = day.plusDays(1)) {
      midnights.add(day.atStartOfDay(zone).toInstant().toEpochMilli());
      midnights.add(day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    }
    int serial = 0;
    for (int person = 0; person < 60; person++) {
      String browser = BROWSERS.get(person % 2);
      long at = first + (long) (random.nextDouble() * Duration.ofHours(20).toMillis());
      while (at < last) {
        if (random.nextInt(4) == 0) { // start just before a midnight
          long midnight = midnights.get(random.nextInt(midnights.size()));
          if (midnight > at && midnight < last) {
            at = midnight - Duration.ofMinutes(1 + random.nextInt(20)).toMillis();
          }
        }
        int length = 1 + random.nextInt(5);
        Dimensions entry = dims(PAGES.get(random.nextInt(PAGES.size())), SOURCES.get(random.nextInt(SOURCES.size())), browser, false);
        for (int i = 0; i < length && at < last; i++) {
          int kind = random.nextInt(10);
          String event = kind < 7 ? EventNames.PAGEVIEW : kind < 9 ? "Signup" : EventNames.ENGAGEMENT;
          Dimensions dims = i == 0 ? entry : dims(PAGES.get(random.nextInt(PAGES.size())), entry.source(), browser, false);
          if (random.nextInt(40) == 0) {
            dims = dims(dims.page(), dims.source(), "Googlebot", true);
          }
          hits.add(hit("h" + serial++, at, zone, person, event, dims));
          at += Duration.ofSeconds(10 + random.nextInt(25 * 60)).toMillis();
        }
        at += Duration.ofMinutes(31 + random.nextInt(12 * 60)).toMillis();
      }
    }
    hits.sort(Comparator.comparingLong(RecordedHit::timestamp));
    return hits;
  }

  private static RecordedHit hit(String id, long at, ZoneId zone, int person, String event, Dimensions dims) {
    LocalDate utcDay = LocalDate.ofInstant(Instant.ofEpochMilli(at), ZoneOffset.UTC);
    return new RecordedHit(id, at, LocalDate.ofInstant(Instant.ofEpochMilli(at), zone), visitor(person, utcDay),
        visitor(person, utcDay.minusDays(1)), event, event.equals("Signup") ? Map.of("plan", "pro") : null, null, dims, null);
  }

  /** A stable 64-bit id per person and UTC day, spread over negative and positive values. */
  private static long visitor(int person, LocalDate utcDay) {
    return new Random(person * 31L + utcDay.toEpochDay()).nextLong();
  }

  private static Dimensions dims(String page, String source, String browser, boolean bot) {
    return new Dimensions(page, "a.example", source, null, null, null, null, null, null, "DE", null, null, browser, "1", "Linux", null,
        "desktop", null, "beacon", bot);
  }

  @SuppressWarnings("unused")
  private static String local(long at, ZoneId zone) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(at), zone).toString();
  }
}
