package biz.vulcantracker.beacon;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import java.net.InetAddress;
import java.time.Duration;

/**
 * A token bucket per client (Bucket4j), so one noisy client cannot flood the queue; a client is its
 * {@link ClientKey} (an address, an IPv6 /64, kept as a keyed hash). Buckets live in a bounded cache
 * that forgets idle clients.
 */
public final class RateLimiter {

  private static final int MAX_CLIENTS = 200_000;

  private final long perSecond;
  private final long burst;
  private final Cache<Long, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(MAX_CLIENTS).expireAfterAccess(Duration.ofMinutes(2)).build();

  public RateLimiter(long perSecond, long burst) {
    this.perSecond = perSecond;
    this.burst = Math.max(burst, perSecond);
  }

  /** True when the client may make one more request now (and takes a token from its bucket). */
  public boolean tryAcquire(InetAddress client) {
    if (perSecond <= 0) {
      return true;
    }
    Bucket bucket = buckets.get(ClientKey.of(client), k -> Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .build());
    return bucket.tryConsume(1);
  }
}
