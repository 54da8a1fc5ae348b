package biz.vulcantracker.forwarder;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Posts one batch until the endpoint accepts it: connection failures, 429, 503 and other 5xx are
 * retried with exponential backoff (honouring {@code Retry-After}); any other answer is the
 * sender's mistake (bad token, bad format) and stops the forwarder with the endpoint's reason.
 */
final class BatchSender {

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI endpoint;
  private final String token;

  BatchSender(ForwarderOptions options) {
    this.endpoint = URI.create(options.url() + "?s=" + encode(options.site()) + "&format=" + encode(options.format()));
    this.token = options.token();
  }

  /**
   * Sends {@code lines}, which start at {@code fileOffset} of their file (the endpoint tells identical
   * lines apart by where they stand). The endpoint's answer; null if {@code stopping} turned true
   * while retrying.
   */
  JsonNode send(byte[] lines, String batchId, long fileOffset, BooleanSupplier stopping) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "text/plain; charset=utf-8")
        .header("X-Vulcan-Batch", batchId)
        .header("X-Vulcan-Offset", Long.toString(fileOffset))
        .POST(HttpRequest.BodyPublishers.ofByteArray(lines))
        .build();
    Duration backoff = FIRST_BACKOFF;
    while (!stopping.getAsBoolean()) {
      Duration wait = backoff;
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200) {
          return Json.MAPPER.readTree(response.body());
        }
        if (status != 429 && status < 500) {
          throw new ForwarderException("the endpoint refused batch " + batchId + " with " + status + ": " + response.body());
        }
        wait = response.headers().firstValue("Retry-After").map(BatchSender::seconds).orElse(backoff);
        System.err.println("forward: " + status + " from the endpoint, retrying in " + wait.toMillis() + " ms");
      } catch (IOException e) {
        System.err.println("forward: " + e.getClass().getSimpleName() + " (" + e.getMessage() + "), retrying in " + wait.toMillis() + " ms");
      }
      sleep(wait, stopping);
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
    return null;
  }

  private static void sleep(Duration wait, BooleanSupplier stopping) throws InterruptedException {
    long until = System.nanoTime() + wait.toNanos();
    while (!stopping.getAsBoolean() && System.nanoTime() < until) {
      Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
  }

  private static Duration seconds(String retryAfter) {
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.strip())));
    } catch (NumberFormatException e) {
      return FIRST_BACKOFF;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
