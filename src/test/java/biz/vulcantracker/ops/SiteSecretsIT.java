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
import org.junit.jupiter.api.Test;

/**
 * A site's secrets: shown once (in the answer that made them), stored as hashes only, and rotated
 * through the admin API, after which the old one is refused and the other one still works.
 */
class SiteSecretsIT {

  @Test
  void secretsAreShownOnceStoredHashedAndRotatedOneAtATime() {
    String prefix = IntegrationFixture.freshPrefix("secrets");
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix))) {
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
      try (CqlSession cql = IntegrationFixture.cqlSession()) {
        Row row = cql.execute("SELECT ingest_token, report_key FROM " + prefix + ".sites WHERE id = 'secret.example'").one();
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
