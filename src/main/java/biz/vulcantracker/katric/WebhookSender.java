package biz.vulcantracker.katric;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * POSTs an alert firing to a webhook (docs/api.md, "Alerts"), signed as Stripe and GitHub sign
 * theirs: {@code X-Vulcan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" under the
 * rule's secret>} (the time inside the signature lets a receiver refuse an old request replayed), and
 * {@code X-Vulcan-Delivery: <id>}, the same for every attempt of one firing, so a receiver that keeps
 * ids takes each firing once. Answers with the receiver's status; the body is read and dropped.
 */
public final class WebhookSender {

  static final String SIGNATURE = "X-Vulcan-Signature";
  static final String DELIVERY = "X-Vulcan-Delivery";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;

  public WebhookSender(ActorSystem<?> system) {
    this.system = system;
  }

  CompletionStage<Integer> post(String url, String secret, String deliveryId, String body) {
    long seconds = System.currentTimeMillis() / 1000;
    HttpRequest request = HttpRequest.POST(url)
        .withEntity(ContentTypes.APPLICATION_JSON, body)
        .addHeader(RawHeader.create(DELIVERY, deliveryId))
        .addHeader(RawHeader.create(SIGNATURE, "t=" + seconds + ",v1=" + sign(secret, seconds, body)));
    return Http.get(system).singleRequest(request)
        .thenCompose(response -> response.discardEntityBytes(system).completionStage().thenApply(done -> response.status().intValue()))
        .toCompletableFuture().orTimeout(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The hex HMAC-SHA256 of {@code "<seconds>.<body>"} under {@code secret}. */
  public static String sign(String secret, long seconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((seconds + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
