package biz.vulcantracker.beacon;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.ApiClient.SiteKeys;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No IP address is ever logged, queued or stored. Hits, log lines (and bad requests) come from
 * known addresses; then every Redis key and stream entry, every row of every table of the node's
 * keyspaces (journal and snapshots included, read as raw bytes) and every log line the node wrote
 * are searched for those addresses in their textual forms; the queue is searched for the raw
 * User-Agent too. And no salt is ever on a disk.
 */
class PrivacyIT {

  /** One keyspace and stream prefix for the class: making a keyspace is most of a test's start. */
  private static final String PREFIX = IntegrationFixture.freshPrefix("privacy");

  private static final List<String> CLIENTS = List.of("203.0.113.45", "2001:db8:85a3::8a2e:370:7334", "8.8.4.4");
  private static final List<String> FORMS = List.of(
      "203.0.113.45", "2001:db8:85a3::8a2e:370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
      "2001:DB8:85A3::8A2E:370:7334", "2001:db8:85a3:0:0:8a2e:370:7334", "8.8.4.4");

  @Test
  void noAddressInRedisCassandraOrTheLog() {
    IntegrationFixture.avoidMidnight(); // its hits and its count of today on one day
    String prefix = PREFIX;
    ListAppender<ILoggingEvent> log = captureLog();
    SiteKeys site;
    try (RedisClient redisClient = IntegrationFixture.redisClient()) {
      RedisCommands<String, String> redis = redisClient.connect().sync();

      // First an edge alone, so that the queued entries stay in Redis to be searched.
      try (VulcanNode edge = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of("vulcan.roles", "beacon,scuttlebutt")))) {
        ApiClient api = new ApiClient(edge.httpPort());
        site = api.createSite("private.example", List.of("private.example"), "UTC");
        for (String client : CLIENTS) {
          assertThat(api.beaconGet("s=private.example&u=https%3A%2F%2Fprivate.example%2F&r=https%3A%2F%2Fsearch.example%2F", client, "Privacy").statusCode()).isEqualTo(204);
          assertThat(api.beaconPost("[{\"s\":\"private.example\",\"u\":\"https://private.example/a\"},{\"s\":\"private.example\",\"u\":\"https://private.example/b\",\"n\":\"Signup\",\"p\":{\"plan\":\"pro\"}}]", client, "Privacy").statusCode()).isEqualTo(204);
          assertThat(api.beaconGet("s=private.example&u=ftp%3A%2F%2Fbad", client, "Privacy").statusCode()).isEqualTo(400);
          assertThat(api.beaconGet("s=unknown.example&u=https%3A%2F%2Funknown.example%2F", client, "Privacy").statusCode()).isEqualTo(403);
          // The same address in a server log: one pageview, one line rejected for its status field.
          String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(5)
              .format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
          String line = client + " - - [" + now + "] \"GET /from-log HTTP/1.1\" 200 10 \"-\" \"" + ApiClient.userAgent("Privacy") + "\"";
          var logAnswer = api.postLog("private.example", site.ingestToken(), null, line + "\n" + line.replace(" 200 ", " 2x0 "), null);
          assertThat(logAnswer.body()).contains("\"queued\":1", "\"rejectedCount\":1");
        }
        String everything = redisContents(redis);
        assertThat(everything).contains("private.example"); // the search does see the entries
        FORMS.forEach(form -> assertThat(everything).as("Redis").doesNotContainIgnoringCase(form));
        // Nor the User-Agent: the edge queues its classification, not the header (with the day's
        // salt, a visitor id and its User-Agent would let the address be brute-forced).
        String ours = redisContents(redis, prefix + ":*");
        assertThat(ours).contains("Firefox").doesNotContain(ApiClient.userAgent("Privacy")).doesNotContain("Gecko/20100101");
      }

      // Then the processors count them into Cassandra.
      try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
        ApiClient api = new ApiClient(node.httpPort());
        eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(9));
        String stored = cassandraContents(prefix);
        assertThat(stored).contains("Firefox"); // enriched hits in the journal: the search reads events
        FORMS.forEach(form -> assertThat(stored).as("Cassandra").doesNotContainIgnoringCase(form));
        FORMS.forEach(form -> assertThat(redisContents(redis)).as("Redis").doesNotContainIgnoringCase(form));
      }
    } finally {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }
    StringBuilder lines = new StringBuilder();
    for (ILoggingEvent event : log.list) {
      lines.append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        lines.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
      }
    }
    assertThat(log.list).isNotEmpty();
    FORMS.forEach(form -> assertThat(lines.toString()).as("log").doesNotContainIgnoringCase(form));
  }

  /**
   * The salts that make visitor ids are never written to a disk: with the node's salts in hand (read
   * from its memory), Redis is made to write its RDB and rewrite its AOF, and every file of Redis,
   * of Cassandra (commit log and SSTables) and of the node's spool (Redis was stopped for a moment so
   * that hits went there) is searched for them, raw and in Base64. Redis is also searched key by key.
   */
  @Test
  void noSaltIsEverWrittenToADisk() throws Exception {
    String prefix = PREFIX;
    List<byte[]> salts;
    try (RedisClient redisClient = IntegrationFixture.redisClient();
        VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
      RedisCommands<String, String> redis = redisClient.connect().sync();
      ApiClient api = new ApiClient(node.httpPort());
      SiteKeys site = api.createSite("salty.example", List.of("salty.example"), "UTC");
      for (String client : CLIENTS) {
        assertThat(api.beaconGet("s=salty.example&u=https%3A%2F%2Fsalty.example%2F", client, "Privacy").statusCode()).isEqualTo(204);
      }
      // A moment without Redis: hits go to the spool file, which is searched too.
      IntegrationFixture.services("stop", "redis");
      try {
        for (String client : CLIENTS) {
          assertThat(api.beaconGet("s=salty.example&u=https%3A%2F%2Fsalty.example%2Fspooled", client, "Privacy").statusCode()).isEqualTo(204);
        }
        assertThat(Files.walk(Path.of("target/spool/" + prefix)).filter(Files::isRegularFile).mapToLong(PrivacyIT::size).sum()).isPositive();
      } finally {
        IntegrationFixture.services("start", "redis");
      }
      redis = redisClient.connect().sync();
      RedisCommands<String, String> commands = redis;
      eventually(Duration.ofSeconds(60), () -> assertThat(api.aggregate(site.id(), site.reportKey(), "pageviews")).isEqualTo(2 * CLIENTS.size()));
      salts = saltsOf(node);
      assertThat(salts).as("today's and yesterday's").hasSizeGreaterThanOrEqualTo(2);
      // LASTSAVE counts whole seconds, and Redis sets it when it starts: a save done within the
      // second Redis came back in would not move it. Past that second, a new save always does.
      long lastSave = commands.lastsave().getTime();
      eventually(Duration.ofSeconds(5), () -> assertThat(System.currentTimeMillis() / 1000).isGreaterThan(lastSave / 1000));
      commands.bgsave();
      eventually(Duration.ofSeconds(30), () -> assertThat(commands.lastsave().getTime()).isGreaterThan(lastSave));
      commands.bgrewriteaof();
      eventually(Duration.ofSeconds(30), () -> assertThat(commands.info("persistence")).contains("aof_rewrite_in_progress:0"));
      String keys = redisContents(commands);
      for (byte[] salt : salts) {
        assertThat(keys).doesNotContain(Base64.getEncoder().encodeToString(salt));
      }
    }
    String local = System.getenv("VULCAN_LOCAL_DIR");
    List<Path> places = List.of(Path.of(local, "redis-" + System.getenv("VULCAN_REDIS_PORT")),
        Path.of(local, "cassandra-" + System.getenv("VULCAN_CQL_PORT")), Path.of("target/spool/" + prefix));
    long searched = 0;
    for (Path place : places) {
      List<Path> files;
      try (var walk = Files.walk(place)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertThat(files).as(place.toString()).isNotEmpty();
      for (Path file : files) {
        byte[] content = Files.readAllBytes(file);
        searched += content.length;
        for (byte[] salt : salts) {
          assertThat(indexOf(content, salt)).as(file + " holds a salt").isEqualTo(-1);
          assertThat(indexOf(content, Base64.getEncoder().encode(salt))).as(file + " holds a salt in Base64").isEqualTo(-1);
        }
      }
    }
    assertThat(searched).isGreaterThan(1_000_000);
  }

  /** The node's salts, from the cluster's memory where they live. */
  private static List<byte[]> saltsOf(VulcanNode node) throws Exception {
    var replicator = DistributedData.get(node.system()).replicator();
    Key<LWWMap<String, String>> key = LWWMapKey.create("vulcan-daily-salts");
    Replicator.GetResponse<LWWMap<String, String>> response = AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, String>>>ask(
        replicator, replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo), Duration.ofSeconds(5), node.system().scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(response).isInstanceOf(Replicator.GetSuccess.class);
    List<byte[]> salts = new ArrayList<>();
    ((Replicator.GetSuccess<LWWMap<String, String>>) response).get(key).getEntries().values()
        .forEach(value -> salts.add(Base64.getDecoder().decode(value.substring(value.indexOf(':') + 1))));
    return salts;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Every log event of every logger, down to DEBUG for our own code, for the test's duration. */
  private static ListAppender<ILoggingEvent> captureLog() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ((Logger) LoggerFactory.getLogger("biz.vulcantracker")).setLevel(Level.DEBUG);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    return appender;
  }

  private static String redisContents(RedisCommands<String, String> redis) {
    return redisContents(redis, "*");
  }

  /** Every key matching {@code pattern} with its contents. */
  private static String redisContents(RedisCommands<String, String> redis, String pattern) {
    StringBuilder all = new StringBuilder();
    for (String key : redis.keys(pattern)) {
      all.append(key).append('\n');
      switch (redis.type(key)) {
        case "string" -> all.append(redis.get(key));
        case "stream" -> redis.xrange(key, Range.unbounded()).forEach(entry -> all.append(entry.getBody()).append('\n'));
        case "hash" -> all.append(redis.hgetall(key));
        case "list" -> all.append(redis.lrange(key, 0, -1));
        case "set" -> all.append(redis.smembers(key));
        case "zset" -> all.append(redis.zrange(key, 0, -1));
        default -> all.append("?");
      }
      all.append('\n');
    }
    return all.toString();
  }

  /** Every column of every row of every table in the node's keyspaces, as raw bytes read as text. */
  private static String cassandraContents(String prefix) {
    StringBuilder all = new StringBuilder();
    try (CqlSession session = IntegrationFixture.cqlSession()) {
      List<String[]> tables = new ArrayList<>();
      for (Row row : session.execute("SELECT keyspace_name, table_name FROM system_schema.tables")) {
        if (row.getString("keyspace_name").startsWith(prefix)) {
          tables.add(new String[] {row.getString("keyspace_name"), row.getString("table_name")});
        }
      }
      assertThat(tables).extracting(t -> t[1]).contains("messages", "snapshots", "sites", "daily_totals");
      for (String[] table : tables) {
        for (Row row : session.execute("SELECT * FROM " + table[0] + "." + table[1])) {
          for (ColumnDefinition column : row.getColumnDefinitions()) {
            ByteBuffer bytes = row.getBytesUnsafe(column.getName());
            if (bytes != null) {
              byte[] raw = new byte[bytes.remaining()];
              bytes.duplicate().get(raw);
              all.append(new String(raw, StandardCharsets.ISO_8859_1)).append('\n');
            }
          }
        }
      }
    }
    return all.toString();
  }
}
