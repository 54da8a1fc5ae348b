package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@code daily_breakdowns} rollup: one row per (site, property, day, value), upserted with
 * absolute values by the site entity (only the rows a batch changed), read by the breakdown report
 * as one partition range per property.
 */
public final class DailyBreakdownsTable {

  private final CassandraSession session;
  private final String table;
  private final CompletionStage<PreparedStatement> upsert;
  private final CompletionStage<PreparedStatement> select;

  /**
   * Rows per page of a read: a month of 300 values is 9,000 rows, which the driver's default (5,000)
   * would fetch in two round trips one after the other.
   */
  private static final int PAGE_SIZE = 10_000;

  public DailyBreakdownsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".daily_breakdowns";
    this.upsert = session.prepare("INSERT INTO " + table
        + " (site_id, property, day, value, visitors, visits, pageviews, events, bounces, duration_ms)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.select = session.prepare("SELECT day, value, visitors, visits, pageviews, events, bounces, duration_ms FROM " + table
        + " WHERE site_id = ? AND property = ? AND day >= ? AND day <= ?");
  }

  /**
   * One unlogged batch per partition (site, property), the batches concurrently: a batch within one
   * partition is a single write for Cassandra, and a few dozen requests per site and batch keep the
   * driver's per-connection limit far away even with every partition's consumer writing at once.
   */
  public CompletionStage<Done> write(String siteId, List<BreakdownRow> rows) {
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Map<String, List<BreakdownRow>> byProperty = rows.stream().collect(Collectors.groupingBy(BreakdownRow::property));
    return upsert.thenCompose(statement -> {
      CompletableFuture<?>[] writes = byProperty.values().stream()
          .map(partition -> {
            BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
            for (BreakdownRow row : partition) {
              batch = batch.add(statement.bind(siteId, row.property(), row.day(), row.value(), row.visitors(),
                  row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs()));
            }
            return session.executeWriteBatch(batch).toCompletableFuture();
          })
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(writes).thenApply(v -> Done.getInstance());
    });
  }

  public CompletionStage<List<BreakdownRow>> read(String siteId, String property, LocalDate from, LocalDate to) {
    return select
        .thenCompose(statement -> session.selectAll(statement.bind(siteId, property, from, to).setPageSize(PAGE_SIZE)))
        .thenApply(rows -> rows.stream()
            .map(r -> new BreakdownRow(r.getLocalDate("day"), property, r.getString("value"), r.getLong("visitors"),
                r.getLong("visits"), r.getLong("pageviews"), r.getLong("events"), r.getLong("bounces"), r.getLong("duration_ms")))
            .toList());
  }
}
