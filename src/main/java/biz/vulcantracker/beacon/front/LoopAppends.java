package biz.vulcantracker.beacon.front;

import biz.vulcantracker.queue.HitAppender;
import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.queue.QueuedHitCodec;
import biz.vulcantracker.queue.RedisConnections;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The hits appended on one event loop (a thread of the edge's front) during its current round of
 * I/O, sent when the round ends: their XADDs leave in one write, on the loop's own connection
 * ({@link LoopRedis}), whose replies complete the requests' stages on the same loop, so the answers
 * are written by the loop that read the requests, without a thread hand-off per request. (Where
 * LoopRedis cannot speak the URI, Lettuce sends them, and one task hands all the replies back.)
 *
 * <p>Still one XADD per hit, not a script adding a round's hits in one call: a script costs Redis
 * more CPU per hit than plain XADDs, and Redis, shared by every edge and consumer, is the part that
 * does not scale out. The round is touched only by its loop's thread.
 */
final class LoopAppends implements HitAppender {

  /** A hit waiting for the end of the round, and the request's future for its entry id. */
  private record Pending(String stream, Map<String, String> fields, CompletableFuture<String> entryId) {}

  private final EventLoop loop;
  private final RedisConnections redis;
  private final QueueSettings settings;
  /** The loop's own Redis connection; null where it cannot speak the URI (TLS, a password): Lettuce then. */
  private final LoopRedis loopRedis;
  private List<Pending> round = new ArrayList<>();

  LoopAppends(EventLoop loop, Class<? extends Channel> socketType, RedisConnections redis, QueueSettings settings) {
    this.loop = loop;
    this.redis = redis;
    this.settings = settings;
    this.loopRedis = LoopRedis.supports(redis.configuredUri()) && !redis.hasPassword() ? new LoopRedis(loop, socketType, redis.uri(), redis.commandTimeout()) : null;
  }

  /**
   * Adds the hits to the loop's current round. Called on the loop itself whenever the request's
   * visitor ids were at hand (the salts cached); a call from another thread (a salt just read from
   * Redis completes there) hops onto the loop, which alone touches the round.
   */
  @Override
  public CompletionStage<List<String>> append(List<QueuedHit> hits) {
    if (!loop.inEventLoop()) {
      CompletableFuture<List<String>> entryIds = new CompletableFuture<>();
      loop.execute(() -> append(hits).whenComplete((ids, failure) -> {
        if (failure != null) {
          entryIds.completeExceptionally(failure);
        } else {
          entryIds.complete(ids);
        }
      }));
      return entryIds;
    }
    if (round.isEmpty()) {
      loop.execute(this::send); // runs after the loop's current round of reads
    }
    List<CompletableFuture<String>> ids = new ArrayList<>(hits.size());
    for (QueuedHit hit : hits) {
      CompletableFuture<String> id = new CompletableFuture<>();
      round.add(new Pending(settings.hitStream(settings.partitionOf(hit.siteId())), QueuedHitCodec.encode(hit), id));
      ids.add(id);
    }
    return ids.size() == 1
        ? ids.get(0).thenApply(List::of)
        : CompletableFuture.allOf(ids.toArray(CompletableFuture[]::new)).thenApply(done -> ids.stream().map(CompletableFuture::join).toList());
  }

  private void send() {
    List<Pending> sending = round;
    round = new ArrayList<>();
    if (loopRedis != null) {
      loopRedis.xadd(sending.stream().map(Pending::stream).toList(), QueuedHitCodec.FIELD,
          sending.stream().map(hit -> hit.fields().get(QueuedHitCodec.FIELD)).toList(),
          sending.stream().map(Pending::entryId).toList());
      return;
    }
    redis.producer().whenComplete((conn, unavailable) -> {
      if (unavailable != null) {
        loop.execute(() -> sending.forEach(hit -> hit.entryId().completeExceptionally(unavailable)));
        return;
      }
      var commands = conn.async();
      List<CompletableFuture<String>> sent = new ArrayList<>(sending.size());
      for (Pending hit : sending) {
        sent.add(commands.xadd(hit.stream(), hit.fields()).toCompletableFuture());
      }
      conn.flushCommands();
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> loop.execute(() -> {
        for (int i = 0; i < sending.size(); i++) {
          CompletableFuture<String> entryId = sending.get(i).entryId();
          sent.get(i).whenComplete((id, error) -> { // complete already: runs here, on the loop
            if (error != null) {
              entryId.completeExceptionally(error);
            } else {
              entryId.complete(id);
            }
          });
        }
      }));
    });
  }
}
