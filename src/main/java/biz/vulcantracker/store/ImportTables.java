package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Imports of other tools' exports: {@code imports} (one row per import, its state and progress),
 * {@code imported_days} (its daily totals) and {@code imported_breakdowns} (its rows per property
 * and day), each under the import's id, so that deleting an import removes exactly what it wrote,
 * one partition per table and property.
 */
public final class ImportTables {

  /** An import's state: rows are written while {@code importing}, read by reports once {@code done}. */
  public static final String IMPORTING = "importing";
  public static final String DONE = "done";
  public static final String FAILED = "failed";

  /** One import. */
  public record Import(String siteId, String importId, String source, String fileName, String state, String error,
      String createdBy, Instant createdAt, Instant updatedAt, long rowsTotal, long rowsWritten, LocalDate firstDay,
      LocalDate lastDay, Set<String> properties) {}

  private static final String COLUMNS = "site_id, import_id, source, file_name, state, error, created_by, created_at, updated_at, "
      + "rows_total, rows_written, first_day, last_day, properties";
  /** Rows per unlogged batch: one partition each, well under the batch size warning. */
  private static final int BATCH_ROWS = 100;

  private final CassandraSession session;
  private final String imports;
  private final String days;
  private final String breakdowns;
  private final CompletionStage<PreparedStatement> insertDay;
  private final CompletionStage<PreparedStatement> insertRow;

  public ImportTables(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.imports = settings.keyspace() + ".imports";
    this.days = settings.keyspace() + ".imported_days";
    this.breakdowns = settings.keyspace() + ".imported_breakdowns";
    this.insertDay = session.prepare("INSERT INTO " + days
        + " (site_id, import_id, day, visitors, visits, pageviews, events, bounces, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.insertRow = session.prepare("INSERT INTO " + breakdowns + " (site_id, import_id, property, day, value, visitors, visits,"
        + " pageviews, events, bounces, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  public CompletionStage<List<Import>> imports(String siteId) {
    return session.selectAll("SELECT " + COLUMNS + " FROM " + imports + " WHERE site_id = ?", siteId)
        .thenApply(rows -> rows.stream().map(ImportTables::importOf).toList());
  }

  public CompletionStage<Optional<Import>> importOf(String siteId, String importId) {
    return session.selectOne("SELECT " + COLUMNS + " FROM " + imports + " WHERE site_id = ? AND import_id = ?", siteId, importId)
        .thenApply(row -> row.map(ImportTables::importOf));
  }

  public CompletionStage<Done> put(Import row) {
    return session.executeWrite("INSERT INTO " + imports + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row.siteId(), row.importId(), row.source(), row.fileName(), row.state(), row.error(), row.createdBy(), row.createdAt(),
        row.updatedAt(), row.rowsTotal(), row.rowsWritten(), row.firstDay(), row.lastDay(), row.properties());
  }

  public CompletionStage<Done> progress(String siteId, String importId, long rowsWritten) {
    return session.executeWrite("UPDATE " + imports + " SET rows_written = ?, updated_at = ? WHERE site_id = ? AND import_id = ?",
        rowsWritten, Instant.now(), siteId, importId);
  }

  public CompletionStage<Done> finish(String siteId, String importId, String state, String error) {
    return session.executeWrite("UPDATE " + imports + " SET state = ?, error = ?, updated_at = ? WHERE site_id = ? AND import_id = ?",
        state, error, Instant.now(), siteId, importId);
  }

  public CompletionStage<Done> writeDays(String siteId, String importId, List<DailyTotals> rows) {
    return insertDay.thenCompose(statement -> batches(rows, row -> statement.bind(siteId, importId, row.day(), row.visitors(),
        row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs())));
  }

  /** Rows of one property. */
  public CompletionStage<Done> writeBreakdown(String siteId, String importId, List<BreakdownRow> rows) {
    return insertRow.thenCompose(statement -> batches(rows, row -> statement.bind(siteId, importId, row.property(), row.day(),
        row.value(), row.visitors(), row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs())));
  }

  private <T> CompletionStage<Done> batches(List<T> rows, Function<T, BoundStatement> bind) {
    List<CompletableFuture<Done>> writes = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += BATCH_ROWS) {
      BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (T row : rows.subList(from, Math.min(rows.size(), from + BATCH_ROWS))) {
        batch = batch.add(bind.apply(row));
      }
      writes.add(session.executeWriteBatch(batch).toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
  }

  public CompletionStage<List<DailyTotals>> days(String siteId, String importId, LocalDate from, LocalDate to) {
    return session.selectAll("SELECT day, visitors, visits, pageviews, events, bounces, duration_ms FROM " + days
            + " WHERE site_id = ? AND import_id = ? AND day >= ? AND day <= ?", siteId, importId, from, to)
        .thenApply(rows -> rows.stream().map(r -> new DailyTotals(r.getLocalDate("day"), r.getLong("visitors"), r.getLong("visits"),
            r.getLong("pageviews"), r.getLong("events"), r.getLong("bounces"), r.getLong("duration_ms"), 0)).toList());
  }

  public CompletionStage<List<BreakdownRow>> breakdown(String siteId, String importId, String property, LocalDate from, LocalDate to) {
    return session.selectAll("SELECT day, value, visitors, visits, pageviews, events, bounces, duration_ms FROM " + breakdowns
            + " WHERE site_id = ? AND import_id = ? AND property = ? AND day >= ? AND day <= ?", siteId, importId, property, from, to)
        .thenApply(rows -> rows.stream().map(r -> new BreakdownRow(r.getLocalDate("day"), property, r.getString("value"),
            r.getLong("visitors"), r.getLong("visits"), r.getLong("pageviews"), r.getLong("events"), r.getLong("bounces"),
            r.getLong("duration_ms"))).toList());
  }

  /** Removes what the import wrote, then its row. */
  public CompletionStage<Done> delete(String siteId, String importId, Set<String> properties) {
    return deleteRows(siteId, importId, properties)
        .thenCompose(done -> session.executeWrite("DELETE FROM " + imports + " WHERE site_id = ? AND import_id = ?", siteId, importId));
  }

  /** Removes what the import wrote: its days, its rows of {@code properties}. */
  public CompletionStage<Done> deleteRows(String siteId, String importId, Set<String> properties) {
    List<CompletableFuture<Done>> deletes = new ArrayList<>();
    deletes.add(session.executeWrite("DELETE FROM " + days + " WHERE site_id = ? AND import_id = ?", siteId, importId)
        .toCompletableFuture());
    for (String property : properties) {
      deletes.add(session.executeWrite("DELETE FROM " + breakdowns + " WHERE site_id = ? AND import_id = ? AND property = ?",
          siteId, importId, property).toCompletableFuture());
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
  }

  private static Import importOf(Row r) {
    return new Import(r.getString("site_id"), r.getString("import_id"), r.getString("source"), r.getString("file_name"),
        r.getString("state"), r.getString("error"), r.getString("created_by"), r.getInstant("created_at"), r.getInstant("updated_at"),
        r.getLong("rows_total"), r.getLong("rows_written"), r.getLocalDate("first_day"), r.getLocalDate("last_day"),
        r.getSet("properties", String.class));
  }
}
