package biz.vulcantracker.queue;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.zip.CRC32;
import java.nio.charset.StandardCharsets;

/** The {@code vulcan.queue} section, plus the stream key names derived from the stream prefix. */
public record QueueSettings(
    String streamPrefix,
    int partitions,
    String consumerGroup,
    int readBatchSize,
    Duration block,
    Duration claimMinIdle,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    double restartRandomFactor) {

  public static QueueSettings create(Config config) {
    Config queue = config.getConfig("vulcan.queue");
    return new QueueSettings(
        config.getString("vulcan.stream-prefix"),
        queue.getInt("partitions"),
        queue.getString("consumer-group"),
        queue.getInt("read-batch-size"),
        queue.getDuration("block"),
        queue.getDuration("claim-min-idle"),
        queue.getDuration("restart-backoff.min"),
        queue.getDuration("restart-backoff.max"),
        queue.getDouble("restart-backoff.random-factor"));
  }

  /** The stream of one partition: {@code <prefix>:hits:<partition>}. */
  public String hitStream(int partition) {
    return streamPrefix + ":hits:" + partition;
  }

  /**
   * The partition of a site. CRC-32 of the UTF-8 id rather than {@code String.hashCode}: it is
   * defined outside Java, so any other producer (a log shipper, a script) can compute the same.
   */
  public int partitionOf(String siteId) {
    CRC32 crc = new CRC32();
    crc.update(siteId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % partitions);
  }

  /**
   * The consumer name of a partition's reader. Stable wherever the reader runs, so that a restarted
   * reader finds its own pending entries and re-applies them in stream order.
   */
  public String consumerName(int partition) {
    return "partition-" + partition;
  }
}
