package biz.vulcantracker.beacon;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per site on this edge node (Bucket4j): anonymous clients can spread a flood over
 * any number of addresses, past every per-client limit, but not past what one site may send. Keyed
 * by site id after the site was found in the catalog, so the map holds one bucket per registered
 * site at most.
 */
public final class SiteBudget {

  private final long perSecond;
  private final long burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param perSecond sustained hits a second per site; 0 turns the budget off */
  public SiteBudget(long perSecond, long burst) {
    this.perSecond = perSecond;
    this.burst = Math.max(burst, perSecond);
  }

  /** True when the site may queue {@code hits} more now (and takes them from its bucket). */
  public boolean tryAcquire(String siteId, int hits) {
    if (perSecond <= 0) {
      return true;
    }
    return buckets.computeIfAbsent(siteId, id -> Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .build()).tryConsume(hits);
  }
}
