package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The {@code hits} table: anonymized hits per (site, day), written by the site entities with every
 * batch and scanned by the filtered reports as a stream, one visitor after another.
 */
public final class HitsTable {

  /**
   * Rows per unlogged batch. A batch within one partition is a single write for Cassandra; 64 rows
   * (about 20 KB) stay under its batch size failure threshold (50 KiB by default).
   */
  private static final int BATCH_ROWS = 64;
  /** Rows per page of a scan: large pages for a full partition scan, still a bounded buffer. */
  private static final int PAGE_SIZE = 5000;
  private static final String COLUMNS = "day, visitor_id, hit_key, ts, previous_visitor_id, event, props, "
      + String.join(", ", HitRow.PROPERTIES);

  private final CassandraSession session;
  private final CompletionStage<PreparedStatement> insert;
  private final CompletionStage<PreparedStatement> scan;

  public HitsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    String table = settings.keyspace() + ".hits";
    this.insert = session.prepare("INSERT INTO " + table + " (site_id, " + COLUMNS + ") VALUES (?"
        + ", ?".repeat(7 + HitRow.PROPERTIES.size()) + ")");
    this.scan = session.prepare("SELECT " + COLUMNS + " FROM " + table + " WHERE site_id = ? AND day = ?");
  }

  /** Upserts the rows, one partition's rows in batches of {@value #BATCH_ROWS}, all concurrently. */
  public CompletionStage<Done> write(String siteId, List<HitRow> rows) {
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Map<LocalDate, List<HitRow>> byDay = rows.stream().collect(Collectors.groupingBy(HitRow::day));
    return insert.thenCompose(statement -> {
      List<CompletableFuture<Done>> writes = new ArrayList<>();
      byDay.values().forEach(partition -> {
        for (int start = 0; start < partition.size(); start += BATCH_ROWS) {
          BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
          for (HitRow row : partition.subList(start, Math.min(partition.size(), start + BATCH_ROWS))) {
            batch = batch.add(bind(statement, siteId, row));
          }
          writes.add(session.executeWriteBatch(batch).toCompletableFuture());
        }
      });
      return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
    });
  }

  /**
   * Binds a row leaving absent values unset: a null bound in an INSERT would write a tombstone per
   * empty column, and most hits have no UTM tags, region or event properties.
   */
  private static BoundStatement bind(PreparedStatement statement, String siteId, HitRow row) {
    BoundStatementBuilder bound = statement.boundStatementBuilder()
        .setString(0, siteId)
        .setLocalDate(1, row.day())
        .setLong(2, row.visitorId())
        .setString(3, row.hitKey())
        .setInstant(4, Instant.ofEpochMilli(row.timestamp()))
        .setString(6, row.eventName());
    if (row.previousVisitorId() != null) {
      bound = bound.setLong(5, row.previousVisitorId());
    }
    if (row.props() != null && !row.props().isEmpty()) {
      bound = bound.setMap(7, row.props(), String.class, String.class);
    }
    for (int i = 0; i < HitRow.PROPERTIES.size(); i++) {
      String value = row.property(HitRow.PROPERTIES.get(i));
      if (value != null) {
        bound = bound.setString(8 + i, value);
      }
    }
    return bound.build();
  }

  /** One day's hits of a site, streamed page by page, a visitor's hits next to each other. */
  public Source<HitRow, NotUsed> read(String siteId, LocalDate day) {
    CompletionStage<Statement<?>> statement = scan.thenApply(s -> s.bind(siteId, day).setPageSize(PAGE_SIZE));
    return session.select(statement).map(HitsTable::toHit);
  }

  private static HitRow toHit(Row row) {
    Map<String, String> properties = new HashMap<>();
    for (String property : HitRow.PROPERTIES) {
      String value = row.getString(property);
      if (value != null) {
        properties.put(property, value);
      }
    }
    return new HitRow(row.getLocalDate("day"), row.getLong("visitor_id"), row.getString("hit_key"),
        row.getInstant("ts").toEpochMilli(),
        row.isNull("previous_visitor_id") ? null : row.getLong("previous_visitor_id"),
        row.getString("event"), properties, row.getMap("props", String.class, String.class));
  }
}
