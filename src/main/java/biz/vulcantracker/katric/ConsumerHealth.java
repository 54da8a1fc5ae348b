package biz.vulcantracker.katric;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Whether this node's partition consumers are working: a consumer whose stream fails (and is
 * restarted with backoff) is failing until its next batch is acknowledged. {@code /ready} on a
 * katric node is false while one has been failing longer than a grace period, so that a node whose
 * consumers cannot make progress says so even when Redis and Cassandra each answer a ping.
 */
public final class ConsumerHealth implements Extension {

  private static final ExtensionId<ConsumerHealth> ID = new ExtensionId<>() {
    @Override
    public ConsumerHealth createExtension(ActorSystem<?> system) {
      return new ConsumerHealth();
    }
  };

  /** Partition → when its consumer's current run of failures began (nanoTime). */
  private final Map<Integer, Long> failingSince = new ConcurrentHashMap<>();

  public static ConsumerHealth get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void failed(int partition) {
    failingSince.putIfAbsent(partition, System.nanoTime());
  }

  void working(int partition) {
    failingSince.remove(partition);
  }

  /** True when some consumer on this node has been failing for longer than {@code grace}. */
  public boolean failingLongerThan(Duration grace) {
    long now = System.nanoTime();
    return failingSince.values().stream().anyMatch(since -> now - since > grace.toNanos());
  }
}
