package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * A site's resident memory is bounded by its window of days, not by its history: 1,000,000
 * distinct visitors over 10 days (100,000 a day, two pageviews each, varied pages, sources,
 * countries and browsers), sent day after day with the production window. The days beyond the
 * window leave memory; what stays (measured by JOL as the whole object graph, rows included) is
 * under {@value #BYTES_PER_HIT} bytes per resident hit, and every day's totals were written right.
 */
class SiteModelMemoryTest {

  static final int DAYS = 10;
  static final int VISITORS_A_DAY = 100_000;
  static final int BYTES_PER_HIT = 200;
  private static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
  private static final List<String> SOURCES = List.of(Dimensions.DIRECT, "Google", "Hacker News", "Twitter", "newsletter");
  private static final List<String> BROWSERS = List.of("Firefox", "Chrome", "Safari", "Edge");

  @Test
  void tenDaysOfOneHundredThousandVisitorsStayWithinTheWindow() {
    ModelHarness site = new ModelHarness(ZoneOffset.UTC);
    for (int day = 0; day < DAYS; day++) {
      LocalDate date = FIRST.plusDays(day);
      long midnight = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      for (int first = 0; first < VISITORS_A_DAY; first += 2000) {
        List<RecordedHit> batch = new ArrayList<>(4000);
        for (int v = first; v < first + 2000; v++) {
          long visitor = ((long) day << 32) | v; // distinct ids across days: a million visitors
          long at = midnight + (long) v * 80_000_000L / VISITORS_A_DAY;
          batch.add(hit(visitor, v, at, date, 0));
          batch.add(hit(visitor, v, at + 60_000, date, 1));
        }
        site.record(batch);
      }
      assertThat(site.model().residentDays()).isLessThanOrEqualTo(SessionsTest.SETTINGS.residentDays());
    }
    long retained = GraphLayout.parseInstance(site.model()).totalSize();
    System.out.printf("site model after %,d visitors over %d days: %d days resident, %,d hits, %,d bytes retained%n",
        DAYS * VISITORS_A_DAY, DAYS, site.model().residentDays(), site.model().residentHits(), retained);
    assertThat(site.totals()).hasSize(DAYS).allSatisfy(day -> {
      assertThat(day.visitors()).isEqualTo(VISITORS_A_DAY);
      assertThat(day.pageviews()).isEqualTo(2L * VISITORS_A_DAY);
    });
    // The three days after the newest are resident and empty: the rest of the window holds hits.
    int daysWithHits = SessionsTest.SETTINGS.residentDays() - SiteModel.LOAD_RADIUS;
    assertThat(site.model().residentHits()).isLessThanOrEqualTo((long) daysWithHits * 2 * VISITORS_A_DAY);
    assertThat(retained).isLessThan(site.model().residentHits() * BYTES_PER_HIT);
  }

  private static RecordedHit hit(long visitor, int v, long at, LocalDate day, int n) {
    Dimensions dims = new Dimensions("/page/" + ((v + n) % 300), "shop.example", SOURCES.get(v % 5),
        null, null, null, null, null, null, "C" + (v % 20), null, null, BROWSERS.get(v % 4), "133", "Linux", null, "desktop", "Laptop",
        "beacon", false);
    return new RecordedHit("h" + visitor + "-" + n, at, day, visitor, null, "pageview", null, null, dims, null);
  }
}
