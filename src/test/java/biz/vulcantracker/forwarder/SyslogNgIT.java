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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stock syslog-ng (Debian's syslog-ng-core and syslog-ng-mod-http, installed by deploy/test.sh)
 * with the shipped configuration deploy/syslog-ng/vulcan-access-log.conf follows an nginx access
 * log and posts it to the endpoint: the lines already there and the lines appended arrive counted.
 */
class SyslogNgIT {

  private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path directory;

  @Test
  void syslogNgShipsAnNginxLogThatIsCounted() throws Exception {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("syslogng")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("syslog.example", List.of("syslog.example"), "UTC");
      Path log = directory.resolve("access.log");
      append(log, 0, 700); // 400 pageviews, 300 asset lines
      ProcessBuilder builder = new ProcessBuilder("syslog-ng", "--foreground", "--no-caps",
          "--cfgfile", Path.of("deploy/syslog-ng/vulcan-access-log.conf").toAbsolutePath().toString(),
          "--persist-file", directory.resolve("syslog-ng.persist").toString(),
          "--pidfile", directory.resolve("syslog-ng.pid").toString(),
          "--control", directory.resolve("syslog-ng.ctl").toString())
          .redirectErrorStream(true)
          .redirectOutput(directory.resolve("syslog-ng.out").toFile());
      builder.environment().putAll(Map.of(
          "VULCAN_ACCESS_LOG", log.toString(),
          "VULCAN_LOG_ENDPOINT", api.base() + "/api/v1/beacon/log?s=syslog.example&format=combined",
          "VULCAN_INGEST_TOKEN", site.ingestToken()));
      Process syslogNg = builder.start();
      try {
        eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("syslog.example", site.reportKey(), "pageviews"))
            .isEqualTo(400));
        append(log, 700, 350); // 200 more pageviews
        eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("syslog.example", site.reportKey(), "pageviews"))
            .isEqualTo(600));
        assertThat(api.aggregate("syslog.example", site.reportKey(), "visitors")).isEqualTo(600);
      } finally {
        syslogNg.destroy();
        syslogNg.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Lines of distinct visitors; of every 7, 4 are pages and 3 are stylesheets. */
  private static void append(Path log, int first, int count) throws IOException {
    String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(10).format(TIME_LOCAL);
    List<String> lines = new ArrayList<>();
    for (int n = first; n < first + count; n++) {
      String target = n % 7 < 4 ? "/article/" + n : "/static/site-" + n + ".css";
      lines.add("10.8." + (n >> 8 & 255) + "." + (n & 255) + " - - [" + now + "] \"GET " + target + " HTTP/1.1\" 200 100 \"-\" \""
          + FIREFOX + "\"");
    }
    Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
