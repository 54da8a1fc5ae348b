package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.SegmentStore;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.HitRow;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What one filtered report may cost, with the production limits of reference.conf (the timeout
 * shortened, which only makes its test stricter): scans run on their own dispatcher, are stopped at
 * their timeout with the table's reads cancelled, cover a bounded period and tally a bounded number
 * of groups.
 */
class ScanLimitsTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final ScanLimits PRODUCTION = ScanLimits.fromConfig(ConfigFactory.load());
  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final Period ONE_DAY = new Period(DAY, DAY);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void scansRunOnTheirOwnDispatcher() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    FilteredStats stats = new FilteredStats(segmentsOf((site, day) -> pageviews(day, 100).map(row -> {
      threads.add(Thread.currentThread().getName());
      return row;
    })), testKit.system(), PRODUCTION);
    stats.tally(SITE, ONE_DAY, Filters.parse("page==/p*"), FilteredStats.byDay(LocalDate::toString))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(threads).isNotEmpty().allSatisfy(name -> assertThat(name).contains("vulcan.scuttlebutt.scans.dispatcher"));
  }

  @Test
  void aScanPastItsTimeIsStoppedAndItsReadsCancelled() {
    ScanLimits limits = new ScanLimits(PRODUCTION.dispatcher(), Duration.ofMillis(500), PRODUCTION.maxDays(), PRODUCTION.maxGroups());
    CompletableFuture<Done> readEnded = new CompletableFuture<>();
    FilteredStats stats = new FilteredStats(segmentsOf((site, day) -> Source.repeat(pageview(day, 1)).throttle(1000, Duration.ofSeconds(1))
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> readEnded.complete(Done.getInstance()));
          return NotUsed.getInstance();
        })), testKit.system(), limits);
    long start = System.nanoTime();
    CompletableFuture<?> report = stats.tally(SITE, ONE_DAY, Filters.parse("page==/p*"),
        FilteredStats.byDay(LocalDate::toString)).toCompletableFuture();
    assertThatThrownBy(() -> report.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("report_too_slow"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(readEnded).succeedsWithin(Duration.ofSeconds(2));
  }

  /**
   * Reports asked at once of the same days (a dashboard's dozen) wait for one build of those days:
   * each day's hits are read once, and every report counts them all.
   */
  @Test
  void reportsAskedAtOnceShareOneBuild() throws Exception {
    Map<LocalDate, java.util.concurrent.atomic.AtomicInteger> reads = new ConcurrentHashMap<>();
    FilteredStats stats = new FilteredStats(segmentsOf((site, day) -> {
      reads.computeIfAbsent(day, d -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
      return day.equals(DAY) ? pageviews(day, 300).throttle(1000, Duration.ofSeconds(1)) : Source.empty();
    }), testKit.system(), PRODUCTION);
    List<CompletableFuture<Map<String, List<DailyTotals>>>> reports = IntStream.range(0, 4)
        .mapToObj(i -> stats.tally(SITE, ONE_DAY, Filters.parse("page==/p*"), FilteredStats.byDay(LocalDate::toString)).toCompletableFuture())
        .toList();
    for (CompletableFuture<Map<String, List<DailyTotals>>> report : reports) {
      assertThat(report.get(10, TimeUnit.SECONDS).get(DAY.toString()).get(0).pageviews()).isEqualTo(300);
    }
    assertThat(reads).isNotEmpty().allSatisfy((day, count) -> assertThat(count.get()).as(day.toString()).isEqualTo(1));
  }

  @Test
  void aLongerPeriodThanTheLimitIsRefusedBeforeAnyRead() {
    FilteredStats stats = new FilteredStats(segmentsOf((site, day) -> {
      throw new AssertionError("nothing is read");
    }), testKit.system(), PRODUCTION);
    Period tooLong = new Period(DAY.minusDays(PRODUCTION.maxDays()), DAY);
    assertThatThrownBy(() -> stats.tally(SITE, tooLong, Filters.parse("page==/"), FilteredStats.byDay(d -> "")))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("period_too_long"));
    assertThat(PRODUCTION.maxDays()).as("a year with a filter").isGreaterThanOrEqualTo(366);
  }

  @Test
  void valuesBeyondTheGroupLimitFoldIntoOtherAndAreStillCounted() throws Exception {
    int pages = PRODUCTION.maxGroups() + 500;
    FilteredStats stats = new FilteredStats(segmentsOf((site, day) -> day.equals(DAY) ? pageviews(day, pages) : Source.empty()),
        testKit.system(), PRODUCTION);
    Map<String, List<DailyTotals>> groups = stats.tally(SITE, ONE_DAY, Filters.parse("page==/p*"),
        FilteredStats.byProperty("page")).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(groups).hasSize(PRODUCTION.maxGroups()).containsKey(FilteredStats.OTHER);
    long pageviews = groups.values().stream().flatMap(List::stream).mapToLong(DailyTotals::pageviews).sum();
    assertThat(pageviews).isEqualTo(pages);
    assertThat(groups.get(FilteredStats.OTHER).get(0).pageviews()).isEqualTo(pages - (PRODUCTION.maxGroups() - 1));
  }

  private static final Site SITE = new Site("site", List.of("site.example"), ZoneOffset.UTC, null, null, Instant.EPOCH);

  /** Segments built from these hits every time, nothing kept: what each test sees is what it reads. */
  private static VisitSegments segmentsOf(VisitSegments.HitSource hits) {
    return new VisitSegments(hits, SegmentStore.NONE, 0);
  }

  /** {@code count} pageviews of one day, each of its own visitor and page, in table order. */
  private static Source<HitRow, NotUsed> pageviews(LocalDate day, int count) {
    return Source.from(IntStream.range(0, count).mapToObj(i -> pageview(day, i)).toList());
  }

  private static HitRow pageview(LocalDate day, int i) {
    long at = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + 3_600_000L + i;
    return new HitRow(day, i, "h" + i, at, null, "pageview", Map.of("page", "/p" + i), null, false);
  }
}
