package biz.vulcantracker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin API's care of a site: its secrets shown once (in the answer that made them), stored as
 * hashes only, and rotated, after which the old one is refused and the other one still works; and
 * deleting a site deletes its data — rollups, hits, journal, snapshots — and its entity's memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SiteAdminIT {

  private String prefix;
  private VulcanNode node;
  private CqlSession cql;

  @BeforeAll
  void start() {
    prefix = IntegrationFixture.freshPrefix("siteadmin");
    // A snapshot after every batch, so that there are snapshots for a purge to delete (production: every 100).
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, java.util.Map.of("vulcan.katric.snapshot-every", 1)));
    cql = IntegrationFixture.cqlSession();
  }

  @AfterAll
  void stop() {
    cql.close();
    node.close();
  }

  @Test
  void deletingASitePurgesEverythingItHad() throws Exception {
    {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("purged.example", List.of("purged.example"), "UTC");
      ApiClient.SiteKeys neighbour = api.createSite("kept.example", List.of("kept.example"), "UTC");
      for (String id : List.of("purged.example", "kept.example")) {
        assertThat(api.beaconPost("{\"s\":\"" + id + "\",\"u\":\"https://" + id + "/\",\"n\":\"Signup\",\"p\":{\"plan\":\"pro\"}}",
            "192.0.2.50", "Purge").statusCode()).isEqualTo(204);
        assertThat(api.beaconGet("s=" + id + "&u=https%3A%2F%2F" + id + "%2F", "192.0.2.51", "Purge").statusCode()).isEqualTo(204);
      }
      // And a day of last week, from a log.
      String old = ZonedDateTime.now(ZoneOffset.UTC).minusDays(5).format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
      String line = "192.0.2.52 - - [" + old + "] \"GET /old HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\"\n";
      assertThat(api.postLog("purged.example", site.ingestToken(), "combined", line, null).statusCode()).isEqualTo(200);
      IntegrationFixture.eventually(java.time.Duration.ofSeconds(60), () -> {
        assertThat(api.aggregate("purged.example", site.reportKey(), "pageviews")).isEqualTo(1);
        assertThat(api.aggregate("kept.example", neighbour.reportKey(), "pageviews")).isEqualTo(1);
        for (String id : List.of("purged.example", "kept.example")) { // a filtered report keeps visit segments
          String key = id.equals("kept.example") ? neighbour.reportKey() : site.reportKey();
          assertThat(api.get("/api/v1/sites/" + id + "/stats/aggregate?period=7d&filters=page%3D%3D%2F*", key).statusCode()).isEqualTo(200);
        }
        assertThat(rows(cql, prefix, "purged.example")).allSatisfy((table, count) -> assertThat(count).as(table).isPositive());
      });

      assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/purged.example"))
          .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN).DELETE()).statusCode()).isEqualTo(204);
      assertThat(rows(cql, prefix, "purged.example")).allSatisfy((table, count) -> assertThat(count).as(table).isZero());
      assertThat(rows(cql, prefix, "kept.example")).allSatisfy((table, count) -> assertThat(count).as("the neighbour's " + table).isPositive());

      // A site made again under the id starts from nothing: no rows, no entity memory.
      ApiClient.SiteKeys again = api.createSite("purged.example", List.of("purged.example"), "UTC");
      assertThat(api.beaconGet("s=purged.example&u=https%3A%2F%2Fpurged.example%2Fagain", "192.0.2.53", "Purge").statusCode()).isEqualTo(204);
      IntegrationFixture.eventually(java.time.Duration.ofSeconds(60), () ->
          assertThat(api.aggregate("purged.example", again.reportKey(), "pageviews")).isEqualTo(1));
      assertThat(api.aggregate("purged.example", again.reportKey(), "visitors")).isEqualTo(1);
    }
  }

  @Test
  void aSitesRetentionDeletesTheDaysBeforeItAndRefusesLinesOfThem() {
    IntegrationFixture.avoidMidnight();
    {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("retained.example", List.of("retained.example"), "UTC");
      java.time.LocalDate today = java.time.LocalDate.now(ZoneOffset.UTC);
      StringBuilder lines = new StringBuilder();
      for (int daysAgo : new int[] {1, 5, 10}) {
        lines.append(lineOf(today.minusDays(daysAgo), "192.0.2." + (60 + daysAgo), "/day-" + daysAgo));
      }
      assertThat(api.postLog("retained.example", site.ingestToken(), "combined", lines.toString(), null).statusCode()).isEqualTo(200);
      IntegrationFixture.eventually(java.time.Duration.ofSeconds(60), () ->
          assertThat(api.aggregate("retained.example", site.reportKey(), "pageviews", today.minusDays(12), today)).isEqualTo(3));
      assertThat(count(cql, "SELECT count(*) FROM " + prefix + ".daily_totals WHERE site_id = ?", "retained.example")).isEqualTo(3);

      // Three days kept (today and the two before): the days 5 and 10 back go at once.
      HttpResponse<String> set = api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/retained.example"))
          .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
          .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"retentionDays\": 3}")));
      assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
      assertThat(ApiClient.json(set.body()).path("retentionDays").asInt()).isEqualTo(3);
      assertThat(api.aggregate("retained.example", site.reportKey(), "pageviews", today.minusDays(12), today)).isEqualTo(1);
      for (int daysAgo : new int[] {5, 10}) {
        java.time.LocalDate day = today.minusDays(daysAgo);
        assertThat(count(cql, "SELECT count(*) FROM " + prefix + ".daily_totals WHERE site_id = ? AND day = ?", "retained.example", day)).isZero();
        assertThat(count(cql, "SELECT count(*) FROM " + prefix + ".hit_chunks WHERE site_id = ? AND day = ?", "retained.example", day)).isZero();
        assertThat(count(cql, "SELECT count(*) FROM " + prefix + ".hit_days WHERE site_id = ? AND day = ?", "retained.example", day)).isZero();
        assertThat(count(cql, "SELECT count(*) FROM " + prefix + ".daily_breakdowns WHERE site_id = ? AND property = 'page' AND day = ?",
            "retained.example", day)).isZero();
      }
      assertThat(count(cql, "SELECT count(*) FROM " + prefix + ".hit_chunks WHERE site_id = ? AND day = ?", "retained.example",
          today.minusDays(1))).isPositive();

      // A line of a day before the retention is refused with its reason; one within it is counted.
      JsonNode answer = ApiClient.json(api.postLog("retained.example", site.ingestToken(), "combined",
          lineOf(today.minusDays(5), "192.0.2.70", "/late") + lineOf(today.minusDays(2), "192.0.2.71", "/within"), null).body());
      assertThat(answer.path("queued").asInt()).isEqualTo(1);
      assertThat(answer.toString()).contains("beyond_retention");
      IntegrationFixture.eventually(java.time.Duration.ofSeconds(60), () ->
          assertThat(api.aggregate("retained.example", site.reportKey(), "pageviews", today.minusDays(12), today)).isEqualTo(2));
    }
  }

  private static String lineOf(java.time.LocalDate day, String client, String path) {
    String time = day.atTime(12, 0).atZone(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
    return client + " - - [" + time + "] \"GET " + path + " HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\"\n";
  }

  /** The site's rows per table (the last week and today for the day-partitioned ones; the entity's journal). */
  private static java.util.Map<String, Long> rows(CqlSession cql, String prefix, String siteId) {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    counts.put("daily_totals", count(cql, "SELECT count(*) FROM " + prefix + ".daily_totals WHERE site_id = ?", siteId));
    counts.put("hourly_totals", count(cql, "SELECT count(*) FROM " + prefix + ".hourly_totals WHERE site_id = ?", siteId));
    counts.put("daily_breakdowns page", count(cql, "SELECT count(*) FROM " + prefix + ".daily_breakdowns WHERE site_id = ? AND property = 'page'", siteId));
    counts.put("daily_breakdowns event:props:plan",
        count(cql, "SELECT count(*) FROM " + prefix + ".daily_breakdowns WHERE site_id = ? AND property = 'event:props:plan'", siteId));
    long hits = 0;
    for (int d = 0; d <= 6; d++) {
      hits += count(cql, "SELECT count(*) FROM " + prefix + ".hit_chunks WHERE site_id = ? AND day = ?", siteId,
          java.time.LocalDate.now(ZoneOffset.UTC).minusDays(d));
    }
    counts.put("hit_chunks", hits);
    long segments = 0;
    for (int d = 0; d <= 6; d++) {
      segments += count(cql, "SELECT count(*) FROM " + prefix + ".visit_segments WHERE site_id = ? AND day = ?", siteId,
          java.time.LocalDate.now(ZoneOffset.UTC).minusDays(d));
    }
    counts.put("visit_segments", segments);
    counts.put("hit_days", count(cql, "SELECT count(*) FROM " + prefix + ".hit_days WHERE site_id = ?", siteId));
    counts.put("journal", count(cql, "SELECT count(*) FROM " + prefix + "_journal.messages WHERE persistence_id = ? AND partition_nr = 0",
        "Site|" + siteId));
    counts.put("snapshots", count(cql, "SELECT count(*) FROM " + prefix + "_snapshot.snapshots WHERE persistence_id = ?", "Site|" + siteId));
    return counts;
  }

  private static long count(CqlSession cql, String query, Object... values) {
    return cql.execute(cql.prepare(query).bind(values)).one().getLong(0);
  }

  @Test
  void secretsAreShownOnceStoredHashedAndRotatedOneAtATime() {
    {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("secret.example", List.of("secret.example"), "UTC");
      String stats = "/api/v1/sites/secret.example/stats/aggregate?metrics=pageviews";

      // Shown once: reading or listing the site shows no secret.
      for (String path : List.of("/api/v1/sites/secret.example", "/api/v1/sites")) {
        String answer = api.get(path, IntegrationFixture.ADMIN_TOKEN).body();
        assertThat(answer).contains("secret.example").doesNotContain(site.reportKey()).doesNotContain(site.ingestToken())
            .doesNotContain("reportKey").doesNotContain("ingestToken");
      }
      // Stored as hashes.
      {
        Row row = this.cql.execute("SELECT ingest_token, report_key FROM " + prefix + ".sites WHERE id = 'secret.example'").one();
        assertThat(row.getString("ingest_token")).startsWith("sha256:").doesNotContain(site.ingestToken());
        assertThat(row.getString("report_key")).startsWith("sha256:").doesNotContain(site.reportKey());
      }
      assertThat(api.get(stats, site.reportKey()).statusCode()).isEqualTo(200);

      // The report key rotated: the old one refused, the new one and the ingest token work.
      JsonNode rotated = ApiClient.json(rotate(api, "{\"rotate\": \"report_key\"}"));
      String newKey = rotated.path("reportKey").asText();
      assertThat(newKey).isNotEmpty().isNotEqualTo(site.reportKey());
      assertThat(rotated.has("ingestToken")).isFalse();
      assertThat(api.get(stats, site.reportKey()).statusCode()).isEqualTo(403);
      assertThat(api.get(stats, newKey).statusCode()).isEqualTo(200);
      assertThat(api.postLog("secret.example", site.ingestToken(), "combined", line(), null).statusCode()).isEqualTo(200);

      // Both rotated: the old ingest token refused too.
      JsonNode both = ApiClient.json(rotate(api, ""));
      assertThat(api.postLog("secret.example", site.ingestToken(), "combined", line(), null).statusCode()).isEqualTo(401);
      assertThat(api.postLog("secret.example", both.path("ingestToken").asText(), "combined", line(), null).statusCode()).isEqualTo(200);
      assertThat(api.get(stats, newKey).statusCode()).isEqualTo(403);
      assertThat(api.get(stats, both.path("reportKey").asText()).statusCode()).isEqualTo(200);

      // Only the admin rotates.
      assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/secret.example/keys"))
          .header("Authorization", "Bearer " + both.path("reportKey").asText())
          .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);
    }
  }

  private static HttpResponse<String> rotate(ApiClient api, String body) {
    HttpResponse<String> answer = api.send(HttpRequest.newBuilder(api.uri("/api/v1/sites/secret.example/keys"))
        .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer;
  }

  private static String line() {
    String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(5).format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
    return "192.0.2.40 - - [" + now + "] \"GET /secret HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\"\n";
  }
}
