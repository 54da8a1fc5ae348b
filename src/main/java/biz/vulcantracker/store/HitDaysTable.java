package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@code hit_days} table: how many distinct hits each day of a site holds. The site entity
 * writes the counts of a batch's days after the batch's hits; the reports compare them with the
 * counts a {@link VisitSegment} was built from.
 */
public final class HitDaysTable {

  private final CassandraSession session;
  private final String table;
  private final CompletionStage<PreparedStatement> upsert;
  private final CompletionStage<PreparedStatement> backfill;

  public HitDaysTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".hit_days";
    this.upsert = session.prepare("INSERT INTO " + table + " (site_id, day, hits) VALUES (?, ?, ?)");
    // The oldest possible write time: any count the site entity writes, before or after, wins over it.
    this.backfill = session.prepare("INSERT INTO " + table + " (site_id, day, hits) VALUES (?, ?, ?) USING TIMESTAMP 1");
  }

  /** Writes the counts of one site's days; one partition, so one unlogged batch. */
  public CompletionStage<Done> write(String siteId, Map<LocalDate, Long> counts) {
    return write(upsert, siteId, counts);
  }

  /**
   * Writes counts of days that had none (days of no hits, or hits written before counts were kept)
   * as counted by a scan of the hits table, at the oldest write time there is: never over a count
   * the site entity wrote, whichever is written first.
   */
  public CompletionStage<Done> backfill(String siteId, Map<LocalDate, Long> counts) {
    return write(backfill, siteId, counts);
  }

  private CompletionStage<Done> write(CompletionStage<PreparedStatement> prepared, String siteId, Map<LocalDate, Long> counts) {
    if (counts.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return prepared.thenCompose(statement -> {
      BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (Map.Entry<LocalDate, Long> day : counts.entrySet()) {
        batch = batch.add(statement.bind(siteId, day.getKey(), day.getValue()));
      }
      return session.executeWriteBatch(batch);
    });
  }

  /** The counts of the days of {@code [from, to]} that have one (a day without is unknown, not empty). */
  public CompletionStage<Map<LocalDate, Long>> read(String siteId, LocalDate from, LocalDate to) {
    return session.selectAll("SELECT day, hits FROM " + table + " WHERE site_id = ? AND day >= ? AND day <= ?", siteId, from, to)
        .thenApply(rows -> {
          Map<LocalDate, Long> counts = new TreeMap<>();
          rows.forEach(row -> counts.put(row.getLocalDate("day"), row.getLong("hits")));
          return counts;
        });
  }
}
