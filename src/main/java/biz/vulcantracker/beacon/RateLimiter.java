package biz.vulcantracker.beacon;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A token bucket per client (Bucket4j), so one noisy client cannot flood the queue. Buckets live in
 * a bounded cache that forgets idle clients. The key is a keyed hash of the address under a random
 * key that never leaves this process: no address is kept, even in memory.
 */
public final class RateLimiter {

  private static final int MAX_CLIENTS = 200_000;

  private final long perSecond;
  private final long burst;
  private final Cache<Long, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(MAX_CLIENTS).expireAfterAccess(Duration.ofMinutes(2)).build();
  private final ThreadLocal<Mac> mac;

  public RateLimiter(long perSecond, long burst) {
    this.perSecond = perSecond;
    this.burst = Math.max(burst, perSecond);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.mac = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** True when the client may make one more request now (and takes a token from its bucket). */
  public boolean tryAcquire(InetAddress client) {
    if (perSecond <= 0) {
      return true;
    }
    long key = ByteBuffer.wrap(mac.get().doFinal(client.getAddress())).getLong();
    Bucket bucket = buckets.get(key, k -> Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .build());
    return bucket.tryConsume(1);
  }
}
