package biz.vulcantracker.beacon;

import biz.vulcantracker.common.VulcanConfig;
import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code vulcan.beacon} (with its {@code log} part), {@code vulcan.geoip} and {@code vulcan.privacy} sections. */
public record BeaconSettings(
    int maxBodyBytes,
    int maxBatchHits,
    int maxUrlLength,
    TrustedProxies trustedProxies,
    long rateLimitPerSecond,
    long rateLimitBurst,
    long siteBudgetPerSecond,
    long siteBudgetBurst,
    Duration scriptMaxAge,
    String geoipDatabase,
    Duration saltRetentionAfterDay,
    String streamPrefix,
    LogIngestSettings log) {

  public static BeaconSettings create(Config config) {
    Config beacon = config.getConfig("vulcan.beacon");
    return new BeaconSettings(
        beacon.getInt("max-body-bytes"),
        beacon.getInt("max-batch-hits"),
        beacon.getInt("max-url-length"),
        TrustedProxies.parse(VulcanConfig.commaSeparated(beacon.getString("trusted-proxies"))),
        beacon.getLong("rate-limit.per-second"),
        beacon.getLong("rate-limit.burst"),
        beacon.getLong("site-budget.per-second"),
        beacon.getLong("site-budget.burst"),
        beacon.getDuration("script-max-age"),
        config.getString("vulcan.geoip.database"),
        config.getDuration("vulcan.privacy.salt-retention-after-day"),
        config.getString("vulcan.stream-prefix"),
        LogIngestSettings.create(beacon.getConfig("log"), config.getDuration("vulcan.katric.max-age")));
  }
}
