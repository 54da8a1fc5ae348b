package biz.vulcantracker.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the node's configuration, each source over the next: system properties, then the overlay
 * named by {@code vulcan.env} (project-config/&lt;env&gt;.conf, shipped in the jar), then the
 * top-level application.conf, then every reference.conf.
 *
 * <p>Operators give lists as comma-separated environment variables (roles, seed nodes, contact
 * points); HOCON cannot split a string, so this is where they become the lists Pekko and the
 * Cassandra driver read.
 */
public final class VulcanConfig {

  private VulcanConfig() {}

  /** The configuration for a node started from the command line. */
  public static Config load() {
    return load(ConfigFactory.empty());
  }

  /** The configuration with {@code overrides} laid over everything but system properties. */
  public static Config load(Config overrides) {
    ConfigFactory.invalidateCaches();
    Config reference = ConfigFactory.defaultReference();
    String env = overrides.withFallback(reference).getString("vulcan.env");
    Config overlay = env.isBlank() ? ConfigFactory.empty() : ConfigFactory.parseResources(env + ".conf");
    if (!env.isBlank() && overlay.isEmpty()) {
      throw new IllegalArgumentException("VULCAN_ENV=" + env + " names no overlay " + env + ".conf");
    }
    Config merged =
        ConfigFactory.systemProperties()
            .withFallback(overrides)
            .withFallback(overlay)
            .withFallback(ConfigFactory.parseResources("application.conf"))
            .withFallback(reference)
            .resolve();
    return withDerivedLists(merged);
  }

  private static Config withDerivedLists(Config config) {
    List<String> roles = commaSeparated(config.getString("vulcan.roles"));
    List<String> contactPoints = commaSeparated(config.getString("vulcan.cassandra.contact-points"));
    List<String> seedNodes = commaSeparated(config.getString("vulcan.cluster.seed-nodes"));
    Config derived = config
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes))
        .withValue(
            "datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(contactPoints));
    String username = config.getString("vulcan.cassandra.username");
    if (username.isEmpty()) {
      return derived;
    }
    // The one driver session config serves the stores and the persistence plugin alike.
    return derived
        .withValue("datastax-java-driver.advanced.auth-provider.class", ConfigValueFactory.fromAnyRef("PlainTextAuthProvider"))
        .withValue("datastax-java-driver.advanced.auth-provider.username", ConfigValueFactory.fromAnyRef(username))
        .withValue("datastax-java-driver.advanced.auth-provider.password",
            ConfigValueFactory.fromAnyRef(config.getString("vulcan.cassandra.password")));
  }

  /** Splits "a, b,,c" into [a, b, c]. */
  public static List<String> commaSeparated(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
