package biz.vulcantracker.store;

import com.typesafe.config.Config;
import java.time.Duration;

/** Where Vulcan Tracker's own tables live, and how the site registry is cached. */
public record StoreSettings(
    String keyspace, boolean autocreate, int replicationFactor, Duration siteRefreshInterval, Duration retentionSweepInterval) {

  /** The config path of the Cassandra session shared with the persistence plugin. */
  public static final String SESSION_CONFIG_PATH = "pekko.persistence.cassandra";

  public static StoreSettings create(Config config) {
    return new StoreSettings(
        config.getString("vulcan.keyspace-prefix"),
        config.getBoolean("vulcan.cassandra.autocreate"),
        config.getInt("vulcan.cassandra.replication-factor"),
        config.getDuration("vulcan.sites.refresh-interval"),
        config.getDuration("vulcan.sites.retention-sweep-interval"));
  }
}
