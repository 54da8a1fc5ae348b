package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The count ledger against a known mix sent to one site today: every line of it is the number of
 * inputs of that kind the test sent, and received is everything the site was sent.
 *
 * <pre>
 * beacons   5 pageviews (5 visitors)                      counted 5
 *           a Signup event with client event id, twice      counted 1, duplicates.client_event_id 1
 *           a pageview from Googlebot                       bots 1
 *           3 pageviews of a host not the site's            refused.origin_not_allowed 3
 *           a pageview of an unknown site                   in no site's ledger
 *           a pageview of an ftp: URL                       refused.bad_url 1
 *           260 pageviews from one address at once          counted as answered 204, refused.rate_limited as 429
 * log       13 lines (4 pageviews, a 404, 2 static, a POST, a 500, a bot, 2 unparsable, one in the future)
 *           as batch ledger-1, as ledger-1 again, then as ledger-2
 *           first: counted 5, skipped static 2, method 1, status 1, bot 1, unparsable 2, in_future 1
 *           again under the same batch id: duplicates.log_batch 13
 *           under a new batch id: duplicates.log_line 5, and its skipped lines skipped again
 * </pre>
 */
class LedgerIT {

  private static final String SITE = "ledger.example";
  private static final String CHROME =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  @Test
  void everyInputIsAccountedForOnItsLine() {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("ledger")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite(SITE, List.of(SITE), "UTC");
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      Map<String, Long> expected = new TreeMap<>();

      for (int k = 0; k < 5; k++) {
        assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + "%2Fp" + k, "192.0.2." + (10 + k), "Ledger" + k)
            .statusCode()).isEqualTo(204);
      }
      expected.merge("counted", 5L, Long::sum);
      for (int twice = 0; twice < 2; twice++) {
        assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + "%2Fsignup&n=Signup&i=evt-1", "192.0.2.20", "Signer")
            .statusCode()).isEqualTo(204);
      }
      expected.merge("counted", 1L, Long::sum);
      expected.put("duplicates.client_event_id", 1L);
      assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + "%2F", "192.0.2.30", GOOGLEBOT).statusCode()).isEqualTo(204);
      expected.put("bots", 1L);
      for (int k = 0; k < 3; k++) {
        assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2Fevil.example%2F", "192.0.2.40", "Evil").statusCode()).isEqualTo(403);
      }
      expected.put("refused.origin_not_allowed", 3L);
      assertThat(api.beaconGet("s=nosuch.example&u=https%3A%2F%2Fnosuch.example%2F", "192.0.2.41", "Lost").statusCode()).isEqualTo(403);
      assertThat(api.beaconGet("s=" + SITE + "&u=ftp%3A%2F%2F" + SITE + "%2Ffile", "192.0.2.42", "Malformed").statusCode()).isEqualTo(400);
      expected.put("refused.bad_url", 1L);
      // One client over its rate limit (burst 200, 20 a second, the production setting): whatever
      // the answers were, each 204 is counted and each 429 refused.
      int sentByOne = 0;
      Map<Integer, Long> answers = new TreeMap<>();
      for (; sentByOne < 260; sentByOne++) {
        answers.merge(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + "%2Fflood", "192.0.2.50", "Flood").statusCode(), 1L, Long::sum);
      }
      assertThat(answers.keySet()).containsExactly(204, 429);
      expected.merge("counted", answers.get(204), Long::sum);
      expected.put("refused.rate_limited", answers.get(429));

      ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(2);
      if (at.toLocalDate().isBefore(today)) {
        at = today.atStartOfDay(ZoneOffset.UTC).plusSeconds(1);
      }
      List<String> lines = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        lines.add(line("198.51.100." + k, at, "GET", "/page" + k, 200, CHROME));
      }
      lines.add(line("198.51.100.9", at, "GET", "/missing", 404, CHROME));
      lines.add(line("198.51.100.1", at, "GET", "/style.css", 200, CHROME));
      lines.add(line("198.51.100.2", at, "GET", "/app.js", 200, CHROME));
      lines.add(line("198.51.100.3", at, "POST", "/form", 200, CHROME));
      lines.add(line("198.51.100.4", at, "GET", "/broken", 500, CHROME));
      lines.add(line("198.51.100.5", at, "GET", "/page0", 200, GOOGLEBOT));
      lines.add("this is not a log line");
      lines.add("neither is this one");
      lines.add(line("198.51.100.6", at.plusDays(30), "GET", "/later", 200, CHROME));
      String body = String.join("\n", lines) + "\n";
      Map<String, Long> skippedOnce = Map.of("skipped.static", 2L, "skipped.method", 1L, "skipped.status", 1L, "skipped.bot", 1L,
          "skipped.unparsable", 2L, "skipped.in_future", 1L);

      var first = api.postLog(SITE, site.ingestToken(), "combined", body, "ledger-1");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      expected.merge("counted", 5L, Long::sum); // four pageviews and the page not found
      skippedOnce.forEach((key, count) -> expected.merge(key, count, Long::sum));
      var again = api.postLog(SITE, site.ingestToken(), "combined", body, "ledger-1");
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      expected.put("duplicates.log_batch", (long) lines.size());
      var resent = api.postLog(SITE, site.ingestToken(), "combined", body, "ledger-2");
      assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
      expected.put("duplicates.log_line", 5L);
      skippedOnce.forEach((key, count) -> expected.merge(key, count, Long::sum));

      long sent = 5 + 2 + 1 + 3 + 1 + sentByOne + 3L * lines.size(); // every input to the site, the unknown site's beacon not
      expected.put("received", sent);
      String path = "/api/v1/sites/" + SITE + "/ledger?period=day&date=" + today;
      eventually(Duration.ofSeconds(60), () -> assertThat(linesOf(api.get(path, site.reportKey()))).isEqualTo(expected));
      JsonNode day = ApiClient.json(api.get(path, site.reportKey())).get("results").get(0);
      assertThat(day.get("date").asText()).isEqualTo(today.toString());

      var csv = api.get(path + "&format=csv", site.reportKey());
      assertThat(csv.statusCode()).isEqualTo(200);
      List<String> rows = csv.body().lines().toList();
      assertThat(rows).hasSize(2);
      Map<String, String> columns = new TreeMap<>();
      String[] names = rows.get(0).split(",");
      String[] values = rows.get(1).split(",");
      for (int i = 0; i < names.length; i++) {
        columns.put(names[i], values[i]);
      }
      assertThat(columns).containsEntry("received", Long.toString(sent)).containsEntry("counted", Long.toString(expected.get("counted")))
          .containsEntry("duplicates:log_batch", "13").containsEntry("refused:origin_not_allowed", "3").containsEntry("bots", "1");
      assertThat(api.get("/api/v1/sites/" + SITE + "/ledger?period=day&date=" + today, "not-the-key").statusCode()).isEqualTo(403);
    }
  }

  /** The day's ledger as flat lines ("counted", "skipped.static", …), zeros left out. */
  private static Map<String, Long> linesOf(java.net.http.HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode day = ApiClient.json(response).get("results").get(0);
    Map<String, Long> lines = new TreeMap<>();
    for (String total : List.of("received", "counted", "bots")) {
      if (day.get(total).asLong() != 0) {
        lines.put(total, day.get(total).asLong());
      }
    }
    for (String group : List.of("refused", "skipped", "duplicates")) {
      day.get(group).fields().forEachRemaining(field -> lines.put(group + "." + field.getKey(), field.getValue().asLong()));
    }
    return lines;
  }

  private static String line(String ip, ZonedDateTime at, String method, String path, int status, String agent) {
    return ip + " - - [" + at.format(LOG_TIME) + "] \"" + method + " " + path + " HTTP/1.1\" " + status + " 512 \"-\" \"" + agent + "\"";
  }
}
