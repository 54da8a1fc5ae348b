package biz.vulcantracker.beacon;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.typesafe.config.ConfigFactory;
import io.lettuce.core.RedisClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/beacon/log} against docs/api.md: the skip order and its counts, per-line reasons,
 * auth, format errors, the size limit, and a retried batch counting once; the pageviews it queues
 * reach the reports as channel "log".
 */
class LogIngestIT {

  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  private static final int TEST_MAX_BODY = 100_000;

  private static String prefix;
  private static VulcanNode node;
  private static ApiClient api;
  private static ApiClient.SiteKeys site;

  @BeforeAll
  static void start() {
    IntegrationFixture.avoidMidnight();
    prefix = IntegrationFixture.freshPrefix("logingest");
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix,
        Map.of("vulcan.beacon.log.lines-per-chunk", 3, "vulcan.beacon.log.max-body-bytes", TEST_MAX_BODY)));
    api = new ApiClient(node.httpPort());
    site = api.createSite("logs.example", List.of("logs.example"), "UTC");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String line(String ip, String request, int status, String userAgent) {
    String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(5).format(TIME_LOCAL);
    return ip + " - - [" + now + "] \"" + request + "\" " + status + " 512 \"-\" \"" + userAgent + "\"";
  }

  @Test
  void countsSkipsAndRejectsEachLineInTheDocumentedOrder() {
    // A site of its own: the other tests add pageviews to logs.example.
    ApiClient.SiteKeys site = api.createSite("order.example", List.of("order.example"), "UTC");
    String body = String.join("\n",
        line("198.51.100.1", "GET /pricing HTTP/1.1", 200, FIREFOX),         // 1 pageview
        line("198.51.100.2", "GET /blog/ HTTP/1.1", 304, FIREFOX),           // 2 pageview (304)
        line("198.51.100.3", "HEAD /pricing HTTP/1.1", 200, FIREFOX),        // 3 method
        line("198.51.100.3", "POST /signup HTTP/1.1", 200, FIREFOX),         // 4 method
        line("198.51.100.4", "GET /missing?q=1 HTTP/1.1", 404, FIREFOX),     // 5 a page not found: a 404 event
        line("198.51.100.4", "GET /old HTTP/1.1", 301, FIREFOX),             // 6 status
        line("198.51.100.5", "GET /app.css?v=3 HTTP/1.1", 200, FIREFOX),     // 7 static
        line("198.51.100.5", "GET /img/Logo.PNG HTTP/1.1", 200, FIREFOX),    // 8 static
        line("198.51.100.6", "GET /pricing HTTP/1.1", 200, GOOGLEBOT),       // 9 bot
        line("198.51.100.6", "GET /pricing HTTP/1.1", 200, "-"),             // 10 bot (no User-Agent)
        line("198.51.100.6", "HEAD /robots.txt HTTP/1.1", 404, GOOGLEBOT),   // 11 status comes first
        line("198.51.100.7", "-", 400, "-"),                                // 12 nginx's "-" request: status
        "",                                                                 // 13 blank: not counted
        "this is not an access log line",                                   // 14 rejected
        line("198.51.100.8", "GET /x HTTP/1.1", 200, FIREFOX).replace(" 200 ", " 20 "), // 15 rejected
        line("198.51.100.9", "GET /ok HTTP/1.1", 200, FIREFOX) + "\r");     // 16 pageview, CRLF
    HttpResponse<String> response = api.postLog("order.example", site.ingestToken(), null, body, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(ApiClient.json(response).toString()).isEqualTo("{\"received\":15,\"queued\":4,\"notFound\":1,"
        + "\"skipped\":{\"status\":3,\"method\":2,\"static\":2,\"bot\":2},"
        + "\"rejected\":[{\"line\":14,\"code\":\"unparsable\",\"error\":\"$remote_addr: expected an IPv4 or IPv6 address, got 'this'\"},"
        + "{\"line\":15,\"code\":\"unparsable\",\"error\":\"$status: expected a 3-digit HTTP status, got '20'\"}],\"rejectedCount\":2}");

    eventually(Duration.ofSeconds(30), () -> assertThat(api.get(
        "/api/v1/sites/order.example/stats/breakdown?property=origin&metrics=pageviews", site.reportKey()).body())
        .contains("{\"origin\":\"log\",\"pageviews\":3}"));
    assertThat(api.get("/api/v1/sites/order.example/stats/breakdown?property=page&metrics=pageviews", site.reportKey()).body())
        .contains("\"page\":\"/pricing\"", "\"page\":\"/blog\"", "\"page\":\"/ok\"")
        .doesNotContain("/app.css", "/missing", "/signup");
    // The "not found" report: the 404 events by path.
    assertThat(api.get("/api/v1/sites/order.example/stats/breakdown?property=event:props:path&metrics=visitors,events"
        + "&filters=event%3D%3D404", site.reportKey()).body()).isEqualTo("{\"results\":[{\"path\":\"/missing\",\"visitors\":1,\"events\":1}]}");
  }

  @Test
  void aRetriedBatchIsQueuedOnceAndAnsweredTheSame() {
    String body = String.join("\n",
        line("203.0.113.1", "GET /a HTTP/1.1", 200, FIREFOX), line("203.0.113.2", "GET /b HTTP/1.1", 200, FIREFOX),
        line("203.0.113.3", "GET /c HTTP/1.1", 200, FIREFOX), line("203.0.113.4", "GET /d HTTP/1.1", 200, FIREFOX),
        line("203.0.113.5", "GET /e.js HTTP/1.1", 200, FIREFOX));
    try (RedisClient redis = IntegrationFixture.redisClient()) {
      var commands = redis.connect().sync();
      long before = IntegrationFixture.entriesAdded(commands, prefix);
      HttpResponse<String> first = api.postLog("logs.example", site.ingestToken(), "combined", body, "batch-7");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      // Two chunks of three lines, an entry each: three hits, then a hit and the skipped .js line's ledger.
      assertThat(IntegrationFixture.entriesAdded(commands, prefix)).isEqualTo(before + 2);
      // The sender never saw the first answer and sends again: no hit is queued again, only one
      // ledger entry per chunk, which counts its lines as lines of a repeated batch.
      HttpResponse<String> retry = api.postLog("logs.example", site.ingestToken(), "combined", body, "batch-7");
      assertThat(retry.body()).isEqualTo(first.body());
      assertThat(ApiClient.json(retry).path("queued").asLong()).isEqualTo(4);
      assertThat(IntegrationFixture.entriesAdded(commands, prefix)).isEqualTo(before + 4);
      eventually(Duration.ofSeconds(30), () -> assertThat(ApiClient.json(api.get("/api/v1/sites/logs.example/ledger?period=day",
          site.reportKey())).at("/results/0/duplicates/log_batch").asLong()).isEqualTo(5));
      // A different batch id is a different batch.
      api.postLog("logs.example", site.ingestToken(), "combined", body, "batch-8");
      assertThat(IntegrationFixture.entriesAdded(commands, prefix)).isEqualTo(before + 6);
    }
  }

  @Test
  void identicalLinesInDifferentRequestsAreTwoHitsAndTheSameFileAgainIsNone() {
    ApiClient.SiteKeys site = api.createSite("same.example", List.of("same.example"), "UTC");
    // One client asks for /pricing twice in one second: two identical lines, which a forwarder
    // following the log may send in two requests, each saying where it starts in the file.
    String twice = line("198.51.100.20", "GET /pricing HTTP/1.1", 200, FIREFOX) + "\n";
    String other = line("198.51.100.21", "GET /docs HTTP/1.1", 200, FIREFOX) + "\n";
    String first = twice + other;
    String file = first + twice;
    int secondStarts = first.getBytes(StandardCharsets.UTF_8).length;
    assertThat(ApiClient.json(api.postLog("same.example", site.ingestToken(), null, first, "f-0-" + secondStarts, "0"))
        .path("queued").asLong()).isEqualTo(2);
    assertThat(ApiClient.json(api.postLog("same.example", site.ingestToken(), null, twice, "f-" + secondStarts + "-end",
        Integer.toString(secondStarts))).path("queued").asLong()).isEqualTo(1);
    eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate("same.example", site.reportKey(), "pageviews")).isEqualTo(3));
    // The same file again, in one request without a batch id (offset 0 by default), and its second
    // part again under another batch id: the lines stand where they stood, nothing counts twice.
    assertThat(ApiClient.json(api.postLog("same.example", site.ingestToken(), null, file, null)).path("queued").asLong()).isEqualTo(3);
    api.postLog("same.example", site.ingestToken(), null, twice, "g", Integer.toString(secondStarts));
    // A marker line after them shows the pipeline has caught up before the count is read again.
    api.postLog("same.example", site.ingestToken(), null, line("198.51.100.22", "GET /marker HTTP/1.1", 200, FIREFOX),
        null, "1000000");
    eventually(Duration.ofSeconds(30), () -> assertThat(api.get(
        "/api/v1/sites/same.example/stats/breakdown?property=page&metrics=pageviews", site.reportKey()).body()).contains("/marker"));
    assertThat(api.aggregate("same.example", site.reportKey(), "pageviews")).isEqualTo(4);
    assertThat(api.aggregate("same.example", site.reportKey(), "visitors")).isEqualTo(3);
  }

  @Test
  void readsAnNginxFormatGivenInTheQuery() {
    String format = "$remote_addr [$time_iso8601] \"$request\" $status \"$http_user_agent\"";
    String now = ZonedDateTime.now(ZoneOffset.ofHoursMinutes(5, 30)).minusSeconds(5).withNano(0)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    String body = "2001:db8::5 [" + now + "] \"GET /nginx HTTP/2.0\" 200 \"" + FIREFOX + "\"\n";
    HttpResponse<String> response = api.postLog("logs.example", site.ingestToken(), format, body, null);
    assertThat(ApiClient.json(response).path("queued").asLong()).as(response.body()).isEqualTo(1);
    eventually(Duration.ofSeconds(30), () -> assertThat(api.get(
        "/api/v1/sites/logs.example/stats/breakdown?property=page&metrics=pageviews", site.reportKey()).body())
        .contains("{\"page\":\"/nginx\",\"pageviews\":1}"));
  }

  @Test
  void refusesWhatItCannotTake() {
    String body = line("198.51.100.1", "GET / HTTP/1.1", 200, FIREFOX);
    assertError(api.postLog("logs.example", null, null, body, null), 401, "unauthorized");
    assertError(api.postLog("logs.example", "wrong-token", null, body, null), 401, "unauthorized");
    assertError(api.postLog("nosuch.example", site.ingestToken(), null, body, null), 401, "unauthorized");
    assertError(api.postLog("logs.example", site.reportKey(), null, body, null), 401, "unauthorized");
    assertError(api.postLog("logs.example", site.ingestToken(), "$remote_addr $status", body, null), 400, "bad_format");
    assertError(api.postLog("logs.example", site.ingestToken(), null, body, "bad id with spaces"), 400, "bad_batch_id");
    assertError(api.postLog("logs.example", site.ingestToken(), null, body, null, "-1"), 400, "bad_offset");
    assertError(api.postLog("logs.example", site.ingestToken(), null, body, null, "12ab"), 400, "bad_offset");
    assertError(api.postLog("logs.example", site.ingestToken(), null, "x".repeat(70_000), null), 400, "line_too_long");
    // The limit is lowered for this node (TEST_MAX_BODY): a body over 8 MB sent with its length is
    // answered 413 before it is read, and the early answer races the upload (a reset instead of the
    // answer, now and then); a small one is all in the socket before the answer.
    byte[] tooLarge = new byte[TEST_MAX_BODY + 1];
    java.util.Arrays.fill(tooLarge, (byte) '\n');
    assertError(api.send(HttpRequest.newBuilder(api.uri("/api/v1/beacon/log?s=logs.example"))
        .header("Authorization", "Bearer " + site.ingestToken())
        .POST(HttpRequest.BodyPublishers.ofByteArray(tooLarge))), 413, "too_large");
    // Without a length (chunked) the limit applies while the body streams in.
    assertError(api.send(HttpRequest.newBuilder(api.uri("/api/v1/beacon/log?s=logs.example"))
        .header("Authorization", "Bearer " + site.ingestToken())
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooLarge)))), 413, "too_large");
    assertThat(ConfigFactory.defaultReference().getBytes("vulcan.beacon.log.max-body-bytes")).isEqualTo(8L * 1024 * 1024);
    String future = "198.51.100.1 - - [01/Jan/2099:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"" + FIREFOX + "\"";
    assertThat(api.postLog("logs.example", site.ingestToken(), null, future, null).body())
        .contains("\"rejectedCount\":1", "\"code\":\"in_future\"", "s in the future");
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(ApiClient.json(response).path("error").asText()).isEqualTo(code);
  }
}
