package biz.vulcantracker.queue;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads one partition's stream for its consumer group under the partition's stable consumer name,
 * in an order that keeps the per-partition watermark exact: no entry is read after a later one of
 * its partition has been persisted (the entities drop what is at or below their watermark as seen):
 *
 * <ol>
 *   <li>{@link Phase#OWN_PENDING}: its own pending entries (XREADGROUP from id 0), which a
 *       previous incarnation read but never acknowledged;
 *   <li>{@link Phase#CLAIM}: entries pending under any other consumer name, taken over with
 *       XAUTOCLAIM;
 *   <li>{@link Phase#NEW}: new entries ({@code >}), blocking briefly when there are none.
 * </ol>
 *
 * A new reader (every stream restart makes one) starts again at the first phase. The reader owns a
 * dedicated connection because its blocking reads would stall a shared one; for the same reason
 * acknowledgements go through the shared connection: the stream pulls the next batch while the
 * current one is being persisted, and an XACK queued behind that blocking read would wait up to
 * {@code block} whenever the partition has nothing new.
 */
public final class PartitionReader {

  /**
   * XACK then XDEL, in one script so that both happen or neither: acknowledged entries are deleted
   * so that the stream holds only what is still to be counted and its memory is bounded by the
   * backlog, never by history. As two commands, a node killed between them left acknowledged entries
   * in the stream for good. The XDEL strictly after the XACK: an entry deleted while still pending
   * would come back without its hit. In slices: Lua's unpack takes a few thousand values at most.
   */
  private static final String ACKNOWLEDGE_AND_DELETE = """
      for i = 2, #ARGV, 1000 do
        local last = math.min(i + 999, #ARGV)
        redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, i, last))
        redis.call('XDEL', KEYS[1], unpack(ARGV, i, last))
      end
      return 1
      """;

  /** Entries a reader's first read asks for. */
  static final int FIRST_COUNT = 8;

  enum Phase {
    OWN_PENDING,
    CLAIM,
    NEW
  }

  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> commands;
  private final RedisConnections redis;
  private final QueueSettings settings;
  private final int partition;
  private final String stream;
  private final Consumer<String> consumer;
  private Phase phase = Phase.OWN_PENDING;
  private String cursor = "0-0";
  /**
   * Entries asked for per read: about {@code read-batch-size} items at the last read's items per
   * entry (one per beacon, thousands per log chunk, {@link ChunkEntry}). The first read of a reader
   * asks for a few, not knowing which kind waits: a batch stays near its size in items either way.
   */
  private int count;

  private PartitionReader(
      StatefulRedisConnection<String, String> connection, RedisConnections redis, QueueSettings settings, int partition) {
    this.connection = connection;
    this.redis = redis;
    this.commands = connection.async();
    this.settings = settings;
    this.partition = partition;
    this.stream = settings.hitStream(partition);
    this.consumer = Consumer.from(settings.consumerGroup(), settings.consumerName(partition));
    this.count = Math.min(FIRST_COUNT, settings.readBatchSize());
  }

  /**
   * An endless source of batches of one partition (empty batches are dropped). Each batch must be
   * acknowledged through {@link Batch#acknowledge()} before the next one is pulled.
   */
  public static Source<Batch, NotUsed> source(
      RedisConnections redis, QueueSettings settings, int partition) {
    return Source.<Batch, PartitionReader>unfoldResourceAsync(
            () -> redis.dedicated().thenCompose(c -> new PartitionReader(c, redis, settings, partition).ensureGroup()),
            reader -> reader.next().thenApply(Optional::of),
            reader -> reader.connection.closeAsync().thenApply(v -> Done.getInstance()))
        .filter(batch -> !batch.entries().isEmpty());
  }

  private CompletionStage<PartitionReader> ensureGroup() {
    return commands
        .xgroupCreate(XReadArgs.StreamOffset.from(stream, "0-0"), settings.consumerGroup(), XGroupCreateArgs.Builder.mkstream())
        .toCompletableFuture()
        .handle(
            (ok, error) -> {
              if (error != null && !isBusyGroup(error)) {
                throw new IllegalStateException("could not create consumer group on " + stream, error);
              }
              return this;
            });
  }

  private static boolean isBusyGroup(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
    return cause instanceof RedisBusyException
        || (cause != null && cause.getMessage() != null && cause.getMessage().startsWith("BUSYGROUP"));
  }

  private CompletionStage<Batch> next() {
    return switch (phase) {
      case OWN_PENDING -> readOwnPending();
      case CLAIM -> claimFromOthers();
      case NEW -> readNew();
    };
  }

  private CompletionStage<Batch> readOwnPending() {
    return commands
        .xreadgroup(consumer, XReadArgs.Builder.count(count), XReadArgs.StreamOffset.from(stream, cursor))
        .toCompletableFuture()
        .thenApply(
            messages -> {
              if (messages.isEmpty()) {
                phase = Phase.CLAIM;
                cursor = "0-0";
              } else {
                cursor = messages.get(messages.size() - 1).getId();
              }
              return batchOf(messages);
            });
  }

  private CompletionStage<Batch> claimFromOthers() {
    XAutoClaimArgs<String> args =
        new XAutoClaimArgs<String>()
            .consumer(consumer)
            .minIdleTime(settings.claimMinIdle())
            .startId(cursor)
            .count(count);
    return commands
        .xautoclaim(stream, args)
        .toCompletableFuture()
        .thenApply(
            claimed -> {
              cursor = claimed.getId();
              if ("0-0".equals(cursor)) {
                phase = Phase.NEW;
              }
              return batchOf(claimed.getMessages());
            });
  }

  private CompletionStage<Batch> readNew() {
    return commands
        .xreadgroup(
            consumer,
            XReadArgs.Builder.count(count).block(settings.block()),
            XReadArgs.StreamOffset.lastConsumed(stream))
        .toCompletableFuture()
        .thenApply(this::batchOf);
  }

  private Batch batchOf(List<StreamMessage<String, String>> messages) {
    List<StreamEntry> entries =
        messages.stream().map(m -> new StreamEntry(m.getId(), m.getBody())).toList();
    Batch batch = new Batch(partition, entries, this);
    if (!entries.isEmpty()) {
      count = countFor(settings.readBatchSize(), entries.size(), batch.items());
    }
    return batch;
  }

  /** Entries to ask for next: {@code batchItems} at the items per entry of a read of {@code entries} with {@code items}. */
  static int countFor(int batchItems, int entries, long items) {
    return (int) Math.max(1, Math.min(batchItems, batchItems * (long) entries / Math.max(1, items)));
  }

  private CompletionStage<Done> acknowledge(List<StreamEntry> entries) {
    String[] args = new String[entries.size() + 1];
    args[0] = settings.consumerGroup();
    for (int i = 0; i < entries.size(); i++) {
      args[i + 1] = entries.get(i).id();
    }
    return redis.shared().thenCompose(shared -> shared.async()
        .eval(ACKNOWLEDGE_AND_DELETE, ScriptOutputType.INTEGER, new String[] {stream}, args)
        .thenApply(ok -> Done.getInstance()));
  }

  /**
   * Entries read together from one partition, in stream order.
   *
   * @param items the hits and ledger entries the entries hold ({@link ChunkEntry#items})
   */
  public record Batch(int partition, List<StreamEntry> entries, long items, PartitionReader reader) {

    public Batch(int partition, List<StreamEntry> entries, PartitionReader reader) {
      this(partition, entries, entries.stream().mapToLong(entry -> ChunkEntry.items(entry.fields())).sum(), reader);
    }

    /** This batch followed by {@code later} (read after it from the same partition), as one batch. */
    public Batch merge(Batch later) {
      List<StreamEntry> all = new ArrayList<>(entries.size() + later.entries().size());
      all.addAll(entries);
      all.addAll(later.entries());
      return new Batch(partition, all, items + later.items(), later.reader());
    }

    /** XACK (and delete) every entry of the batch; call only after they are persisted. */
    public CompletionStage<Done> acknowledge() {
      return reader.acknowledge(entries);
    }
  }
}
