package biz.vulcantracker.queue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends hits to their site's partition stream through Lettuce ({@link HitAppender}), and appends
 * a batch at most once ({@link #appendOnce}).
 *
 * <p>XADDs from all requests share one connection whose commands are flushed in coalesced writes
 * (auto-flush off; a flush is scheduled when the first command after the last flush arrives, and
 * takes everything queued by then). Under load many requests' hits leave in one write and Redis
 * answers them in one read: the edge's throughput is bounded by work, not by system calls per hit.
 */
public final class HitProducer implements HitAppender {

  /** KEYS: stream, once-key; ARGV: seconds to keep the once-key, then each entry's field and JSON. */
  private static final String APPEND_ONCE = """
      if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
        return 0
      end
      for i = 2, #ARGV, 2 do
        redis.call('XADD', KEYS[1], '*', ARGV[i], ARGV[i + 1])
      end
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
   * Appends one site's hits unless {@code onceKey} was already used: the check, the XADDs and the
   * marking of the key (kept {@code keep}) run as one Lua script, so Redis either did all of it or
   * none, and a retry after a lost answer finds the key and adds nothing. True if the hits were
   * appended now, false if an earlier call had appended them.
   */
  public CompletionStage<Boolean> appendOnce(String onceKey, Duration keep, List<QueuedHit> hits) {
    return appendOnce(onceKey, keep, hits, List.of());
  }

  /**
   * {@link #appendOnce(String, Duration, List)} with ledger entries of the same site after the hits,
   * in the same script: what was skipped of a log chunk is counted exactly when its hits are queued.
   */
  public CompletionStage<Boolean> appendOnce(String onceKey, Duration keep, List<QueuedHit> hits, List<LedgerEntry> ledger) {
    if (hits.isEmpty() && ledger.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    String siteId = hits.isEmpty() ? ledger.get(0).siteId() : hits.get(0).siteId();
    String stream = settings.hitStream(settings.partitionOf(siteId));
    List<String> args = new ArrayList<>(1 + 2 * (hits.size() + ledger.size()));
    args.add(Long.toString(Math.max(1, keep.toSeconds())));
    for (QueuedHit hit : hits) {
      requireSite(siteId, hit.siteId());
      args.add(QueuedHitCodec.FIELD);
      args.add(QueuedHitCodec.json(hit));
    }
    for (LedgerEntry entry : ledger) {
      requireSite(siteId, entry.siteId());
      args.add(LedgerEntry.FIELD);
      args.add(entry.encode().get(LedgerEntry.FIELD));
    }
    return redis.producer().thenCompose(conn -> {
      CompletionStage<Long> appended = conn.async().eval(APPEND_ONCE, ScriptOutputType.INTEGER, new String[] {stream, onceKey},
          args.toArray(String[]::new));
      scheduleFlush(conn);
      return appended.thenApply(result -> result == 1L);
    });
  }

  /** Appends a ledger entry to its site's partition (what an edge refused of the site's input). */
  public CompletionStage<String> appendLedger(LedgerEntry entry) {
    return redis.producer().thenCompose(conn -> {
      CompletionStage<String> added = conn.async().xadd(settings.hitStream(settings.partitionOf(entry.siteId())), entry.encode());
      scheduleFlush(conn);
      return added;
    });
  }

  private static void requireSite(String siteId, String other) {
    if (!siteId.equals(other)) {
      throw new IllegalArgumentException("appendOnce takes the entries of one site");
    }
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
