package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The {@code ledger_days} table: a site's ledger per day, written whole by its entity, read by the ledger report. */
public final class LedgerDaysTable {

  private final CassandraSession session;
  private final CompletionStage<PreparedStatement> upsert;
  private final CompletionStage<PreparedStatement> selectDays;
  private final CompletionStage<PreparedStatement> selectRange;

  public LedgerDaysTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    String table = settings.keyspace() + ".ledger_days";
    this.upsert = session.prepare("INSERT INTO " + table + " (site_id, day, counts, previous, stream_partition, last_entry) VALUES (?, ?, ?, ?, ?, ?)");
    this.selectDays = session.prepare("SELECT day, counts, previous, stream_partition, last_entry FROM " + table + " WHERE site_id = ? AND day IN ?");
    this.selectRange = session.prepare("SELECT day, counts, previous, stream_partition, last_entry FROM " + table
        + " WHERE site_id = ? AND day >= ? AND day <= ?");
  }

  /** Writes one site's rows; one partition, so one unlogged batch. */
  public CompletionStage<Done> write(String siteId, Collection<LedgerDay> days) {
    if (days.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return upsert.thenCompose(statement -> {
      BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (LedgerDay day : days) {
        batch = batch.add(statement.bind(siteId, day.day(), day.counts(), day.previous(), day.partition(), day.batch()));
      }
      return session.executeWriteBatch(batch);
    });
  }

  /** The rows of these days that exist. */
  public CompletionStage<Map<LocalDate, LedgerDay>> read(String siteId, List<LocalDate> days) {
    if (days.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return selectDays.thenCompose(statement -> session.selectAll(statement.bind(siteId, days))).thenApply(LedgerDaysTable::byDay);
  }

  /** The rows of the days of {@code [from, to]} that exist. */
  public CompletionStage<Map<LocalDate, LedgerDay>> read(String siteId, LocalDate from, LocalDate to) {
    return selectRange.thenCompose(statement -> session.selectAll(statement.bind(siteId, from, to))).thenApply(LedgerDaysTable::byDay);
  }

  private static Map<LocalDate, LedgerDay> byDay(List<Row> rows) {
    Map<LocalDate, LedgerDay> days = new TreeMap<>();
    for (Row row : rows) {
      LocalDate day = row.getLocalDate("day");
      days.put(day, new LedgerDay(day, row.getMap("counts", String.class, Long.class), row.getMap("previous", String.class, Long.class),
          row.getInt("stream_partition"), row.getString("last_entry")));
    }
    return days;
  }
}
