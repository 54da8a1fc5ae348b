package biz.vulcantracker.beacon;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Unique, time-ordered hit ids given at the edge: UUID version 7 (RFC 9562), 48 bits of Unix
 * milliseconds then 74 random bits. Lets katric drop a hit that reached Redis twice under two
 * entry ids (a retried batch, a replayed spool).
 */
public final class HitIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private HitIds() {}

  public static String next(long epochMillis) {
    long randomHigh = RANDOM.nextLong();
    long randomLow = RANDOM.nextLong();
    long msb = (epochMillis << 16) | 0x7000L | (randomHigh & 0x0FFFL);
    long lsb = (randomLow & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
