package biz.vulcantracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** A small HTTP client for one node's API, speaking JSON, as a site owner's script would. */
public final class ApiClient {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /**
   * Beacons go on connections of their own, in HTTP/1.1 as a tracking script's browser sends them:
   * the front answers those itself. (The client above asks for an HTTP/2 upgrade, and the front
   * relays such a connection, and any connection once it carried another request, to Pekko HTTP.)
   */
  private final HttpClient beaconHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final String base;

  public ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public String base() {
    return base;
  }

  /** The keys of a site created through the admin API. */
  public record SiteKeys(String id, String ingestToken, String reportKey) {}

  public SiteKeys createSite(String id, List<String> domains, String timezone) {
    String body = MAPPER.createObjectNode()
        .put("id", id)
        .put("timezone", timezone)
        .set("domains", MAPPER.valueToTree(domains))
        .toString();
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/sites"))
        .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode json = json(response);
    return new SiteKeys(json.get("id").asText(), json.get("ingestToken").asText(), json.get("reportKey").asText());
  }

  /**
   * GET /api/v1/beacon with the query, as a visitor at {@code clientIp} (through the trusted proxy)
   * using the browser {@code browser} (see {@link #userAgent}); the next beacon is stamped later ({@link #inSendingOrder}).
   */
  public HttpResponse<String> beaconGet(String query, String clientIp, String browser) {
    return inSendingOrder(sendBeacon(HttpRequest.newBuilder(uri("/api/v1/beacon?" + query))
        .header("X-Forwarded-For", clientIp)
        .header("User-Agent", userAgent(browser))
        .GET()));
  }

  /** {@link #beaconGet} without waiting: completes with the status (or fails on a network error). */
  public java.util.concurrent.CompletableFuture<Integer> beaconGetAsync(String query, String clientIp, String browser) {
    return beaconHttp.sendAsync(HttpRequest.newBuilder(uri("/api/v1/beacon?" + query))
            .header("X-Forwarded-For", clientIp)
            .header("User-Agent", userAgent(browser))
            .timeout(Duration.ofSeconds(30))
            .GET().build(), HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  /** POST /api/v1/beacon with a text/plain JSON body, as navigator.sendBeacon sends it ({@link #inSendingOrder}). */
  public HttpResponse<String> beaconPost(String body, String clientIp, String browser) {
    return inSendingOrder(sendBeacon(HttpRequest.newBuilder(uri("/api/v1/beacon"))
        .header("X-Forwarded-For", clientIp)
        .header("User-Agent", userAgent(browser))
        .header("Content-Type", "text/plain;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body))));
  }

  /**
   * Returns {@code answer} once this machine's clock has passed the millisecond it came in. The edge
   * stamps a hit with that clock, in milliseconds, and sequences a visitor's hits of one millisecond
   * by their keys' digest ({@code model.HitOrder}), not by the order they were sent: a test that
   * sends a visitor's hits one after another and expects them in that order (which hit starts the
   * visit, with which source) needs each in a millisecond of its own.
   */
  private static HttpResponse<String> inSendingOrder(HttpResponse<String> answer) {
    long answeredAt = System.currentTimeMillis();
    while (System.currentTimeMillis() == answeredAt) {
      Thread.onSpinWait();
    }
    return answer;
  }

  /**
   * A real browser's User-Agent (katric drops bots, and a bare label looks like one), made distinct
   * per label so that tests can tell visitors on one address apart; a full User-Agent passes as is.
   */
  public static String userAgent(String browser) {
    return browser.startsWith("Mozilla/")
        ? browser
        : "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 " + browser.replaceAll("[^A-Za-z0-9-]", "");
  }

  /** {@code POST /api/v1/beacon/log} with the lines as the body; null token or batch id leave the header out. */
  public HttpResponse<String> postLog(String siteId, String token, String format, String lines, String batchId) {
    return postLog(siteId, token, format, lines, batchId, null);
  }

  /** {@link #postLog(String, String, String, String, String)} with the body's offset in its file (null: no header). */
  public HttpResponse<String> postLog(String siteId, String token, String format, String lines, String batchId, String offset) {
    String query = "?s=" + URLEncoder.encode(siteId, StandardCharsets.UTF_8)
        + (format == null ? "" : "&format=" + URLEncoder.encode(format, StandardCharsets.UTF_8));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/beacon/log" + query))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(lines, StandardCharsets.UTF_8));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (batchId != null) {
      request.header("X-Vulcan-Batch", batchId);
    }
    if (offset != null) {
      request.header("X-Vulcan-Offset", offset);
    }
    return send(request);
  }

  /** The aggregate's value of one metric for today. */
  public long aggregate(String siteId, String reportKey, String metric) {
    HttpResponse<String> response = get("/api/v1/sites/" + siteId + "/stats/aggregate?period=day&metrics=" + metric, reportKey);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).path("results").path(metric).path("value").asLong();
  }

  /** The aggregate's value of one metric over the days {@code from} to {@code to} (inclusive). */
  public long aggregate(String siteId, String reportKey, String metric, java.time.LocalDate from, java.time.LocalDate to) {
    HttpResponse<String> response = get("/api/v1/sites/" + siteId + "/stats/aggregate?period=custom&from=" + from + "&to=" + to
        + "&metrics=" + metric, reportKey);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).path("results").path(metric).path("value").asLong();
  }

  public HttpResponse<String> get(String path, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request);
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    return send(http, request);
  }

  /** A beacon request, on a beacon connection (see {@link #beaconHttp}). */
  public HttpResponse<String> sendBeacon(HttpRequest.Builder request) {
    return send(beaconHttp, request);
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI uri(String path) {
    return URI.create(base + path);
  }

  public static JsonNode json(HttpResponse<String> response) {
    return json(response.body());
  }

  public static JsonNode json(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + body, e);
    }
  }
}
