package biz.vulcantracker.scuttlebutt.query;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What one filtered report may cost (reference.conf, {@code vulcan.scuttlebutt}): its scan runs on
 * {@code dispatcher}, not the one that serves HTTP, is cancelled after {@code timeout}, reads at most
 * {@code maxDays} day partitions and tallies at most {@code maxGroups} distinct values (more fold into
 * {@value FilteredStats#OTHER}). A shared report key can ask for any of them.
 */
public record ScanLimits(String dispatcher, Duration timeout, int maxDays, int maxGroups) {

  public static ScanLimits fromConfig(Config config) {
    Config scans = config.getConfig("vulcan.scuttlebutt.scans");
    return new ScanLimits("vulcan.scuttlebutt.scans.dispatcher", scans.getDuration("timeout"),
        scans.getInt("max-days"), scans.getInt("max-groups"));
  }
}
