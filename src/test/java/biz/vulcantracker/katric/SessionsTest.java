package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sessionization and the daily metrics of docs/api.md, table-driven: each row is a script of hits
 * (minutes after 10:00 UTC on 2026-11-27, visitor, kind, batch) and the totals it must give.
 */
class SessionsTest {

  static final Dimensions PERSON = new Dimensions("/", "a.example", Dimensions.DIRECT, null, null, null, null, null, null,
      null, null, null, "Firefox", "133", "Linux", null, "desktop", null, "beacon", false);
  static final Dimensions BOT = new Dimensions("/", "a.example", Dimensions.DIRECT, null, null, null, null, null, null,
      null, null, null, "Googlebot", "2", "Unknown", null, "other", null, "beacon", true);
  static final KatricSettings SETTINGS = KatricSettings.create(com.typesafe.config.ConfigFactory.load());
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 27);

  /** One scripted hit: minutes after 10:00, visitor, "pv" / "ev" (custom) / "en" (engagement) / "bot", batch number. */
  record Step(double minute, long visitor, String kind, int batch) {}

  static Step pv(double minute, long visitor) { return new Step(minute, visitor, "pv", 0); }
  static Step ev(double minute, long visitor) { return new Step(minute, visitor, "ev", 0); }
  static Step en(double minute, long visitor) { return new Step(minute, visitor, "en", 0); }
  static Step in(int batch, Step step) { return new Step(step.minute(), step.visitor(), step.kind(), batch); }

  /** visitors, visits, pageviews, events, bounces, duration in seconds, bots. */
  static long[] totals(long... values) { return values; }

  static Stream<Arguments> scripts() {
    return Stream.of(
        row("one pageview is a bounce of 0 s", List.of(pv(0, 1)), totals(1, 1, 1, 0, 1, 0, 0)),
        row("two pageviews 5 min apart: one visit of 300 s", List.of(pv(0, 1), pv(5, 1)), totals(1, 1, 2, 0, 0, 300, 0)),
        row("a gap of 29 min continues the visit", List.of(pv(0, 1), pv(29, 1)), totals(1, 1, 2, 0, 0, 1740, 0)),
        row("a gap of 31 min starts a new visit", List.of(pv(0, 1), pv(31, 1)), totals(1, 2, 2, 0, 2, 0, 0)),
        row("a custom event makes a single pageview no bounce", List.of(pv(0, 1), ev(2, 1)), totals(1, 1, 1, 1, 0, 120, 0)),
        row("engagement extends the visit but is no pageview", List.of(pv(0, 1), pv(1, 1), en(4, 1)), totals(1, 1, 2, 0, 0, 240, 0)),
        row("engagement on a single pageview: still a bounce of 0 s", List.of(pv(0, 1), en(3, 1)), totals(1, 1, 1, 0, 1, 0, 0)),
        row("engagement alone is no visit", List.of(en(0, 1)), totals(0, 0, 0, 0, 0, 0, 0)),
        row("two visitors", List.of(pv(0, 1), pv(0, 2), pv(10, 2)), totals(2, 2, 3, 0, 1, 600, 0)),
        row("out of order within a batch", List.of(pv(20, 1), pv(0, 1), pv(10, 1)), totals(1, 1, 3, 0, 0, 1200, 0)),
        row("out of order across batches: a late hit joins its visit", List.of(in(0, pv(0, 1)), in(0, pv(20, 1)), in(1, pv(10, 1))),
            totals(1, 1, 3, 0, 0, 1200, 0)),
        row("a late hit earlier than its visit extends it backwards", List.of(in(0, pv(20, 1)), in(1, pv(5, 1))), totals(1, 1, 2, 0, 0, 900, 0)),
        row("bots are dropped and counted", List.of(pv(0, 1), new Step(1, 9, "bot", 0)), totals(1, 1, 1, 0, 1, 0, 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void countsVisits(String name, List<Step> script, long[] expected) {
    ModelHarness state = new ModelHarness(UTC);
    Map<Integer, List<RecordedHit>> batches = new java.util.TreeMap<>();
    for (Step step : script) {
      batches.computeIfAbsent(step.batch(), b -> new ArrayList<>()).add(hit(step));
    }
    for (List<RecordedHit> batch : batches.values()) {
      state.record(batch);
    }
    // A day without a counted hit writes no row (the harness leaves out all-zero days).
    List<DailyTotals> expectedDays = expected[0] + expected[2] + expected[3] + expected[6] == 0 ? List.of() : List.of(
        new DailyTotals(DAY, expected[0], expected[1], expected[2], expected[3], expected[4], expected[5] * 1000, expected[6]));
    assertThat(state.totals()).isEqualTo(expectedDays);
  }

  @Test
  void aVisitAcrossMidnightContinuesUnderThePreviousDaysVisitorId() {
    ModelHarness state = new ModelHarness(UTC);
    long before = at(2026, 11, 27, 23, 50);
    long after = at(2026, 11, 28, 0, 5);
    // Before midnight the visitor is 7 (that day's salt); after it, 8, with 7 as the previous day's id.
    state.record(List.of(
        new RecordedHit("a", before, DAY, 7, null, "pageview", null, null, PERSON, null)));
    state.record(List.of(
        new RecordedHit("b", after, DAY.plusDays(1), 8, 7L, "pageview", null, null, PERSON, null)));
    // One visit, counted on the day it started, lasting 15 minutes; a visitor on each day.
    assertThat(state.totals()).containsExactly(
        new DailyTotals(DAY, 1, 1, 1, 0, 0, 900_000, 0),
        new DailyTotals(DAY.plusDays(1), 1, 0, 1, 0, 0, 0, 0));
  }

  @Test
  void countsHoursBesideDays() {
    ModelHarness state = new ModelHarness(UTC);
    // 10:40 and 11:05 in one visit, counted in the hour it started; 11:30 a second visitor.
    state.record(List.of(hit(pv(40, 1)), hit(pv(65, 1)), hit(pv(90, 2))));
    assertThat(state.hours()).extracting(h -> h.hour().toString(), h -> h.visits(), h -> h.pageviews(), h -> h.visitors())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("2026-11-27T10:00:00Z", 1L, 1L, 1L),
            org.assertj.core.groups.Tuple.tuple("2026-11-27T11:00:00Z", 1L, 2L, 2L));
  }

  @Test
  void breaksTheDayDownByVisitAndHitProperties() {
    ModelHarness state = new ModelHarness(UTC);
    state.record(List.of(
        hit(1, 0, "pageview", "/", "Google", null),
        hit(1, 5, "pageview", "/pricing", "Google", null),
        hit(2, 0, "pageview", "/pricing", Dimensions.DIRECT, null),
        hit(3, 0, "pageview", "/", Dimensions.DIRECT, null),
        hit(3, 1, "Signup", "/", Dimensions.DIRECT, Map.of("plan", "pro"))));
    List<BreakdownRow> rows = state.breakdowns();
    assertThat(rows).contains(
        // day, property, value, visitors, visits, pageviews, events, bounces, duration ms
        new BreakdownRow(DAY, "page", "/", 2, 0, 2, 0, 0, 0),
        new BreakdownRow(DAY, "page", "/pricing", 2, 0, 2, 0, 0, 0),
        new BreakdownRow(DAY, "source", "Google", 1, 1, 2, 0, 0, 300_000),
        new BreakdownRow(DAY, "source", Dimensions.DIRECT, 2, 2, 2, 1, 1, 60_000),
        new BreakdownRow(DAY, "entry_page", "/", 2, 2, 3, 1, 0, 360_000),
        new BreakdownRow(DAY, "entry_page", "/pricing", 1, 1, 1, 0, 1, 0),
        new BreakdownRow(DAY, "exit_page", "/pricing", 2, 2, 3, 0, 1, 300_000),
        new BreakdownRow(DAY, "exit_page", "/", 1, 1, 1, 1, 0, 60_000),
        new BreakdownRow(DAY, "event", "Signup", 1, 0, 0, 1, 0, 0),
        new BreakdownRow(DAY, "event:props:plan", "pro", 1, 0, 0, 1, 0, 0));
    // Visitor 1's exit page moved from "/" to "/pricing": no row still counts that visit on "/".
    assertThat(rows.stream().filter(r -> r.property().equals("exit_page")).mapToLong(BreakdownRow::visits).sum()).isEqualTo(3);
  }

  @Test
  void hitsOfTheSameMillisecondStartTheirVisitByTheDigestOfTheirKeysWhateverTheyCameIn() {
    // SHA-256 begins 015f7e6b for "k2" and 6ab9f1eb for "k1" (HitOrderTest): k2's page and source start
    // the visit, though "k1" < "k2" and k1 comes first, as the filtered reports' scans sequence them.
    for (List<String> arrival : List.of(List.of("k1", "k2"), List.of("k2", "k1"))) {
      ModelHarness state = new ModelHarness(UTC);
      for (String key : arrival) {
        RecordedHit hit = key.equals("k1") ? hit(9, 0, "pageview", "/pricing", "Google", null) : hit(9, 0, "pageview", "/", Dimensions.DIRECT, null);
        state.record(List.of(new RecordedHit(key, hit.timestamp(), hit.day(), hit.visitorId(), null, "pageview", null, null, hit.dims(), null)));
      }
      assertThat(state.breakdowns()).as("arrival %s", arrival).contains(
          new BreakdownRow(DAY, "entry_page", "/", 1, 1, 2, 0, 0, 0),
          new BreakdownRow(DAY, "source", Dimensions.DIRECT, 1, 1, 2, 0, 0, 0),
          new BreakdownRow(DAY, "exit_page", "/pricing", 1, 1, 2, 0, 0, 0));
    }
  }

  private static RecordedHit hit(long visitor, int minute, String event, String page, String source, Map<String, String> props) {
    long timestamp = at(2026, 11, 27, 10, 0) + minute * 60_000L;
    Dimensions dims = new Dimensions(page, "a.example", source, null, null, null, null, null, null,
        null, null, null, "Firefox", "133", "Linux", null, "desktop", null, "beacon", false);
    return new RecordedHit("h" + visitor + "-" + minute + event, timestamp, DAY, visitor, null, event, props, null, dims, null);
  }

  private static Arguments row(String name, List<Step> script, long[] totals) {
    return Arguments.of(name, script, totals);
  }

  private static RecordedHit hit(Step step) {
    long timestamp = at(2026, 11, 27, 10, 0) + Math.round(step.minute() * 60_000);
    String event = switch (step.kind()) {
      case "pv", "bot" -> "pageview";
      case "ev" -> "Signup";
      case "en" -> "engagement";
      default -> throw new IllegalArgumentException(step.kind());
    };
    return new RecordedHit("h" + timestamp + "-" + step.visitor(), timestamp, DAY, step.visitor(), null, event, null,
        null, step.kind().equals("bot") ? BOT : PERSON, null);
  }

  private static long at(int year, int month, int day, int hour, int minute) {
    return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, UTC).toInstant().toEpochMilli();
  }
}
