package biz.vulcantracker.forwarder;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder as operators run it, {@code java -jar target/vulcan-tracker.jar forward}, in its own
 * process: killed with SIGKILL mid-file and restarted, the counts are exact; following a file that
 * is rotated by rename and then by copytruncate, no line is lost; SIGTERM ends it cleanly.
 */
class ForwarderProcessIT {

  private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  private static VulcanNode node;
  private static ApiClient api;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path directory;

  @BeforeAll
  static void start() {
    node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("forwarder")));
    api = new ApiClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aForwarderKilledMidFileResumesWithoutLossOrDuplicates() throws Exception {
    ApiClient.SiteKeys site = api.createSite(AccessLog.SITE, List.of(AccessLog.SITE), "UTC");
    LocalDate firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(5);
    AccessLog log = AccessLog.generate(7, firstDay, 2, 5_000);
    Path file = directory.resolve("crash.log");
    log.write(file);
    Path state = directory.resolve("crash.state");
    Path token = directory.resolve("crash.token");
    Files.writeString(token, site.ingestToken() + "\n");
    List<String> args = List.of("--site", AccessLog.SITE, "--token-file", token.toString(), "--file", file.toString(),
        "--state", state.toString(), "--batch-bytes", "32768");

    Process first = forwarder(args, "crash-1");
    long size = Files.size(file);
    eventually(Duration.ofSeconds(60), () -> assertThat(offset(state)).isGreaterThan(size / 4));
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
    assertThat(offset(state)).isLessThan(size);

    Process second = forwarder(args, "crash-2");
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();
    assertThat(offset(state)).isEqualTo(size);

    String stats = "/api/v1/sites/" + AccessLog.SITE + "/stats/timeseries?period=custom&interval=day"
        + "&metrics=visitors,visits,pageviews,bounce_rate,visit_duration&from=" + firstDay + "&to=" + firstDay.plusDays(1);
    eventually(Duration.ofSeconds(60), () ->
        assertThat(AccessLog.daysOf(api.get(stats, site.reportKey()).body())).isEqualTo(log.expectedDays()));
  }

  @Test
  void followingThroughRenameAndCopytruncateLosesNoLine() throws Exception {
    IntegrationFixture.avoidMidnight();
    ApiClient.SiteKeys site = api.createSite("follow.example", List.of("follow.example"), "UTC");
    Path file = directory.resolve("follow.log");
    Files.writeString(file, "");
    Process follower = forwarder(List.of("--site", "follow.example", "--file", file.toString(),
        "--state", directory.resolve("follow.state").toString(), "--follow", "--flush-interval-ms", "300"), "follow",
        site.ingestToken());
    int written = 0;
    written += append(file, written, 300);
    int first = written;
    eventually(Duration.ofSeconds(30), () -> assertThat(pageviews(site)).isEqualTo(first)); // the forwarder is up
    // logrotate's default: rename, then the server reopens a new file; a few lines still reach the old one.
    Files.move(file, directory.resolve("follow.log.1"), StandardCopyOption.ATOMIC_MOVE);
    written += append(directory.resolve("follow.log.1"), written, 20);
    Files.writeString(file, "");
    written += append(file, written, 300);
    // copytruncate, once the forwarder has read the file (lines written between copy and truncate
    // are lost to any reader: that is copytruncate's own limit, documented in the README).
    int beforeTruncate = written;
    eventually(Duration.ofSeconds(30), () -> assertThat(pageviews(site)).isEqualTo(beforeTruncate));
    Files.copy(file, directory.resolve("follow.log.2"));
    Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
    written += append(file, written, 300);
    int total = written;
    eventually(Duration.ofSeconds(30), () -> assertThat(pageviews(site)).isEqualTo(total));

    follower.destroy(); // SIGTERM
    assertThat(follower.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(directory.resolve("follow.out"))).contains("was rotated", "was truncated", "forward: stopped");
  }

  /** Appends {@code count} pageview lines of distinct visitors, in small writes; the number written. */
  private static int append(Path file, int first, int count) throws IOException, InterruptedException {
    String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(30).format(TIME_LOCAL);
    for (int written = 0; written < count; written += 50) {
      List<String> lines = new ArrayList<>();
      for (int i = written; i < Math.min(count, written + 50); i++) {
        int n = first + i;
        lines.add("10.9." + (n >> 8 & 255) + "." + (n & 255) + " - - [" + now + "] \"GET /page/" + n + " HTTP/1.1\" 200 100 \"-\" \""
            + FIREFOX + "\"");
      }
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      Thread.sleep(20);
    }
    return count;
  }

  private static long pageviews(ApiClient.SiteKeys site) {
    return api.aggregate(site.id(), site.reportKey(), "pageviews");
  }

  private static long offset(Path state) {
    try {
      return Files.exists(state) ? ApiClient.json(Files.readString(state)).path("offset").asLong() : 0;
    } catch (IOException e) {
      return 0; // read while being replaced
    }
  }

  private static Process forwarder(List<String> args, String name) throws IOException {
    return forwarder(args, name, null);
  }

  /** The forwarder as an operator runs it; {@code token} (if any) in its environment, as VULCAN_INGEST_TOKEN. */
  private static Process forwarder(List<String> args, String name, String token) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-jar", Path.of("target/vulcan-tracker.jar").toAbsolutePath().toString(),
        "forward", "--url", api.base() + "/api/v1/beacon/log"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(directory.resolve(name + ".out").toFile());
    if (token != null) {
      builder.environment().put("VULCAN_INGEST_TOKEN", token);
    }
    return builder.start();
  }
}
