package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.model.ReservedProps;
import biz.vulcantracker.store.HitRow;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Time on page and scroll depth, by hand: visitor 1 reads / for 30 s (its engagement hit says 80 %
 * scrolled), then /b for 60 s (50 %); visitor 2 reads / for 10 s, then leaves from /b without a
 * later hit. So / is 20 s on average and 80 % deep, /b 60 s and 50 % (visitor 2's /b has no time).
 */
class EngagementTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final long T = DAY.atTime(10, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

  @Test
  void timeOnPageIsUntilTheNextHitAndScrollDepthIsTheEngagementHitsDeepest() {
    List<HitRow> rows = new ArrayList<>(List.of(
        hit(1, 0, "pageview", "/", null),
        hit(1, 30_000, "engagement", "/", "80"),
        hit(1, 40_000, "pageview", "/b", null),
        hit(1, 100_000, "engagement", "/b", "50"),
        hit(2, 0, "pageview", "/", null),
        hit(2, 10_000, "pageview", "/b", null)));
    FilteredStats.Tallies tallies = new FilteredStats.Tallies(Integer.MAX_VALUE, false);
    Period period = new Period(DAY, DAY);
    FilteredStats.Scan scan = new FilteredStats.Scan(period,
        List.of(new FilteredStats.Counting(Filters.NONE, List.of(), FilteredStats.byProperty("page"), tallies)));
    VisitSegments.built(ZoneOffset.UTC, DAY, DAY, null, rows).forEach(scan::accept);

    Map<String, FilteredStats.EngagementTotal> engagement = tallies.engagement();
    assertThat(engagement.get("/").timeOnPageSeconds()).isEqualTo(20);
    assertThat(engagement.get("/").scrollDepth()).isEqualTo(80);
    assertThat(engagement.get("/b").timeOnPageSeconds()).isEqualTo(60);
    assertThat(engagement.get("/b").timedPageviews()).isEqualTo(1);
    assertThat(engagement.get("/b").scrollDepth()).isEqualTo(50);
  }

  /** Leaving / and opening /b send two beacons at once; the engagement hit of / may arrive second. */
  @Test
  void anEngagementHitTimedAfterTheNextPageviewStillCountsForItsPage() {
    FilteredStats.Tallies tallies = new FilteredStats.Tallies(Integer.MAX_VALUE, false);
    FilteredStats.Scan scan = new FilteredStats.Scan(new Period(DAY, DAY),
        List.of(new FilteredStats.Counting(Filters.NONE, List.of(), FilteredStats.byProperty("page"), tallies)));
    VisitSegments.built(ZoneOffset.UTC, DAY, DAY, null,
        List.of(hit(3, 0, "pageview", "/", null), hit(3, 20_000, "pageview", "/b", null), hit(3, 20_010, "engagement", "/", "70")))
        .forEach(scan::accept);
    assertThat(tallies.engagement().get("/").scrollDepth()).isEqualTo(70);
    assertThat(tallies.engagement().get("/").timeOnPageSeconds()).isEqualTo(20);
    assertThat(tallies.engagement().get("/b").scrolledPageviews()).isZero();
  }

  private static HitRow hit(long visitor, long offsetMs, String event, String page, String scrollDepth) {
    Map<String, String> props = scrollDepth == null ? Map.of() : Map.of(ReservedProps.SCROLL_DEPTH, scrollDepth);
    return new HitRow(DAY, visitor, visitor + ":" + offsetMs, T + offsetMs, null, event, Map.of("page", page), props, false);
  }
}
