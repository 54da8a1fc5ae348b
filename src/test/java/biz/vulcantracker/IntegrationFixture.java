package biz.vulcantracker;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.common.VulcanConfig;
import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What integration tests share: the real Redis and Cassandra that deploy/test.sh started (given by
 * VULCAN_REDIS_URI and VULCAN_CASSANDRA_CONTACT_POINTS; a test fails, never skips, without them), a
 * fresh keyspace and stream prefix per test class, and a way to wait for eventual results.
 */
public final class IntegrationFixture {

  public static final String ADMIN_TOKEN = "it-admin-token-0123456789abcdefgh";

  private IntegrationFixture() {}

  public static String redisUri() {
    return requiredEnv("VULCAN_REDIS_URI");
  }

  public static String cassandraContactPoints() {
    return requiredEnv("VULCAN_CASSANDRA_CONTACT_POINTS");
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: run the tests with deploy/test.sh, which starts Redis and Cassandra");
    }
    return value;
  }

  /**
   * A prefix for keyspaces and Redis keys that no other test class uses; its keyspaces are dropped
   * when the test class ends ({@link DropTestKeyspaces}).
   */
  public static String freshPrefix(String testName) {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    String prefix = ("it_" + testName + "_" + HexFormat.of().formatHex(random)).toLowerCase();
    DropTestKeyspaces.issued(prefix);
    return prefix;
  }

  /** A driver session on the test Cassandra, for tests that read what the node wrote; close it after. */
  public static CqlSession cqlSession() {
    String[] contact = cassandraContactPoints().split(":");
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(contact[0], Integer.parseInt(contact[1])))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  /** A node's configuration on the test services, every port picked by the OS. */
  public static Config nodeConfig(String prefix, Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("vulcan.env", "test");
    values.put("vulcan.redis.uri", redisUri());
    values.put("vulcan.cassandra.contact-points", cassandraContactPoints());
    values.put("vulcan.keyspace-prefix", prefix);
    values.put("vulcan.stream-prefix", prefix);
    values.put("vulcan.http.port", 0);
    values.put("vulcan.remote.port", 0);
    values.put("vulcan.management.port", 0);
    values.put("vulcan.cluster.seed-nodes", "");
    values.put("vulcan.admin.token", ADMIN_TOKEN);
    // Each test node spools (while Redis is away) into a directory of its own.
    values.put("vulcan.beacon.spool.directory", "target/spool/" + prefix);
    // Tests send hits "from" several clients through a trusted proxy on loopback.
    values.put("vulcan.beacon.trusted-proxies", "127.0.0.1/32,::1/128");
    values.putAll(overrides);
    return VulcanConfig.load(ConfigFactory.parseMap(values));
  }

  public static Config nodeConfig(String prefix) {
    return nodeConfig(prefix, Map.of());
  }

  /** Synchronous Redis commands for inspecting what the node wrote; close the client after. */
  public static RedisClient redisClient() {
    return RedisClient.create(redisUri());
  }

  /** Every key under the prefix, with the stream entries' fields for streams. */
  public static List<String> keys(RedisCommands<String, String> redis, String prefix) {
    return redis.keys(prefix + ":*");
  }

  /** Retries {@code assertion} until it passes or {@code timeout} runs out (then its last failure). */
  public static void eventually(Duration timeout, Runnable assertion) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Waits out the 90 seconds before a UTC midnight and the 3 minutes after it, so that a test's
   * hits (log lines are stamped up to a few minutes back) and its query of "today" fall on one day
   * (tests' sites use UTC; visitor ids are per UTC day anyway). A run that started a minute after
   * midnight stamped MetricsIT's log lines with the day before, and its "today" had only the beacons.
   */
  public static void avoidMidnight() {
    java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
    java.time.ZonedDateTime midnight = now.toLocalDate().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC);
    Duration left = Duration.between(now, midnight);
    Duration since = Duration.between(now.toLocalDate().atStartOfDay(java.time.ZoneOffset.UTC), now);
    Duration wait = left.compareTo(Duration.ofSeconds(90)) < 0 ? left.plus(AFTER_MIDNIGHT)
        : since.compareTo(AFTER_MIDNIGHT) < 0 ? AFTER_MIDNIGHT.minus(since) : Duration.ZERO;
    if (!wait.isZero()) {
      try {
        Thread.sleep(wait.plusSeconds(1).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final Duration AFTER_MIDNIGHT = Duration.ofMinutes(3);

  /**
   * Runs {@code deploy/local/services.sh <action> <service>} on the test services (the environment
   * deploy/test.sh exported names their ports and data), for tests that stop and start them.
   */
  public static void services(String action, String service) {
    try {
      Process process = new ProcessBuilder("deploy/local/services.sh", action, service)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File("target/services-from-tests.log")))
          .start();
      if (!process.waitFor(4, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("services.sh " + action + " " + service + " failed; see target/services-from-tests.log");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Entries ever added to the prefix's hit streams (XINFO's entries-added: acknowledged and deleted ones too). */
  public static long entriesAdded(RedisCommands<String, String> redis, String prefix) {
    return redis.keys(prefix + ":hits:*").stream().mapToLong(stream -> {
      List<Object> info = redis.xinfoStream(stream);
      return (Long) info.get(info.indexOf("entries-added") + 1);
    }).sum();
  }

  /** Total entries across the prefix's hit streams. */
  public static long queuedEntries(RedisCommands<String, String> redis, String prefix) {
    return redis.keys(prefix + ":hits:*").stream().mapToLong(redis::xlen).sum();
  }

  static void assertNoKeys(RedisCommands<String, String> redis, String pattern) {
    assertThat(redis.keys(pattern)).isEmpty();
  }
}
