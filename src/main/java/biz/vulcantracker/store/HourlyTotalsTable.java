package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The {@code hourly_totals} rollup: upserts of absolute values per UTC hour, read for hourly series. */
public final class HourlyTotalsTable {

  private final CassandraSession session;
  private final String table;
  private final CompletionStage<PreparedStatement> upsert;

  public HourlyTotalsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".hourly_totals";
    this.upsert = session.prepare("INSERT INTO " + table
        + " (site_id, hour, visitors, visits, pageviews, events, bounces, duration_ms, bots) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** One site's hours: one partition, so one unlogged batch. */
  public CompletionStage<Done> write(String siteId, List<HourlyTotals> hours) {
    if (hours.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return upsert.thenCompose(statement -> {
      BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (HourlyTotals hour : hours) {
        batch = batch.add(statement.bind(siteId, hour.hour(), hour.visitors(), hour.visits(), hour.pageviews(),
            hour.events(), hour.bounces(), hour.durationMs(), hour.bots()));
      }
      return session.executeWriteBatch(batch);
    });
  }

  /** The hours starting in {@code [from, to)}. */
  public CompletionStage<List<HourlyTotals>> read(String siteId, Instant from, Instant to) {
    return session
        .selectAll("SELECT hour, visitors, visits, pageviews, events, bounces, duration_ms, bots FROM " + table
            + " WHERE site_id = ? AND hour >= ? AND hour < ?", siteId, from, to)
        .thenApply(rows -> rows.stream()
            .map(r -> new HourlyTotals(r.getInstant("hour"), r.getLong("visitors"), r.getLong("visits"), r.getLong("pageviews"),
                r.getLong("events"), r.getLong("bounces"), r.getLong("duration_ms"), r.getLong("bots")))
            .toList());
  }
}
