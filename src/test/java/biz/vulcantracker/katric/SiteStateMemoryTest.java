package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.katric.SiteEntity.HitsRecorded;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * Memory of one site's model over a day of 100,000 distinct visitors (one pageview each, spread over
 * ten hours, with varied pages, sources, countries and browsers): the retained state, measured by
 * JOL as the whole object graph, stays under {@value #BOUND_MB} MB, and visits idle for over 35
 * minutes of hit time leave memory as the day goes on.
 */
class SiteStateMemoryTest {

  static final int VISITORS = 100_000;
  static final int BOUND_MB = 48;
  private static final LocalDate DAY = LocalDate.of(2026, 11, 27);
  private static final long EIGHT_AM = ZonedDateTime.of(2026, 11, 27, 8, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
  private static final long TEN_HOURS_MS = 10 * 3_600_000L;

  @Test
  void aDayOfOneHundredThousandVisitorsStaysUnderItsBound() {
    SiteState state = SiteState.empty();
    int entry = 0;
    for (int first = 0; first < VISITORS; first += 1000) {
      List<RecordedHit> batch = new ArrayList<>(1000);
      for (int visitor = first; visitor < first + 1000; visitor++) {
        batch.add(hit(visitor));
      }
      state.apply(new HitsRecorded(0, (++entry) + "-0", batch), SessionsTest.SETTINGS);
    }
    long retained = GraphLayout.parseInstance(state).totalSize();
    System.out.printf("site model after %,d visitors: %,d bytes retained, %,d visits still open%n",
        VISITORS, retained, state.openVisitCount());

    assertThat(state.totals().get(0).visitors()).isEqualTo(VISITORS);
    assertThat(retained).isLessThan(BOUND_MB * 1024L * 1024L);
    // Only the last 35 minutes of the ten hours are still open: about 5.8 % of the visits.
    assertThat(state.openVisitCount()).isBetween(5_000, 7_000);

    // An hour later one more visitor: every earlier visit is closed and forgotten.
    state.apply(new HitsRecorded(0, (++entry) + "-0", List.of(hitAt(VISITORS, EIGHT_AM + TEN_HOURS_MS + 3_600_000L))), SessionsTest.SETTINGS);
    assertThat(state.openVisitCount()).isEqualTo(1);
    long afterClosing = GraphLayout.parseInstance(state).totalSize();
    System.out.printf("after the visits closed: %,d bytes retained%n", afterClosing);
    assertThat(afterClosing).isLessThan(retained);
  }

  private static RecordedHit hit(int visitor) {
    return hitAt(visitor, EIGHT_AM + (long) visitor * TEN_HOURS_MS / VISITORS);
  }

  private static RecordedHit hitAt(int visitor, long timestamp) {
    Dimensions dims = new Dimensions("/page/" + (visitor % 50), "shop.example",
        List.of(Dimensions.DIRECT, "Google", "Hacker News", "Twitter", "newsletter").get(visitor % 5),
        null, null, null, null, "C" + (visitor % 20), null, null,
        List.of("Firefox", "Chrome", "Safari", "Edge").get(visitor % 4), "133", "Linux", "desktop", "Laptop", "beacon", false);
    return new RecordedHit("h" + visitor, timestamp, DAY, 0x5EED0000L + visitor, null, "pageview", null, null, dims, null);
  }
}
