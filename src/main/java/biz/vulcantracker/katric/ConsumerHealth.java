package biz.vulcantracker.katric;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Whether this node's partition consumers are making progress. Two ways to be stuck, both told by
 * {@code /ready} of a katric node:
 * <ul>
 *   <li><b>failing</b>: a consumer whose stream fails (and is restarted with backoff) is failing until
 *       its next batch is acknowledged; a node whose consumers cannot make progress says so even when
 *       Redis and Cassandra each answer a ping;
 *   <li><b>stalled</b>: a consumer that has read entries (they are pending in Redis) and acknowledged
 *       none for longer than {@code vulcan.katric.stall-after}, across restarts of its stream — a
 *       batch that its entities never confirm, retried again and again, never advances the
 *       partition although every attempt looks alive. {@code /metrics} shows for how long, per
 *       partition.
 * </ul>
 */
public final class ConsumerHealth implements Extension {

  private static final ExtensionId<ConsumerHealth> ID = new ExtensionId<>() {
    @Override
    public ConsumerHealth createExtension(ActorSystem<?> system) {
      return new ConsumerHealth(System::nanoTime);
    }
  };

  /** How long a consumer may fail (and retry) before the node stops being ready: rides out a blip. */
  static final Duration FAILURE_GRACE = Duration.ofSeconds(15);

  private final LongSupplier clock;

  /** Partition → when its consumer's current run of failures began (nanoTime). */
  private final Map<Integer, Long> failingSince = new ConcurrentHashMap<>();
  /** Partition → since when its consumer has held read entries without acknowledging any (nanoTime). */
  private final Map<Integer, Long> holdingSince = new ConcurrentHashMap<>();

  ConsumerHealth(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  public static ConsumerHealth get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Per partition: seconds held without an acknowledgement, and whether that is a stall. */
  void registerMeters(MeterRegistry registry, int partitions, Duration stallAfter) {
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      String tag = Integer.toString(p);
      Gauge.builder("vulcan.consumer.unacknowledged.seconds", () -> heldNanos(partition) / 1e9).tag("partition", tag)
          .description("How long this node's consumer of the partition has held read entries without acknowledging any (0: none held)")
          .register(registry);
      Gauge.builder("vulcan.consumer.stalled", () -> heldNanos(partition) > stallAfter.toNanos() ? 1 : 0).tag("partition", tag)
          .description("1 while this node's consumer of the partition has held entries longer than vulcan.katric.stall-after")
          .register(registry);
    }
  }

  /** The consumer has read entries it has not acknowledged yet (kept from the first such read). */
  void holding(int partition) {
    holdingSince.putIfAbsent(partition, clock.getAsLong());
  }

  void failed(int partition) {
    failingSince.putIfAbsent(partition, clock.getAsLong());
  }

  /** A batch was acknowledged: the partition moved on. */
  void advanced(int partition) {
    failingSince.remove(partition);
    holdingSince.remove(partition);
  }

  /** The consumer stopped here (moved to another node, or the node is leaving). */
  void stopped(int partition) {
    advanced(partition);
  }

  /** True when some consumer on this node has been failing for longer than {@code grace}. */
  public boolean failingLongerThan(Duration grace) {
    return longerThan(failingSince, grace);
  }

  /** True when some consumer on this node has held entries without acknowledging any for longer than {@code limit}. */
  public boolean stalledLongerThan(Duration limit) {
    return longerThan(holdingSince, limit);
  }

  private long heldNanos(int partition) {
    Long since = holdingSince.get(partition);
    return since == null ? 0 : clock.getAsLong() - since;
  }

  private boolean longerThan(Map<Integer, Long> since, Duration limit) {
    long now = clock.getAsLong();
    return since.values().stream().anyMatch(start -> now - start > limit.toNanos());
  }
}
