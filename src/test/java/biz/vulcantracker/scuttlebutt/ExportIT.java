package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.model.Property;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code /export}: a zip of CSVs, the time series and every breakdown, with the stats API's numbers;
 * formula-looking cells are defused; another site's key gets 403.
 */
class ExportIT {

  @Test
  void exportsTheStatsAsAZipOfCsvFiles() throws Exception {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("export")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("export.example", List.of("export.example"), "UTC");
      ApiClient.SiteKeys other = api.createSite("other-export.example", List.of("other-export.example"), "UTC");
      api.beaconGet("s=export.example&u=https%3A%2F%2Fexport.example%2F%3Futm_source%3D%3DHYPERLINK(1)", "198.51.100.20", "Export");
      api.beaconGet("s=export.example&u=https%3A%2F%2Fexport.example%2Fa%2Cb", "198.51.100.20", "Export");
      api.beaconGet("s=export.example&u=https%3A%2F%2Fexport.example%2F", "198.51.100.21", "Export");
      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("export.example", site.reportKey(), "pageviews")).isEqualTo(3));

      HttpResponse<byte[]> response = api.sendBytes(HttpRequest.newBuilder(api.uri("/api/v1/sites/export.example/export?period=day"))
          .header("Authorization", "Bearer " + site.reportKey()));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/zip");
      assertThat(response.headers().firstValue("Content-Disposition").orElse("")).contains("export.example-day.zip");
      Map<String, String> files = unzip(response.body());
      assertThat(files.keySet()).contains("timeseries.csv", "page.csv", "entry_page.csv", "source.csv", "country.csv", "origin.csv", "channel.csv");
      assertThat(files).hasSize(1 + Property.KEYS.size());

      List<String> series = Arrays.asList(files.get("timeseries.csv").split("\r\n"));
      assertThat(series.get(0)).isEqualTo("date,visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events");
      assertThat(series).hasSize(25); // a header and the day's 24 hours
      assertThat(series.stream().skip(1).mapToLong(line -> Long.parseLong(line.split(",")[3])).sum()).isEqualTo(3);

      String pages = files.get("page.csv");
      assertThat(pages).startsWith("page,visitors,pageviews,events\r\n").contains("/,2,2,0\r\n", "\"/a,b\",1,1,0");
      assertThat(files.get("source.csv")).contains("'=HYPERLINK(1),1,1,");
      assertThat(files.get("origin.csv")).contains("beacon,2,2,3,");

      // Filters apply to every file: the visitor whose visit began on "/" and went on to "/a,b".
      Map<String, String> filtered = unzip(api.sendBytes(HttpRequest.newBuilder(
              api.uri("/api/v1/sites/export.example/export?period=day&filters=page%3D%3D%2Fa*"))
          .header("Authorization", "Bearer " + site.reportKey())).body());
      assertThat(filtered.get("page.csv")).isEqualTo("page,visitors,pageviews,events\r\n\"/a,b\",1,1,0\r\n");
      assertThat(filtered.get("timeseries.csv").split("\r\n")).hasSize(25);
      assertThat(filtered.get("origin.csv")).contains("beacon,1,1,1,");

      // Compared with the day before (no traffic): each metric beside its earlier value and the change.
      Map<String, String> compared = unzip(api.sendBytes(HttpRequest.newBuilder(
              api.uri("/api/v1/sites/export.example/export?period=day&compare=previous_period"))
          .header("Authorization", "Bearer " + site.reportKey())).body());
      assertThat(compared.get("page.csv")).startsWith("page,visitors,visitors_comparison,visitors_change,pageviews,"
          + "pageviews_comparison,pageviews_change,events,events_comparison,events_change\r\n").contains("/,2,0,100.0,2,0,100.0,0,0,0.0\r\n");
      List<String> comparedSeries = Arrays.asList(compared.get("timeseries.csv").split("\r\n"));
      assertThat(comparedSeries.get(0)).startsWith("date,comparison_date,visitors,visitors_comparison,visitors_change,visits,");
      assertThat(comparedSeries).hasSize(25);
      LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
      assertThat(comparedSeries.get(1)).startsWith(today + " 00:00:00," + today.minusDays(1) + " 00:00:00,");

      assertThat(api.get("/api/v1/sites/export.example/export?period=day", other.reportKey()).statusCode()).isEqualTo(403);
      assertThat(api.get("/api/v1/sites/export.example/export?period=nonsense", site.reportKey()).statusCode()).isEqualTo(400);
      assertThat(api.get("/api/v1/sites/export.example/export?period=day&filters=nonsense", site.reportKey()).statusCode()).isEqualTo(400);
    }
  }

  private static Map<String, String> unzip(byte[] zip) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
