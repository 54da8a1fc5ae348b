package biz.vulcantracker.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Appends hits to their site's partition stream. The returned stage completes only after Redis
 * acknowledged every XADD, which is what lets the edge answer 204: a hit answered 204 is in Redis.
 */
public final class HitProducer {

  private final RedisConnections redis;
  private final QueueSettings settings;

  public HitProducer(RedisConnections redis, QueueSettings settings) {
    this.redis = redis;
    this.settings = settings;
  }

  /** Appends the hits in order (one site's hits keep their order in its partition); the entry ids. */
  public CompletionStage<List<String>> append(List<QueuedHit> hits) {
    return redis
        .shared()
        .thenCompose(
            connection -> {
              var commands = connection.async();
              // Lettuce pipelines these on one connection, so a batch costs one round trip.
              List<CompletableFuture<String>> adds = new ArrayList<>(hits.size());
              for (QueuedHit hit : hits) {
                String stream = settings.hitStream(settings.partitionOf(hit.siteId()));
                adds.add(commands.xadd(stream, QueuedHitCodec.encode(hit)).toCompletableFuture());
              }
              return CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new))
                  .thenApply(done -> adds.stream().map(CompletableFuture::join).toList());
            });
  }
}
