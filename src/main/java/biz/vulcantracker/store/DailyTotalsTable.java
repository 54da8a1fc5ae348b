package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@code daily_totals} rollup: written by the site entity as upserts of absolute values (a
 * rewrite after a redelivery or a crash writes the same numbers), read by the stats API.
 */
public final class DailyTotalsTable {

  private final CassandraSession session;
  private final String table;
  private final CompletionStage<PreparedStatement> upsert;

  public DailyTotalsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".daily_totals";
    this.upsert =
        session.prepare(
            "INSERT INTO " + table
                + " (site_id, day, visitors, visits, pageviews, events, bounces, duration_ms, bots, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** Writes the given days of one site; one partition, so one unlogged batch. */
  public CompletionStage<Done> write(String siteId, List<DailyTotals> days) {
    if (days.isEmpty()) {
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    }
    Instant now = Instant.now();
    return upsert.thenCompose(
        statement -> {
          BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
          for (DailyTotals day : days) {
            batch = batch.add(statement.bind(siteId, day.day(), day.visitors(), day.visits(), day.pageviews(),
                day.events(), day.bounces(), day.durationMs(), day.bots(), now));
          }
          return session.executeWriteBatch(batch);
        });
  }

  /** The site's first day with a row: where its own data starts. */
  public CompletionStage<java.util.Optional<LocalDate>> firstDay(String siteId) {
    return session.selectOne("SELECT day FROM " + table + " WHERE site_id = ? ORDER BY day ASC LIMIT 1", siteId)
        .thenApply(row -> row.map(r -> r.getLocalDate("day")));
  }

  /** The days of {@code [from, to]} that have rows, newest first. */
  public CompletionStage<List<DailyTotals>> read(String siteId, LocalDate from, LocalDate to) {
    return session
        .selectAll(
            "SELECT day, visitors, visits, pageviews, events, bounces, duration_ms, bots FROM " + table
                + " WHERE site_id = ? AND day >= ? AND day <= ?",
            siteId,
            from,
            to)
        .thenApply(
            rows ->
                rows.stream()
                    .map(r -> new DailyTotals(r.getLocalDate("day"), r.getLong("visitors"), r.getLong("visits"),
                        r.getLong("pageviews"), r.getLong("events"), r.getLong("bounces"), r.getLong("duration_ms"), r.getLong("bots")))
                    .toList());
  }
}
