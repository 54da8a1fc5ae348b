package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated beacons (GET and POST) and access-log lines — broken JSON, wrong
 * types, huge fields, invalid UTF-8, control characters, random bytes — against one node: nothing
 * is answered 5xx, every refusal is JSON with a code and a message (every rejected line has its
 * reason), and the hits that were accepted are exactly the hits counted.
 */
class FuzzIT {

  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final int BEACONS = 6_000;
  private static final int LOG_BATCHES = 12;
  private static final int LINES_PER_BATCH = 500;

  private final Random random = new Random(20261127);

  @Test
  void noInputCrashesAnythingAndEveryAcceptedHitIsCounted() {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("fuzz"),
        Map.of("vulcan.beacon.rate-limit.per-second", 0)))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite("fuzz.example", List.of("fuzz.example"), "UTC");
      long accepted = 0;
      for (int i = 0; i < BEACONS; i++) {
        boolean post = random.nextBoolean();
        byte[] body = post ? mutate(validBody(i)) : null;
        HttpResponse<String> response = post
            ? api.sendBeacon(HttpRequest.newBuilder(api.uri("/api/v1/beacon"))
                .header("User-Agent", FIREFOX).header("X-Forwarded-For", "198.51.100." + (i % 200))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofByteArray(body)))
            : api.sendBeacon(HttpRequest.newBuilder(api.uri("/api/v1/beacon?" + mutatedQuery(i)))
                .header("User-Agent", FIREFOX).header("X-Forwarded-For", "198.51.100." + (i % 200)).GET());
        assertAnswered(response);
        if (response.statusCode() == 204) {
          accepted += post ? hitsIn(body) : 1;
        }
      }
      long queued = 0;
      for (int b = 0; b < LOG_BATCHES; b++) {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/beacon/log?s=fuzz.example"))
            .header("Authorization", "Bearer " + site.ingestToken())
            .POST(HttpRequest.BodyPublishers.ofByteArray(logBatch(b))));
        assertAnswered(response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = ApiClient.json(response);
        queued += answer.path("queued").asLong();
        assertThat(answer.path("rejectedCount").asLong()).isPositive();
        for (JsonNode rejected : answer.path("rejected")) {
          assertThat(rejected.path("line").asLong()).isPositive();
          assertThat(rejected.path("error").asText()).isNotBlank();
        }
      }
      assertThat(accepted).as("some mutated beacons still pass, most do not").isBetween(500L, (long) BEACONS);
      assertThat(queued).isPositive();
      long expected = accepted + queued;
      eventually(Duration.ofSeconds(60), () -> assertThat(api.aggregate("fuzz.example", site.reportKey(), "pageviews")
          + api.aggregate("fuzz.example", site.reportKey(), "events")).isEqualTo(expected));
    }
  }

  private static void assertAnswered(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isLessThan(500);
    if (response.statusCode() >= 400) {
      JsonNode error = ApiClient.json(response);
      assertThat(error.path("error").asText()).as(response.body()).isNotBlank();
      assertThat(error.path("message").asText()).as(response.body()).isNotBlank();
    }
  }

  private String validBody(int i) {
    String one = "{\"s\":\"fuzz.example\",\"u\":\"https://fuzz.example/p/" + i + "\",\"r\":\"https://ref.example/\",\"w\":1280}";
    return random.nextInt(4) == 0 ? "[" + one + "," + one.replace("/p/", "/q/") + "]" : one;
  }

  /** A body with one of the usual kinds of damage (or none, a quarter of the time). */
  private byte[] mutate(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(12)) {
      case 0, 1, 2 -> { return bytes; }
      case 3 -> { return json.substring(0, random.nextInt(json.length())).getBytes(StandardCharsets.UTF_8); } // truncated
      case 4 -> { return json.replace("\"w\":1280", "\"w\":\"wide\"").getBytes(StandardCharsets.UTF_8); } // wrong type
      case 5 -> { return json.replace("/p/", "/" + "x".repeat(5_000 + random.nextInt(30_000)) + "/").getBytes(StandardCharsets.UTF_8); }
      case 6 -> { return json.replace("\"w\":1280", "\"p\":{" + manyProps() + "}").getBytes(StandardCharsets.UTF_8); }
      case 7 -> { // invalid UTF-8 inside a string
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = json.indexOf("/p/") + 3;
        out.write(bytes, 0, at);
        out.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE}, 0, 4);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
      }
      case 8 -> { return json.replace("/p/", "/p\u0000\u0007\u001b[31m/").getBytes(StandardCharsets.UTF_8); } // control characters
      case 9 -> { byte[] noise = new byte[random.nextInt(2_000)]; random.nextBytes(noise); return noise; }
      case 10 -> { return ("[" + (json + ",").repeat(51) + json + "]").getBytes(StandardCharsets.UTF_8); } // too many hits
      default -> { // a flipped byte somewhere
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        return bytes;
      }
    }
  }

  private String manyProps() {
    StringBuilder props = new StringBuilder();
    int count = 1 + random.nextInt(40);
    for (int k = 0; k < count; k++) {
      props.append(k == 0 ? "" : ",").append("\"k").append(k).append("\":")
          .append(random.nextBoolean() ? "\"" + "v".repeat(random.nextInt(400)) + "\"" : random.nextBoolean() ? "{\"nested\":1}" : "[1,2]");
    }
    return props.toString();
  }

  private String mutatedQuery(int i) {
    String u = "https://fuzz.example/g/" + i;
    return switch (random.nextInt(8)) {
      case 0 -> "s=fuzz.example&u=" + encode(u) + "&w=" + random.nextInt(5000);
      case 1 -> "s=fuzz.example&u=" + encode(u) + "&w=notanumber";
      case 2 -> "s=fuzz.example&u=" + encode(u) + "&p=" + encode("{\"a\":" + random.nextInt());
      case 3 -> "s=fuzz.example&u=" + encode("javascript:alert(1)");
      case 4 -> "s=fuzz.example&u=" + encode(u + "/" + "é\u0000\u001f".repeat(random.nextInt(50)));
      case 5 -> "s=" + encode("fuzz.example\u0000") + "&u=" + encode(u);
      case 6 -> "u=" + encode(u) + "&n=" + encode("x".repeat(random.nextInt(200)));
      default -> "s=fuzz.example&u=" + encode(u) + "&e=" + random.nextLong();
    };
  }

  private byte[] logBatch(int batch) {
    String now = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(30).format(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int n = 0; n < LINES_PER_BATCH; n++) {
      String line = "10.77." + batch + "." + (n % 250) + " - - [" + now + "] \"GET /log/" + batch + "/" + n + " HTTP/1.1\" 200 99 \"-\" \""
          + FIREFOX + "\"";
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      switch (random.nextInt(8)) {
        case 0 -> bytes = line.substring(0, random.nextInt(line.length())).getBytes(StandardCharsets.UTF_8);
        case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        case 2 -> { bytes = new byte[random.nextInt(300)]; random.nextBytes(bytes); }
        case 3 -> bytes = line.replace("GET /log/", "GET /log/\\xC3\\x28\\xff\u0001/").getBytes(StandardCharsets.UTF_8);
        case 4 -> bytes = line.replace(FIREFOX, "x".repeat(20_000 + random.nextInt(20_000))).getBytes(StandardCharsets.UTF_8);
        default -> { }
      }
      for (byte b : bytes) {
        if (b != '\n') {
          out.write(b); // a newline inside the damage would only make two lines of it
        }
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static int hitsIn(byte[] body) {
    JsonNode json = ApiClient.json(new String(body, StandardCharsets.UTF_8));
    return json.isArray() ? json.size() : 1;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
