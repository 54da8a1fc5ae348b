package biz.vulcantracker.queue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends hits to their site's partition stream through Lettuce: an entry per hit
 * ({@link HitAppender}), or a log chunk's hits as one entry ({@link ChunkEntry}), at most once
 * ({@link #appendOnce}) or not ({@link #appendChunk}).
 *
 * <p>XADDs from all requests share one connection whose commands are flushed in coalesced writes
 * (auto-flush off; a flush is scheduled when the first command after the last flush arrives, and
 * takes everything queued by then). Under load many requests' hits leave in one write and Redis
 * answers them in one read: the edge's throughput is bounded by work, not by system calls per hit.
 */
public final class HitProducer implements HitAppender {

  /** KEYS: stream, once-key; ARGV: seconds to keep the once-key, then the entry's fields and values. */
  private static final String APPEND_ONCE = """
      if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
        return 0
      end
      redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
      return 1
      """;

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

  @Override
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

  /**
   * Appends one site's hits as one {@link ChunkEntry} unless {@code onceKey} was already used: the
   * check, the XADD and the marking of the key (kept {@code keep}) run as one Lua script, so Redis
   * either did all of it or none, and a retry after a lost answer finds the key and adds nothing.
   * True if the hits were appended now, false if an earlier call had appended them.
   */
  public CompletionStage<Boolean> appendOnce(String onceKey, Duration keep, List<QueuedHit> hits) {
    return appendOnce(onceKey, keep, hits, List.of());
  }

  /**
   * {@link #appendOnce(String, Duration, List)} with ledger entries of the same site after the hits,
   * in the same entry: what was skipped of a log chunk is counted exactly when its hits are queued.
   */
  public CompletionStage<Boolean> appendOnce(String onceKey, Duration keep, List<QueuedHit> hits, List<LedgerEntry> ledger) {
    if (hits.isEmpty() && ledger.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    ChunkEntry chunk = new ChunkEntry(hits, ledger);
    String stream = streamOf(chunk);
    Map<String, String> fields = chunk.encode();
    List<String> args = new ArrayList<>(1 + 2 * fields.size());
    args.add(Long.toString(Math.max(1, keep.toSeconds())));
    fields.forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    return redis.producer().thenCompose(conn -> {
      CompletionStage<Long> appended = conn.async().eval(APPEND_ONCE, ScriptOutputType.INTEGER, new String[] {stream, onceKey},
          args.toArray(String[]::new));
      scheduleFlush(conn);
      return appended.thenApply(result -> result == 1L);
    });
  }

  /** Appends one site's hits and ledger entries as one {@link ChunkEntry} (nothing when there are none). */
  public CompletionStage<Void> appendChunk(List<QueuedHit> hits, List<LedgerEntry> ledger) {
    if (hits.isEmpty() && ledger.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    ChunkEntry chunk = new ChunkEntry(hits, ledger);
    String stream = streamOf(chunk);
    Map<String, String> fields = chunk.encode();
    return redis.producer().thenCompose(conn -> {
      CompletionStage<String> added = conn.async().xadd(stream, fields);
      scheduleFlush(conn);
      return added.thenAccept(id -> {});
    });
  }

  private String streamOf(ChunkEntry chunk) {
    return settings.hitStream(settings.partitionOf(chunk.siteId()));
  }

  /** Appends a ledger entry to its site's partition (what an edge refused of the site's input). */
  public CompletionStage<String> appendLedger(LedgerEntry entry) {
    return redis.producer().thenCompose(conn -> {
      CompletionStage<String> added = conn.async().xadd(settings.hitStream(settings.partitionOf(entry.siteId())), entry.encode());
      scheduleFlush(conn);
      return added;
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
