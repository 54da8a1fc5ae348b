package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The {@code hit_chunks} table: anonymized hits per (site, day), written by the site entities with
 * every batch as {@link HitChunk}s (a row per bucket of visitors, not per hit) and scanned by the
 * filtered reports as a stream of hits, one visitor's after another ({@link HitChunkScan}).
 */
public final class HitsTable {

  /** Bytes of hits per unlogged batch: with the keys, under Cassandra's failure threshold (50 KiB). */
  private static final int BATCH_BYTES = 40 * 1024;
  /** Rows per page of a scan: a chunk holds up to a few dozen hits, so pages stay a bounded buffer. */
  private static final int PAGE_SIZE = 500;

  private final CassandraSession session;
  private final CompletionStage<PreparedStatement> insert;
  private final CompletionStage<PreparedStatement> scan;

  public HitsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    String table = settings.keyspace() + ".hit_chunks";
    this.insert = session.prepare("INSERT INTO " + table + " (site_id, day, bucket, chunk, packed) VALUES (?, ?, ?, ?, ?)");
    this.scan = session.prepare("SELECT day, bucket, chunk, packed, hits FROM " + table + " WHERE site_id = ? AND day = ?");
  }

  /**
   * Upserts the rows as chunks: a day's chunks in unlogged batches of up to {@value #BATCH_BYTES}
   * bytes of hits (a batch within one partition is one write for Cassandra), all concurrently.
   */
  public CompletionStage<Done> write(String siteId, List<HitRow> rows) {
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    List<HitChunk> chunks = HitChunk.split(rows);
    return insert.thenCompose(statement -> {
      List<CompletableFuture<Done>> writes = new ArrayList<>();
      BatchStatement batch = null;
      LocalDate batchDay = null;
      int batchBytes = 0;
      for (HitChunk chunk : chunks) {
        ByteBuffer hits = chunk.packed();
        if (batch != null && (!chunk.day().equals(batchDay) || batchBytes + hits.remaining() > BATCH_BYTES)) {
          writes.add(session.executeWriteBatch(batch).toCompletableFuture());
          batch = null;
        }
        if (batch == null) {
          batch = BatchStatement.newInstance(BatchType.UNLOGGED);
          batchDay = chunk.day();
          batchBytes = 0;
        }
        batch = batch.add(statement.bind(siteId, chunk.day(), chunk.bucket(), chunk.key(), hits));
        batchBytes += hits.remaining();
      }
      writes.add(session.executeWriteBatch(batch).toCompletableFuture());
      return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
    });
  }

  /** One day's hits of a site, streamed bucket by bucket, each hit once, a visitor's hits next to each other. */
  public Source<HitRow, NotUsed> read(String siteId, LocalDate day) {
    CompletionStage<Statement<?>> statement = scan.thenApply(s -> s.bind(siteId, day).setPageSize(PAGE_SIZE));
    return session.select(statement)
        .map(row -> Optional.of(row.isNull("packed")
            ? HitChunk.ofJson(row.getLocalDate("day"), row.getInt("bucket"), row.getString("chunk"), row.getString("hits"))
            : HitChunk.of(row.getLocalDate("day"), row.getInt("bucket"), row.getString("chunk"), row.getByteBuffer("packed"))))
        .concat(Source.single(Optional.empty())) // the end of the scan completes the last bucket
        .statefulMapConcat(() -> {
          HitChunkScan buckets = new HitChunkScan();
          return chunk -> chunk.isPresent() ? buckets.accept(chunk.get()) : buckets.finish();
        });
  }
}
