package biz.vulcantracker.queue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
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
 * Appends made on an event loop of the edge's front go instead through that loop's own batch and
 * connection ({@link LoopAppends}).
 */
public final class HitProducer {

  /** KEYS: stream, once-key; ARGV: seconds to keep the once-key, then each hit's JSON. */
  private static final String APPEND_ONCE = """
      if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
        return 0
      end
      for i = 2, #ARGV do
        redis.call('XADD', KEYS[1], '*', '%s', ARGV[i])
      end
      return 1
      """.formatted(QueuedHitCodec.FIELD);

  /** The event loop that runs on this thread and its kind of socket, if it registered with {@link #batchOnThisLoop}. */
  private static final ThreadLocal<FrontLoop> FRONT_LOOP = new ThreadLocal<>();

  private record FrontLoop(EventLoop loop, Class<? extends Channel> socketType) {}

  private final RedisConnections redis;
  private final QueueSettings settings;
  private final ThreadLocal<LoopAppends> loopAppends = new ThreadLocal<>();
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

  /**
   * Registers the event loop of {@code accepted}, a connection the calling thread serves (a Netty
   * loop: single-threaded, runs its tasks after each round of I/O): hits appended on this thread
   * are then sent per round ({@link LoopAppends}), on a Redis connection of the accepted
   * connection's class (Netty's accepted and connecting sockets of a transport are one class).
   */
  public static void batchOnThisLoop(Channel accepted) {
    FRONT_LOOP.set(new FrontLoop(accepted.eventLoop(), accepted.getClass()));
  }

  /** Appends the hits in order (one site's hits keep their order in its partition); the entry ids. */
  public CompletionStage<List<String>> append(List<QueuedHit> hits) {
    FrontLoop front = FRONT_LOOP.get();
    if (front != null) {
      LoopAppends appends = loopAppends.get();
      if (appends == null) {
        appends = new LoopAppends(front.loop(), front.socketType(), redis, settings);
        loopAppends.set(appends);
      }
      return appends.add(hits);
    }
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

  /**
   * Appends one site's hits unless {@code onceKey} was already used: the check, the XADDs and the
   * marking of the key (kept {@code keep}) run as one Lua script, so Redis either did all of it or
   * none, and a retry after a lost answer finds the key and adds nothing. True if the hits were
   * appended now, false if an earlier call had appended them.
   */
  public CompletionStage<Boolean> appendOnce(String onceKey, Duration keep, List<QueuedHit> hits) {
    if (hits.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    String stream = settings.hitStream(settings.partitionOf(hits.get(0).siteId()));
    String[] args = new String[hits.size() + 1];
    args[0] = Long.toString(Math.max(1, keep.toSeconds()));
    for (int i = 0; i < hits.size(); i++) {
      if (!hits.get(i).siteId().equals(hits.get(0).siteId())) {
        throw new IllegalArgumentException("appendOnce takes the hits of one site");
      }
      args[i + 1] = QueuedHitCodec.encode(hits.get(i)).get(QueuedHitCodec.FIELD);
    }
    return redis.producer().thenCompose(conn -> {
      CompletionStage<Long> appended = conn.async().eval(APPEND_ONCE, ScriptOutputType.INTEGER, new String[] {stream, onceKey}, args);
      scheduleFlush(conn);
      return appended.thenApply(result -> result == 1L);
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
