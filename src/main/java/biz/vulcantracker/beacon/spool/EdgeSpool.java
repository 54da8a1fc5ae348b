package biz.vulcantracker.beacon.spool;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.queue.HitAppender;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.queue.QueuedHitCodec;
import biz.vulcantracker.telemetry.Readiness;
import biz.vulcantracker.telemetry.Telemetry;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's way into the queue, with a spool for when Redis is away. Hits go to Redis while it
 * answers, through the appender the caller passes (the front's loop connection, or
 * {@link HitProducer}); when an append fails, they are appended to a local, bounded spool file
 * ({@link SpoolFile}), forced to disk, and only then answered 204. While the
 * spool holds anything, new hits go behind it, so hits reach the streams in the order they were
 * taken. A replayer moves spooled records to Redis oldest first, each through
 * {@link HitProducer#appendOnce} under the record's own id: a replay that is cut off after Redis
 * took it, and runs again, adds nothing. When the spool is full the append fails (the edge answers
 * 503).
 *
 * <p>Two limits, documented in README: a hit whose XADD timed out although Redis had taken it is
 * spooled too and reaches the stream twice under one hit id, which katric counts once (it drops a
 * hit id seen in the last hour of hit time); and a spool on a disk that is lost with its machine
 * is lost with it.
 */
public final class EdgeSpool implements AutoCloseable, MeterBinder {

  private static final Logger log = LoggerFactory.getLogger(EdgeSpool.class);

  /** One spooled request's hits, under an id no other record ever has (the replay's once-key). */
  record Record(String id, List<String> hits) {}

  private final HitProducer producer;
  private final String streamPrefix;
  private final long maxBytes;
  /** An append was refused for want of room, and no replay has made room since. */
  private volatile boolean full;
  private final Duration keepReplayKeys;
  private final SpoolFile file;
  private final ScheduledExecutorService thread;
  private volatile boolean backlogged;
  private volatile long backlogBytes;
  private boolean replaying;
  private final AtomicLong spooledHits = new AtomicLong();
  private final AtomicLong replayedHits = new AtomicLong();

  private EdgeSpool(HitProducer producer, String streamPrefix, long maxBytes, Duration keepReplayKeys, SpoolFile file,
      Duration replayInterval) throws IOException {
    this.producer = producer;
    this.streamPrefix = streamPrefix;
    this.maxBytes = maxBytes;
    this.keepReplayKeys = keepReplayKeys;
    this.file = file;
    this.backlogBytes = file == null ? 0 : file.backlog();
    this.backlogged = backlogBytes > 0;
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "vulcan-edge-spool");
      t.setDaemon(true);
      return t;
    });
    if (file != null) {
      thread.scheduleWithFixedDelay(this::replay, replayInterval.toMillis(), replayInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The node's spool ({@code vulcan.beacon.spool}), with its meters, standing in for Redis in the
   * readiness check while it has room, and closed when the node stops; with {@code max-bytes = 0}
   * there is none and a failed append fails the request.
   */
  public static EdgeSpool start(ActorSystem<?> system, HitProducer producer) {
    EdgeSpool spool = open(system.settings().config(), producer);
    spool.bindTo(Telemetry.get(system).registry());
    Readiness.get(system).standInForRedis(spool::accepting);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-spool", () -> {
      try {
        spool.close();
      } catch (IOException e) {
        log.warn("Closing the spool failed (its records are on disk already)", e);
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    return spool;
  }

  private static EdgeSpool open(Config config, HitProducer producer) {
    Config spool = config.getConfig("vulcan.beacon.spool");
    long maxBytes = spool.getBytes("max-bytes");
    try {
      SpoolFile file = maxBytes > 0 ? SpoolFile.open(Path.of(spool.getString("directory"))) : null;
      if (file != null && file.backlog() > 0) {
        log.warn("The spool {} holds {} bytes of hits from before; replaying them", file.path(), file.backlog());
      }
      return new EdgeSpool(producer, config.getString("vulcan.stream-prefix"), maxBytes,
          spool.getDuration("replay-key-retention"), file, spool.getDuration("replay-interval"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the spool in " + spool.getString("directory"), e);
    }
  }

  /**
   * Queues the hits (to Redis through {@code redis}, or to the spool); completes once they are in
   * one or the other.
   */
  public CompletionStage<Integer> append(List<QueuedHit> hits, HitAppender redis) {
    if (file == null) {
      return redis.append(hits).thenApply(List::size);
    }
    if (backlogged) {
      return spool(hits);
    }
    return redis.append(hits).thenApply(List::size).exceptionallyCompose(failure -> {
      log.warn("Redis append failed ({}); spooling {} hits", failure.getClass().getSimpleName(), hits.size());
      return spool(hits);
    });
  }

  /**
   * False when a spooled append would be refused: no spool, or one that refused an append for want
   * of room and has not had room made since by a replay. (The backlog alone is no answer: a spool a
   * few bytes under its limit refuses every request.)
   */
  public boolean accepting() {
    return file != null && !full && backlogBytes < maxBytes;
  }

  public long backlogBytes() {
    return backlogBytes;
  }

  public long spooledHits() {
    return spooledHits.get();
  }

  public long replayedHits() {
    return replayedHits.get();
  }

  private CompletionStage<Integer> spool(List<QueuedHit> hits) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        byte[] payload = Json.MAPPER.writeValueAsBytes(new Record(UUID.randomUUID().toString(),
            hits.stream().map(hit -> QueuedHitCodec.encode(hit).get(QueuedHitCodec.FIELD)).toList()));
        if (file.backlog() + payload.length > maxBytes) {
          full = true;
          throw new SpoolFullException(maxBytes);
        }
        file.append(payload);
        backlogBytes = file.backlog();
        backlogged = true;
        spooledHits.addAndGet(hits.size());
        return hits.size();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, thread);
  }

  /** Replays the oldest record, then the next, until the spool is empty or Redis fails again. */
  private void replay() {
    if (replaying) {
      return;
    }
    byte[] payload;
    Record record;
    try {
      var next = file.next();
      if (next.isEmpty()) {
        backlogged = false;
        return;
      }
      payload = next.get();
      record = Json.MAPPER.readValue(payload, Record.class);
    } catch (IOException e) {
      log.error("Cannot read the spool {}", file.path(), e);
      return;
    }
    replaying = true;
    Map<String, List<QueuedHit>> bySite = new LinkedHashMap<>();
    for (String json : record.hits()) {
      QueuedHit hit = QueuedHitCodec.decode(Map.of(QueuedHitCodec.FIELD, json));
      bySite.computeIfAbsent(hit.siteId(), site -> new ArrayList<>()).add(hit);
    }
    CompletionStage<Boolean> chain = CompletableFuture.completedFuture(true);
    for (var site : bySite.entrySet()) {
      String onceKey = streamPrefix + ":spool:" + file.id() + ":" + record.id() + ":" + site.getKey();
      chain = chain.thenCompose(previous -> producer.appendOnce(onceKey, keepReplayKeys, site.getValue()));
    }
    chain.whenCompleteAsync((appended, failure) -> {
      replaying = false;
      if (failure != null) {
        return; // Redis is still away: the next tick tries again
      }
      try {
        file.advance(payload.length);
        backlogBytes = file.backlog();
        full = false;
        replayedHits.addAndGet(record.hits().size());
        if (backlogBytes == 0) {
          log.info("The spool is replayed; hits go to Redis directly again");
        }
      } catch (IOException e) {
        log.error("Cannot move the spool's read position", e);
        return;
      }
      replay();
    }, thread);
  }

  @Override
  public void close() throws IOException {
    thread.shutdown();
    if (file != null) {
      file.close();
    }
  }

  /** What the spool holds, and the hits it took and replayed. */
  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("vulcan.spool.backlog", this::backlogBytes).baseUnit("bytes")
        .description("Bytes of hits spooled while Redis was away and not yet replayed").register(registry);
    FunctionCounter.builder("vulcan.spool.hits.spooled", this, EdgeSpool::spooledHits)
        .description("Hits written to the spool because Redis was away (or the spool was being replayed)").register(registry);
    FunctionCounter.builder("vulcan.spool.hits.replayed", this, EdgeSpool::replayedHits)
        .description("Spooled hits moved to Redis").register(registry);
  }

  /** The spool has no room for another record. */
  public static final class SpoolFullException extends RuntimeException {
    SpoolFullException(long maxBytes) {
      super("the spool is full (" + maxBytes + " bytes)");
    }
  }
}
