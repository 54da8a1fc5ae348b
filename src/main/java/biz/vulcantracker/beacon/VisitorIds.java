package biz.vulcantracker.beacon;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns (site, client address, User-Agent) into the visitor id of docs/api.md: HMAC-SHA-256 keyed with
 * the salt of the hit's UTC day, truncated to 64 bits. Without the salt (deleted two days after its
 * day) the id cannot be linked back to an address. The id under the previous day's salt comes along
 * so that a visit running across midnight continues, whichever of the two days came first.
 *
 * <p>HMAC-SHA-256 from the JDK rather than a SipHash library: it needs no dependency, and at about
 * a microsecond per hit it is far from the edge's bottleneck.
 */
public final class VisitorIds {

  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  });

  private final DailySalts salts;

  public VisitorIds(DailySalts salts) {
    this.salts = salts;
  }

  /** The current and previous day's ids of a visitor; the address is used here and nowhere after. */
  public CompletionStage<Ids> idsOf(String siteId, InetAddress client, String userAgent, Instant at) {
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    byte[] address = client.getAddress();
    byte[] todays = salts.heldSalt(day);
    byte[] yesterdays = salts.heldSalt(day.minusDays(1));
    if (todays != null && yesterdays != null) {
      // Nearly every hit: both days' salts are known here, and no stage waits for Redis.
      return CompletableFuture.completedFuture(ids(todays, Optional.of(yesterdays), siteId, address, userAgent));
    }
    // The previous day's salt is created too when it does not exist yet: a log of last week sent
    // newest day first must link a visit across midnight as the same log sent in order does.
    return salts.saltOf(day).thenCombine(salts.saltOf(day.minusDays(1)),
        (today, yesterday) -> ids(today, Optional.of(yesterday), siteId, address, userAgent));
  }

  private static Ids ids(byte[] today, Optional<byte[]> yesterday, String siteId, byte[] address, String userAgent) {
    return new Ids(hash(today, siteId, address, userAgent), yesterday.map(salt -> hash(salt, siteId, address, userAgent)));
  }

  static String hash(byte[] salt, String siteId, byte[] address, String userAgent) {
    Mac mac = MAC.get();
    try {
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    mac.update(siteId.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(address);
    mac.update((byte) 0);
    mac.update(userAgent.getBytes(StandardCharsets.UTF_8));
    long id = ByteBuffer.wrap(mac.doFinal()).getLong();
    return HexFormat.of().toHexDigits(id);
  }

  /** A visitor's id under today's salt and, if that salt still exists, under yesterday's. */
  public record Ids(String today, Optional<String> yesterday) {}
}
