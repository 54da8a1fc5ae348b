package biz.vulcantracker.forwarder;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated access log of over 100k lines across four days, imported through the forwarder: the
 * stats API's per-day visitors, visits, pageviews, bounce rate and visit duration equal docs/api.md's
 * rules computed independently in {@link AccessLog}; importing the same file again changes nothing.
 */
class LogImportIT {

  private static final String METRICS = "visitors,visits,pageviews,bounce_rate,visit_duration";

  @TempDir Path directory;

  @Test
  void importedDaysMatchAnIndependentCountAndASecondImportChangesNothing() throws Exception {
    String prefix = IntegrationFixture.freshPrefix("logimport");
    LocalDate firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(6);
    AccessLog log = AccessLog.generate(42, firstDay, 4, 10_500);
    assertThat(log.entries).hasSizeGreaterThanOrEqualTo(100_000);
    Path file = directory.resolve("access.log");
    log.write(file);
    Map<LocalDate, AccessLog.Day> expected = log.expectedDays();
    assertThat(expected).hasSize(4);

    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix));
        RedisClient redis = IntegrationFixture.redisClient()) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite(AccessLog.SITE, List.of(AccessLog.SITE), "UTC");
      String stats = "/api/v1/sites/" + AccessLog.SITE + "/stats/timeseries?period=custom&interval=day&metrics=" + METRICS
          + "&from=" + firstDay + "&to=" + firstDay.plusDays(3);

      forward(api, site, file, directory.resolve("first.state"));
      eventually(Duration.ofSeconds(120), () -> assertThat(AccessLog.daysOf(api.get(stats, site.reportKey()).body())).isEqualTo(expected));

      RedisCommands<String, String> commands = redis.connect().sync();
      long queued = IntegrationFixture.entriesAdded(commands, prefix);
      forward(api, site, file, directory.resolve("second.state"));
      // The same batches again: no hit is queued, only each chunk's ledger entry of a repeated
      // batch, which the ledger shows as every line of the file sent twice.
      long ledgerEntries = IntegrationFixture.entriesAdded(commands, prefix) - queued;
      assertThat(ledgerEntries).isPositive().isLessThan(log.entries.size() / 1000);
      String ledger = "/api/v1/sites/" + AccessLog.SITE + "/ledger?period=custom&from=" + firstDay + "&to=" + LocalDate.now(ZoneOffset.UTC);
      eventually(Duration.ofSeconds(60), () -> {
        long repeated = 0;
        for (var day : ApiClient.json(api.get(ledger, site.reportKey())).get("results")) {
          repeated += day.path("duplicates").path("log_batch").asLong();
        }
        assertThat(repeated).isEqualTo(log.entries.size());
      });
      assertThat(AccessLog.daysOf(api.get(stats, site.reportKey()).body())).isEqualTo(expected);
    }
  }

  private static void forward(ApiClient api, ApiClient.SiteKeys site, Path file, Path state) throws Exception {
    new Forwarder(new ForwarderOptions(URI.create(api.base() + "/api/v1/beacon/log"), AccessLog.SITE, site.ingestToken(),
        file, "combined", false, state, 1024 * 1024, Duration.ofSeconds(1))).run();
    assertThat(Files.exists(state)).isTrue();
  }

}
