package biz.vulcantracker.beacon;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unique, time-ordered hit ids given at the edge: UUID version 7 (RFC 9562), 48 bits of Unix
 * milliseconds then 74 random bits. Lets katric drop a hit that reached Redis twice under two
 * entry ids (a retried batch, a replayed spool). The random bits need to be unique, not secret:
 * ThreadLocalRandom, because SecureRandom serializes every request thread on one lock.
 */
public final class HitIds {

  private HitIds() {}

  public static String next(long epochMillis) {
    long randomHigh = ThreadLocalRandom.current().nextLong();
    long randomLow = ThreadLocalRandom.current().nextLong();
    long msb = (epochMillis << 16) | 0x7000L | (randomHigh & 0x0FFFL);
    long lsb = (randomLow & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
