package biz.vulcantracker.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one order in which a visitor's hits are sequenced into visits, on every path (the site
 * model's rollup rows, the filtered reports' scans, script coverage): by time, and hits of the same
 * millisecond by the first 64 bits of the SHA-256 of their hit keys, compared as signed longs.
 *
 * <p>Not arrival order, which is not a function of the set of hits; not the hit key itself, which
 * the resident model does not keep (it keeps this digest). Two beacons of one visitor in the same
 * millisecond happen on a fast connection, and when the rollups and the scans broke such a tie
 * differently the same visit had one source in a breakdown and another in its filtered rate.
 */
public final class HitOrder {

  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  private HitOrder() {}

  /** What breaks a tie of time between two hits: the first 64 bits of the SHA-256 of the hit key (UTF-8). */
  public static long tieKey(String hitKey) {
    byte[] hash = SHA_256.get().digest(hitKey.getBytes(StandardCharsets.UTF_8));
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (hash[i] & 0xFF);
    }
    return value;
  }

  /** Negative, zero or positive as the hit at {@code timeA} with {@code tieKeyA} comes before, with or after the other. */
  public static int compare(long timeA, long tieKeyA, long timeB, long tieKeyB) {
    int byTime = Long.compare(timeA, timeB);
    return byTime != 0 ? byTime : Long.compare(tieKeyA, tieKeyB);
  }
}
