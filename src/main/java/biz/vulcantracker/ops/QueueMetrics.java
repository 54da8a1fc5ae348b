package biz.vulcantracker.ops;

import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.telemetry.Telemetry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's meters, per partition: entries in the stream ({@code XLEN}), entries not yet read by
 * the consumer group ({@code lag} of {@code XINFO GROUPS}, Redis 7) and entries read but not yet
 * acknowledged ({@code pending}). Polled every few seconds on katric nodes, where the consumers
 * run; a partition not yet created reads 0, a failed poll keeps the last values (and is logged once
 * at debug level: /ready already tells an operator that Redis is away).
 */
public final class QueueMetrics {

  private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
  static final Duration INTERVAL = Duration.ofSeconds(5);

  private final RedisConnections redis;
  private final QueueSettings queue;
  private final AtomicLongArray length;
  private final AtomicLongArray lag;
  private final AtomicLongArray pending;

  private QueueMetrics(RedisConnections redis, QueueSettings queue, MeterRegistry registry) {
    this.redis = redis;
    this.queue = queue;
    this.length = new AtomicLongArray(queue.partitions());
    this.lag = new AtomicLongArray(queue.partitions());
    this.pending = new AtomicLongArray(queue.partitions());
    for (int p = 0; p < queue.partitions(); p++) {
      int partition = p;
      String tag = Integer.toString(p);
      Gauge.builder("vulcan.queue.length", () -> length.get(partition)).tag("partition", tag)
          .description("Entries in the partition's stream").register(registry);
      Gauge.builder("vulcan.queue.lag", () -> lag.get(partition)).tag("partition", tag)
          .description("Entries of the partition the consumer group has not read yet").register(registry);
      Gauge.builder("vulcan.queue.pending", () -> pending.get(partition)).tag("partition", tag)
          .description("Entries of the partition read but not yet acknowledged").register(registry);
    }
  }

  /** Registers the meters and starts polling. */
  public static void start(ActorSystem<?> system, QueueSettings queue) {
    QueueMetrics metrics = new QueueMetrics(RedisConnections.get(system), queue, Telemetry.get(system).registry());
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, INTERVAL, metrics::poll, system.executionContext());
  }

  private void poll() {
    redis.shared().thenAccept(connection -> {
      var commands = connection.async();
      for (int p = 0; p < queue.partitions(); p++) {
        int partition = p;
        String stream = queue.hitStream(partition);
        commands.xlen(stream).thenAccept(n -> length.set(partition, n));
        commands.xinfoGroups(stream).thenAccept(groups -> readGroup(partition, groups)).exceptionally(error -> {
          log.debug("XINFO GROUPS {} failed: {}", stream, error.getMessage()); // no stream yet, or Redis away
          return null;
        });
      }
    });
  }

  /** XINFO GROUPS answers a list of flat name/value lists, one per group. */
  private void readGroup(int partition, List<Object> groups) {
    for (Object group : groups) {
      List<?> fields = (List<?>) group;
      if (!queue.consumerGroup().equals(String.valueOf(field(fields, "name")))) {
        continue;
      }
      pending.set(partition, number(field(fields, "pending")));
      lag.set(partition, number(field(fields, "lag")));
    }
  }

  private static Object field(List<?> fields, String name) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(String.valueOf(fields.get(i)))) {
        return fields.get(i + 1);
      }
    }
    return null;
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }
}
