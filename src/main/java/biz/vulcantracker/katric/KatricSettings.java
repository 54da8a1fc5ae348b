package biz.vulcantracker.katric;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code vulcan.katric} section. */
public record KatricSettings(
    Duration persistTimeout, int daysKept, int snapshotEvery, int maxValuesPerDay, long maxMessageBytes, Duration stallAfter) {

  public static KatricSettings create(Config config) {
    Config katric = config.getConfig("vulcan.katric");
    return new KatricSettings(
        katric.getDuration("persist-timeout"), katric.getInt("days-kept"), katric.getInt("snapshot-every"),
        katric.getInt("max-values-per-day"), katric.getBytes("max-message-bytes"), katric.getDuration("stall-after"));
  }
}
