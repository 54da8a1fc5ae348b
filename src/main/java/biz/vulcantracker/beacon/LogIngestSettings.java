package biz.vulcantracker.beacon;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code vulcan.beacon.log} section: limits of {@code POST /api/v1/beacon/log}. */
public record LogIngestSettings(
    long maxBodyBytes, int maxLineBytes, int linesPerChunk, Duration batchIdRetention, Duration maxFuture) {

  static LogIngestSettings create(Config log) {
    return new LogIngestSettings(
        log.getBytes("max-body-bytes"),
        log.getBytes("max-line-bytes").intValue(),
        log.getInt("lines-per-chunk"),
        log.getDuration("batch-id-retention"),
        log.getDuration("max-future"));
  }
}
