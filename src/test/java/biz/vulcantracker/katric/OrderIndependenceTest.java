package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HourlyTotals;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rows a site's model writes are a function of the set of hits: 14 days of traffic (visits
 * across local and UTC midnights, late hits inside and between visits, engagement, custom events
 * with properties, bots, beacons and log lines) counted (a) in time order and (b) newest day first,
 * shuffled into random batches with a share of the hits sent twice, with the production window of
 * resident days, give the same rows, and both equal a reference computed here from the raw hits.
 */
class OrderIndependenceTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 10, 20);
  private static final int DAYS = 14;
  private static final List<String> PAGES = List.of("/", "/blog", "/pricing", "/docs", "/about", "/blog/post-1");
  private static final List<String> SOURCES = List.of(Dimensions.DIRECT, "Google", "Hacker News", "Newsletter");
  private static final List<String> BROWSERS = List.of("Firefox", "Chrome", "Safari");
  private static final List<String> COUNTRIES = List.of("DE", "IN", "US", "AU");

  @ParameterizedTest
  @ValueSource(strings = {"Asia/Kolkata", "America/New_York", "Australia/Adelaide", "Asia/Kathmandu"})
  void anyOrderAndBatchingGivesTheReferenceRows(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    Random random = new Random(zoneName.hashCode());
    List<RecordedHit> hits = traffic(zone, random);

    ModelHarness inOrder = new ModelHarness(zone);
    for (int start = 0; start < hits.size(); start += 50) {
      inOrder.record(hits.subList(start, Math.min(hits.size(), start + 50)));
    }

    ModelHarness shuffled = new ModelHarness(zone);
    for (List<RecordedHit> batch : newestDayFirstInRandomBatches(hits, zone, random)) {
      shuffled.record(batch);
    }

    Reference reference = new Reference(zone, hits);
    assertThat(reference.totals).hasSize(DAYS);
    assertThat(inOrder.totals()).as("totals in order").isEqualTo(reference.totals());
    assertThat(shuffled.totals()).as("totals shuffled").isEqualTo(reference.totals());
    assertThat(inOrder.hours()).as("hours in order").isEqualTo(reference.hours());
    assertThat(shuffled.hours()).as("hours shuffled").isEqualTo(reference.hours());
    assertThat(sorted(inOrder.breakdowns())).as("breakdowns in order").isEqualTo(reference.breakdowns());
    assertThat(sorted(shuffled.breakdowns())).as("breakdowns shuffled").isEqualTo(reference.breakdowns());
    assertThat(shuffled.table()).hasSize(reference.unique.size());
    // The window really moved: days were evicted and read back (each of the 20 days once is 20 loads).
    assertThat(shuffled.loads()).isGreaterThan(DAYS + 2 * SiteModel.LOAD_RADIUS);
  }

  /** Days newest first; within a day shuffled; batches of 1 to 300 hits; about one hit in 20 sent again later. */
  private static List<List<RecordedHit>> newestDayFirstInRandomBatches(List<RecordedHit> hits, ZoneId zone, Random random) {
    Map<LocalDate, List<RecordedHit>> byDay = new TreeMap<>(Comparator.reverseOrder());
    for (RecordedHit hit : hits) {
      byDay.computeIfAbsent(LocalDate.ofInstant(Instant.ofEpochMilli(hit.timestamp()), zone), d -> new ArrayList<>()).add(hit);
    }
    List<RecordedHit> sequence = new ArrayList<>();
    byDay.values().forEach(day -> {
      Collections.shuffle(day, random);
      sequence.addAll(day);
    });
    List<RecordedHit> again = new ArrayList<>();
    for (RecordedHit hit : sequence) {
      if (random.nextInt(20) == 0) {
        again.add(hit);
      }
    }
    sequence.addAll(random.nextInt(sequence.size() / 2), again);
    List<List<RecordedHit>> batches = new ArrayList<>();
    for (int start = 0; start < sequence.size(); ) {
      int end = Math.min(sequence.size(), start + 1 + random.nextInt(300));
      batches.add(sequence.subList(start, end));
      start = end;
    }
    return batches;
  }

  private static List<BreakdownRow> sorted(List<BreakdownRow> rows) {
    return rows.stream().sorted(Reference.ORDER).toList();
  }

  /**
   * People with a stable browser and country, visiting every few hours over the 14 local days; a
   * share of visits start just before a local or a UTC midnight. A person's visitor id is a hash of
   * (person, UTC day) and every hit names the previous UTC day's id, as the edge does. Half the
   * people come through the script (with engagement and custom events), half through the access
   * log (pageviews only); of the script's people, every other one's server logs too: each of their
   * pageviews also comes as a log line 0.5–4 s before it (the request, then the page's script), and
   * now and then only as the line (the script was blocked).
   */
  static List<RecordedHit> traffic(ZoneId zone, Random random) {
    List<RecordedHit> hits = new ArrayList<>();
    long first = FIRST.atStartOfDay(zone).toInstant().toEpochMilli();
    long last = FIRST.plusDays(DAYS).atStartOfDay(zone).toInstant().toEpochMilli() - 1;
    List<Long> midnights = new ArrayList<>();
    for (LocalDate day = FIRST; day.isBefore(FIRST.plusDays(DAYS)); day = day.plusDays(1)) {
      midnights.add(day.atStartOfDay(zone).toInstant().toEpochMilli());
      midnights.add(day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    }
    int serial = 0;
    for (int person = 0; person < 120; person++) {
      boolean log = person % 2 == 1;
      String browser = BROWSERS.get(person % BROWSERS.size());
      String country = COUNTRIES.get(person % COUNTRIES.size());
      long at = first + (long) (random.nextDouble() * Duration.ofHours(30).toMillis());
      while (at < last) {
        if (random.nextInt(3) == 0) {
          long midnight = midnights.get(random.nextInt(midnights.size()));
          if (midnight > at && midnight < last) {
            at = midnight - Duration.ofMinutes(1 + random.nextInt(25)).toMillis();
          }
        }
        int length = 1 + random.nextInt(6);
        String source = SOURCES.get(random.nextInt(SOURCES.size()));
        for (int i = 0; i < length && at < last; i++) {
          int kind = random.nextInt(10);
          String event = log || kind < 6 ? EventNames.PAGEVIEW : kind < 8 ? "Signup" : EventNames.ENGAGEMENT;
          Dimensions dims = dims(PAGES.get(random.nextInt(PAGES.size())), source, browser, country, log ? "log" : "beacon",
              random.nextInt(30) == 0);
          boolean blocked = person % 4 == 0 && event.equals(EventNames.PAGEVIEW) && !dims.bot() && random.nextInt(5) == 0;
          if (person % 4 == 0 && event.equals(EventNames.PAGEVIEW) && !dims.bot()) {
            Dimensions line = dims(dims.page(), source, browser, country, "log", false);
            hits.add(hit("log-" + serial++, at - 500 - random.nextInt(3_500), zone, person, event, line));
          }
          if (!blocked) {
            hits.add(hit((log ? "log-" : "b-") + serial++, at, zone, person, event, dims));
          }
          at += Duration.ofSeconds(5 + random.nextInt(28 * 60)).toMillis();
        }
        at += Duration.ofMinutes(31 + random.nextInt(16 * 60)).toMillis();
      }
    }
    hits.sort(Comparator.comparingLong(RecordedHit::timestamp));
    return hits;
  }

  private static RecordedHit hit(String id, long at, ZoneId zone, int person, String event, Dimensions dims) {
    LocalDate utcDay = LocalDate.ofInstant(Instant.ofEpochMilli(at), ZoneOffset.UTC);
    Map<String, String> props = event.equals("Signup") ? Map.of("plan", at % 2 == 0 ? "pro" : "free") : null;
    return new RecordedHit(id, at, LocalDate.ofInstant(Instant.ofEpochMilli(at), zone), visitor(person, utcDay),
        visitor(person, utcDay.minusDays(1)), event, props, null, dims, null);
  }

  private static long visitor(int person, LocalDate utcDay) {
    return new Random(person * 31L + utcDay.toEpochDay() * 7919L).nextLong();
  }

  private static Dimensions dims(String page, String source, String browser, String country, String channel, boolean bot) {
    return new Dimensions(page, "a.example", source, null, null, null, null, null, null, country, null, null, bot ? "Googlebot" : browser,
        "1", "Linux", null, "desktop", null, channel, bot);
  }

  /**
   * The rows of docs/api.md computed directly from the raw hits, without the production classes:
   * each hit once by its id; visitor ids joined into people by the previous-day id they name;
   * each person's hits in time order cut into visits where 30 minutes pass without a hit (a visit
   * starts with a pageview or custom event, engagement outside a visit counts for nothing, bots
   * count as bots only); hits counted on their local day and hour, visits on their first hit's.
   */
  static final class Reference {
    static final Comparator<BreakdownRow> ORDER = Comparator.comparing(BreakdownRow::day)
        .thenComparing(BreakdownRow::property).thenComparing(BreakdownRow::value);

    final ZoneId zone;
    final Map<String, RecordedHit> unique = new LinkedHashMap<>();
    final Map<LocalDate, long[]> totals = new TreeMap<>();
    final Map<LocalDate, Set<Long>> dayVisitors = new HashMap<>();
    final Map<Instant, long[]> hours = new TreeMap<>();
    final Map<Instant, Set<Long>> hourVisitors = new HashMap<>();
    final Map<List<Object>, long[]> values = new HashMap<>();
    final Map<List<Object>, Set<Long>> valueVisitors = new HashMap<>();

    Reference(ZoneId zone, List<RecordedHit> hits) {
      this.zone = zone;
      hits.forEach(hit -> unique.putIfAbsent(hit.hitId(), hit));
      Map<Long, Long> parent = new HashMap<>();
      Set<Long> ids = new HashSet<>();
      unique.values().forEach(hit -> ids.add(hit.visitorId()));
      for (RecordedHit hit : unique.values()) {
        if (hit.previousVisitorId() != null && ids.contains(hit.previousVisitorId())) {
          long a = root(parent, hit.visitorId());
          long b = root(parent, hit.previousVisitorId());
          if (a != b) {
            parent.put(a, b);
          }
        }
      }
      Set<RecordedHit> seenByScript = seenByScript(unique.values());
      Map<Long, List<RecordedHit>> people = new HashMap<>();
      for (RecordedHit hit : unique.values()) {
        if (seenByScript.contains(hit)) {
          continue; // the script's pageview stands for it in all traffic
        }
        if (hit.dims().bot()) {
          row(totals, day(hit.timestamp()))[6]++;
          row(hours, hour(hit.timestamp()))[6]++;
          continue;
        }
        people.computeIfAbsent(root(parent, hit.visitorId()), p -> new ArrayList<>()).add(hit);
      }
      people.values().forEach(this::person);
    }

    /**
     * docs/api.md's same pageview, by its definition: per visitor id, local day and page, each log
     * pageview in time order takes the earliest script pageview not yet taken that is at most 10 s
     * before it, if that one is at most 10 s after it.
     */
    private Set<RecordedHit> seenByScript(java.util.Collection<RecordedHit> hits) {
      Map<List<Object>, List<RecordedHit>> groups = new HashMap<>();
      for (RecordedHit hit : hits) {
        if (!hit.dims().bot() && hit.eventName().equals(EventNames.PAGEVIEW)) {
          groups.computeIfAbsent(List.of(hit.visitorId(), day(hit.timestamp()), hit.dims().page()), k -> new ArrayList<>()).add(hit);
        }
      }
      Set<RecordedHit> seen = new HashSet<>();
      for (List<RecordedHit> group : groups.values()) {
        List<RecordedHit> lines = group.stream().filter(h -> h.dims().channel().equals("log"))
            .sorted(Comparator.comparingLong(RecordedHit::timestamp)).toList();
        List<Long> beacons = new ArrayList<>(group.stream().filter(h -> !h.dims().channel().equals("log"))
            .map(RecordedHit::timestamp).sorted().toList());
        for (RecordedHit line : lines) {
          beacons.removeIf(at -> at < line.timestamp() - 10_000);
          if (!beacons.isEmpty() && beacons.get(0) <= line.timestamp() + 10_000) {
            beacons.remove(0);
            seen.add(line);
          }
        }
      }
      return seen;
    }

    private static long root(Map<Long, Long> parent, long id) {
      Long up = parent.get(id);
      return up == null ? id : root(parent, up);
    }

    private void person(List<RecordedHit> hits) {
      hits.sort(Comparator.comparingLong(RecordedHit::timestamp));
      List<RecordedHit> visit = new ArrayList<>();
      long lastAt = Long.MIN_VALUE;
      for (RecordedHit hit : hits) {
        boolean counts = !hit.eventName().equals(EventNames.ENGAGEMENT);
        if (!visit.isEmpty() && hit.timestamp() - lastAt <= Duration.ofMinutes(30).toMillis()) {
          visit.add(hit);
        } else if (counts) {
          visit(visit);
          visit = new ArrayList<>(List.of(hit));
        } else {
          continue;
        }
        lastAt = hit.timestamp();
        if (counts) {
          countHit(hit);
        }
      }
      visit(visit);
    }

    private void countHit(RecordedHit hit) {
      boolean pageview = hit.eventName().equals(EventNames.PAGEVIEW);
      int metric = pageview ? 2 : 3;
      LocalDate day = day(hit.timestamp());
      row(totals, day)[metric]++;
      dayVisitors.computeIfAbsent(day, d -> new HashSet<>()).add(hit.visitorId());
      Instant hour = hour(hit.timestamp());
      row(hours, hour)[metric]++;
      hourVisitors.computeIfAbsent(hour, h -> new HashSet<>()).add(hit.visitorId());
      if (pageview) {
        value(day, "page", hit.dims().page(), hit.visitorId())[metric]++;
        value(day, "hostname", hit.dims().hostname(), hit.visitorId())[metric]++;
      } else {
        value(day, "event", hit.eventName(), hit.visitorId())[metric]++;
        hit.props().forEach((name, v) -> value(day, "event:props:" + name, v, hit.visitorId())[metric]++);
      }
    }

    private void visit(List<RecordedHit> visit) {
      if (visit.isEmpty()) {
        return;
      }
      RecordedHit first = visit.get(0);
      List<RecordedHit> pageviews = visit.stream().filter(h -> h.eventName().equals(EventNames.PAGEVIEW)).toList();
      long events = visit.stream().filter(h -> !h.eventName().equals(EventNames.PAGEVIEW)
          && !h.eventName().equals(EventNames.ENGAGEMENT)).count();
      boolean bounce = pageviews.size() == 1 && events == 0;
      long duration = bounce ? 0 : visit.get(visit.size() - 1).timestamp() - first.timestamp();
      LocalDate day = day(first.timestamp());
      for (long[] row : List.of(row(totals, day), row(hours, hour(first.timestamp())))) {
        row[1]++;
        row[4] += bounce ? 1 : 0;
        row[5] += duration;
      }
      Map<String, String> visitValues = new LinkedHashMap<>();
      visitValues.put("entry_page", pageviews.isEmpty() ? null : pageviews.get(0).dims().page());
      visitValues.put("exit_page", pageviews.isEmpty() ? null : pageviews.get(pageviews.size() - 1).dims().page());
      visitValues.put("source", first.dims().source());
      visitValues.put("country", first.dims().country());
      visitValues.put("browser", first.dims().browser());
      visitValues.put("os", first.dims().os());
      visitValues.put("device", first.dims().device());
      visitValues.put("channel", first.dims().channel());
      visitValues.forEach((property, v) -> {
        if (v != null) {
          long[] row = value(day, property, v, first.visitorId());
          row[1]++;
          row[2] += pageviews.size();
          row[3] += events;
          row[4] += bounce ? 1 : 0;
          row[5] += duration;
        }
      });
    }

    private long[] value(LocalDate day, String property, String v, long visitor) {
      List<Object> key = List.of(day, property, v);
      valueVisitors.computeIfAbsent(key, k -> new HashSet<>()).add(visitor);
      return values.computeIfAbsent(key, k -> new long[7]);
    }

    private static <K> long[] row(Map<K, long[]> rows, K key) {
      return rows.computeIfAbsent(key, k -> new long[7]);
    }

    private LocalDate day(long at) {
      return LocalDate.ofInstant(Instant.ofEpochMilli(at), zone);
    }

    private Instant hour(long at) {
      return ZonedDateTime.ofInstant(Instant.ofEpochMilli(at), zone).truncatedTo(ChronoUnit.HOURS).toInstant();
    }

    List<DailyTotals> totals() {
      List<DailyTotals> rows = new ArrayList<>();
      totals.forEach((day, v) -> rows.add(new DailyTotals(day, dayVisitors.getOrDefault(day, Set.of()).size(), v[1], v[2], v[3],
          v[4], v[5], v[6])));
      return rows;
    }

    List<HourlyTotals> hours() {
      List<HourlyTotals> rows = new ArrayList<>();
      hours.forEach((hour, v) -> rows.add(new HourlyTotals(hour, hourVisitors.getOrDefault(hour, Set.of()).size(), v[1], v[2],
          v[3], v[4], v[5], v[6])));
      return rows;
    }

    List<BreakdownRow> breakdowns() {
      List<BreakdownRow> rows = new ArrayList<>();
      values.forEach((key, v) -> rows.add(new BreakdownRow((LocalDate) key.get(0), (String) key.get(1), (String) key.get(2),
          valueVisitors.get(key).size(), v[1], v[2], v[3], v[4], v[5])));
      rows.sort(ORDER);
      return rows;
    }
  }
}
