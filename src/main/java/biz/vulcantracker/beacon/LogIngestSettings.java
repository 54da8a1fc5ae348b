package biz.vulcantracker.beacon;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code vulcan.beacon.log} section: limits of {@code POST /api/v1/beacon/log}; and
 * {@code vulcan.katric.max-age}, the oldest line that is still counted.
 */
public record LogIngestSettings(
    long maxBodyBytes, int maxLineBytes, int linesPerChunk, Duration batchIdRetention, Duration maxFuture, Duration maxAge) {

  static LogIngestSettings create(Config log, Duration maxAge) {
    return new LogIngestSettings(
        log.getBytes("max-body-bytes"),
        log.getBytes("max-line-bytes").intValue(),
        log.getInt("lines-per-chunk"),
        log.getDuration("batch-id-retention"),
        log.getDuration("max-future"),
        maxAge);
  }
}
