package biz.vulcantracker.beacon;

import biz.vulcantracker.VulcanConfig;
import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code vulcan.beacon} and {@code vulcan.privacy} sections. */
public record BeaconSettings(
    int maxBodyBytes,
    int maxBatchHits,
    int maxUrlLength,
    TrustedProxies trustedProxies,
    Duration saltRetentionAfterDay,
    String streamPrefix) {

  public static BeaconSettings create(Config config) {
    Config beacon = config.getConfig("vulcan.beacon");
    return new BeaconSettings(
        beacon.getInt("max-body-bytes"),
        beacon.getInt("max-batch-hits"),
        beacon.getInt("max-url-length"),
        TrustedProxies.parse(VulcanConfig.commaSeparated(beacon.getString("trusted-proxies"))),
        config.getDuration("vulcan.privacy.salt-retention-after-day"),
        config.getString("vulcan.stream-prefix"));
  }
}
