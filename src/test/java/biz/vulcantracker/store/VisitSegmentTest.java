package biz.vulcantracker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A visit segment's bytes read back to the same columns, and damaged bytes refused rather than misread. */
class VisitSegmentTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final long MIDNIGHT = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();

  @Test
  void readsBackWhatWasWritten() {
    VisitSegment segment = twoVisits();
    VisitSegment read = VisitSegment.decode(segment.encode());
    assertThat(read.day()).isEqualTo(DAY);
    assertThat(read.versions()).containsExactly(7, 1, 5, 2);
    assertThat(read.isBuiltFrom(new long[] {7, 1, 5, 2})).isTrue();
    assertThat(read.isBuiltFrom(new long[] {7, 1, 6, 2})).isFalse();
    assertThat(read.visits()).isEqualTo(2);
    assertThat(read.visitorId(0)).isEqualTo(-42L);
    assertThat(read.firstHit(1)).isEqualTo(3);
    assertThat(read.timestamp(2)).isEqualTo(MIDNIGHT + 86_399_000L + 60_000L);
    assertThat(read.dayOffset(2)).isEqualTo(1);
    assertThat(read.hitVisitorId(2)).isEqualTo(43L);
    assertThat(read.string(read.event(1))).isEqualTo("Signup");
    assertThat(read.string(read.propValue(read.propStart(1)))).isEqualTo("pro");
    int country = VisitSegment.VISIT_COLUMNS.indexOf("country");
    assertThat(read.string(read.visitValue(0, country))).isEqualTo("DE");
    assertThat(read.visitValue(1, country)).isEqualTo(VisitSegment.NONE);
    assertThat(read.string(read.hitValue(0, VisitSegment.HIT_COLUMNS.indexOf("page")))).isEqualTo("/");
    assertThat(read.bots()).isEqualTo(Map.of("Googlebot", 2L, "(unknown)", 1L));
    assertThat(read.encode()).isEqualTo(segment.encode());
  }

  @Test
  void damagedBytesAreRefused() {
    byte[] bytes = twoVisits().encode();
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> VisitSegment.decode(truncated)).as("cut at " + cut).isInstanceOf(IllegalArgumentException.class);
    }
    byte[] otherFormat = bytes.clone();
    otherFormat[0] = 9;
    assertThatThrownBy(() -> VisitSegment.decode(otherFormat)).isInstanceOf(IllegalArgumentException.class);
    Random random = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      byte[] noise = new byte[random.nextInt(200)];
      random.nextBytes(noise);
      try {
        VisitSegment.decode(noise);
      } catch (IllegalArgumentException refused) {
        // what a damaged segment must be: refused, never another exception or a hang
      }
    }
  }

  private static VisitSegment twoVisits() {
    return VisitSegment.builder(DAY)
        .visit(-42L)
        .hit(row(-42L, MIDNIGHT + 1_000, "pageview", Map.of("page", "/", "country", "DE"), Map.of()))
        .hit(row(-42L, MIDNIGHT + 2_000, "Signup", Map.of("page", "/", "country", "DE"), Map.of("plan", "pro")))
        .hit(row(43L, MIDNIGHT + 86_399_000L + 60_000L, "pageview", Map.of("page", "/next"), Map.of()))
        .visit(7L)
        .hit(row(7L, MIDNIGHT + 5_000, "pageview", Map.of("page", "/b"), Map.of()))
        .bot("Googlebot").bot("Googlebot").bot(null)
        .build(new long[] {7, 1, 5, 2});
  }

  private static HitRow row(long visitor, long at, String event, Map<String, String> properties, Map<String, String> props) {
    LocalDate day = java.time.Instant.ofEpochMilli(at).atZone(java.time.ZoneOffset.UTC).toLocalDate();
    return new HitRow(day, visitor, "k" + at, at, null, event, properties, props, false);
  }
}
