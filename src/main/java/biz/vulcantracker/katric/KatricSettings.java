package biz.vulcantracker.katric;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code vulcan.katric} section. */
public record KatricSettings(
    Duration persistTimeout, int residentDays, int snapshotEvery, long maxMessageBytes, Duration stallAfter) {

  public static KatricSettings create(Config config) {
    Config katric = config.getConfig("vulcan.katric");
    return new KatricSettings(
        katric.getDuration("persist-timeout"), katric.getInt("resident-days"), katric.getInt("snapshot-every"),
        katric.getBytes("max-message-bytes"), katric.getDuration("stall-after"));
  }
}
