package biz.vulcantracker.queue;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends hits to their site's partition stream. The returned stage completes only after Redis
 * acknowledged every XADD, which is what lets the edge answer 204: a hit answered 204 is in Redis.
 *
 * <p>XADDs from all requests share one connection whose commands are flushed in coalesced writes
 * (auto-flush off; a flush is scheduled when the first command after the last flush arrives, and
 * takes everything queued by then). Under load many requests' hits leave in one write and Redis
 * answers them in one read: the edge's throughput is bounded by work, not by system calls per hit.
 */
public final class HitProducer {

  private final RedisConnections redis;
  private final QueueSettings settings;
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final ExecutorService flusher = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "vulcan-redis-flusher");
    thread.setDaemon(true);
    return thread;
  });

  public HitProducer(RedisConnections redis, QueueSettings settings) {
    this.redis = redis;
    this.settings = settings;
  }

  /** Appends the hits in order (one site's hits keep their order in its partition); the entry ids. */
  public CompletionStage<List<String>> append(List<QueuedHit> hits) {
    return redis.producer().thenCompose(conn -> {
      var commands = conn.async();
      List<CompletableFuture<String>> adds = new ArrayList<>(hits.size());
      for (QueuedHit hit : hits) {
        String stream = settings.hitStream(settings.partitionOf(hit.siteId()));
        adds.add(commands.xadd(stream, QueuedHitCodec.encode(hit)).toCompletableFuture());
      }
      scheduleFlush(conn);
      return CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new))
          .thenApply(done -> adds.stream().map(CompletableFuture::join).toList());
    });
  }

  private void scheduleFlush(StatefulRedisConnection<String, String> conn) {
    if (flushScheduled.compareAndSet(false, true)) {
      flusher.execute(() -> {
        flushScheduled.set(false);
        conn.flushCommands();
      });
    }
  }
}
