package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@code visit_segments} table: each (site, day)'s {@link VisitSegment}, in parts of at most
 * {@value #PART_BYTES} bytes under the counts it was built from. Writing a segment first deletes
 * the day's earlier ones; a reader asks for the counts it wants and takes a segment only whole.
 */
public final class VisitSegmentsTable {

  /** Bytes per row: a day of a busy site is megabytes, and one write must stay far below 16 MiB. */
  static final int PART_BYTES = 512 * 1024;

  private final CassandraSession session;
  private final String table;
  private final CompletionStage<PreparedStatement> insert;
  private final CompletionStage<PreparedStatement> select;

  public VisitSegmentsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".visit_segments";
    this.insert = session.prepare("INSERT INTO " + table + " (site_id, day, versions, part, parts, data) VALUES (?, ?, ?, ?, ?, ?)");
    this.select = session.prepare("SELECT part, parts, data FROM " + table + " WHERE site_id = ? AND day = ? AND versions = ?");
  }

  /** The day's segment built from these counts (day before, day, day after), if one is stored whole. */
  public CompletionStage<Optional<VisitSegment>> read(String siteId, LocalDate day, long[] versions) {
    return select.thenCompose(statement -> session.selectAll(statement.bind(siteId, day, key(versions))))
        .thenApply(rows -> assemble(rows).map(VisitSegment::decode));
  }

  private static Optional<byte[]> assemble(List<Row> rows) {
    if (rows.isEmpty() || rows.get(0).getInt("parts") != rows.size()) {
      return Optional.empty(); // none, or a write still in progress (or cut off)
    }
    int size = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).getInt("part") != i) {
        return Optional.empty();
      }
      size += rows.get(i).getByteBuffer("data").remaining();
    }
    byte[] bytes = new byte[size];
    int at = 0;
    for (Row row : rows) {
      ByteBuffer data = row.getByteBuffer("data");
      int length = data.remaining();
      data.get(bytes, at, length);
      at += length;
    }
    return Optional.of(bytes);
  }

  /** Replaces the day's stored segments with this one. */
  public CompletionStage<Done> write(String siteId, VisitSegment segment) {
    byte[] bytes = segment.encode();
    int parts = Math.max(1, (bytes.length + PART_BYTES - 1) / PART_BYTES);
    String versions = key(segment.versions());
    return session.executeWrite("DELETE FROM " + table + " WHERE site_id = ? AND day = ?", siteId, segment.day())
        .thenCompose(deleted -> insert)
        .thenCompose(statement -> {
          List<CompletableFuture<Done>> writes = new ArrayList<>();
          for (int part = 0; part < parts; part++) {
            ByteBuffer data = ByteBuffer.wrap(bytes, part * PART_BYTES, Math.min(PART_BYTES, bytes.length - part * PART_BYTES));
            writes.add(session.executeWrite(statement.bind(siteId, segment.day(), versions, part, parts, data)).toCompletableFuture());
          }
          return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
        });
  }

  private static String key(long[] versions) {
    return Arrays.stream(versions).mapToObj(Long::toString).collect(Collectors.joining(","));
  }
}
