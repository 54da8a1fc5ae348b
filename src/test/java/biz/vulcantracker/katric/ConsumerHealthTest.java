package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A partition that holds read entries without acknowledging any is stalled once that lasts longer
 * than {@code vulcan.katric.stall-after} (production setting), across restarts of its consumer's
 * stream — the loop a too-large message made: read, ask, time out, restart, read again.
 */
class ConsumerHealthTest {

  private static final Duration STALL_AFTER = SessionsTest.SETTINGS.stallAfter();

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ConsumerHealth health = new ConsumerHealth(now::get);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aPartitionHoldingEntriesWithoutAcknowledgingIsStalledAfterTheLimitAcrossRestarts() {
    health.registerMeters(registry, 16, STALL_AFTER);
    health.holding(3);
    for (int attempt = 0; attempt < 3; attempt++) {
      later(STALL_AFTER.dividedBy(3));
      health.failed(3); // the ask timed out, the stream restarts ...
      health.holding(3); // ... and reads the same entries again
    }
    assertThat(health.stalledLongerThan(STALL_AFTER)).isFalse();
    later(Duration.ofSeconds(1));
    assertThat(health.stalledLongerThan(STALL_AFTER)).isTrue();
    assertThat(gauge("vulcan.consumer.stalled", 3)).isEqualTo(1);
    assertThat(gauge("vulcan.consumer.stalled", 4)).isZero();
    assertThat(gauge("vulcan.consumer.unacknowledged.seconds", 3)).isEqualTo(STALL_AFTER.toSeconds() + 1);

    health.advanced(3);
    assertThat(health.stalledLongerThan(STALL_AFTER)).isFalse();
    assertThat(health.failingLongerThan(Duration.ZERO)).isFalse();
    assertThat(gauge("vulcan.consumer.stalled", 3)).isZero();
    assertThat(gauge("vulcan.consumer.unacknowledged.seconds", 3)).isZero();
  }

  @Test
  void aBusyPartitionThatKeepsAcknowledgingIsNeverStalled() {
    for (int batch = 0; batch < 100; batch++) {
      health.holding(0);
      later(Duration.ofSeconds(2));
      health.advanced(0);
    }
    health.holding(0);
    assertThat(health.stalledLongerThan(STALL_AFTER)).isFalse();
  }

  private void later(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  private double gauge(String name, int partition) {
    return registry.get(name).tag("partition", Integer.toString(partition)).gauge().value();
  }
}
