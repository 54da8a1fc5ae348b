package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
 * batch and scanned by the filtered reports as a stream, one visitor after another. A hit's values
 * are one JSON cell ({@link Data}) rather than a column each: Cassandra's write cost goes by cells,
 * and with a dozen per hit this table cost more than all the rollups together.
 */
public final class HitsTable {

  /**
   * Rows per unlogged batch. A batch within one partition is a single write for Cassandra; 64 rows
   * (about 20 KB) stay under its batch size failure threshold (50 KiB by default).
   */
  private static final int BATCH_ROWS = 64;
  /** Rows per page of a scan: large pages for a full partition scan, still a bounded buffer. */
  private static final int PAGE_SIZE = 5000;
  private static final ObjectMapper MAPPER = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
  private static final ObjectWriter WRITER = MAPPER.writerFor(Data.class);
  private static final ObjectReader READER = MAPPER.readerFor(Data.class);

  /** The {@code data} column. */
  record Data(String event, Long previous, Map<String, String> properties, Map<String, String> props) {}

  private final CassandraSession session;
  private final CompletionStage<PreparedStatement> insert;
  private final CompletionStage<PreparedStatement> scan;

  public HitsTable(CassandraSession session, StoreSettings settings) {
    this.session = session;
    String table = settings.keyspace() + ".hits";
    this.insert = session.prepare("INSERT INTO " + table + " (site_id, day, visitor_id, hit_key, ts, data) VALUES (?, ?, ?, ?, ?, ?)");
    this.scan = session.prepare("SELECT day, visitor_id, hit_key, ts, data FROM " + table + " WHERE site_id = ? AND day = ?");
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
            batch = batch.add(statement.bind(siteId, row.day(), row.visitorId(), row.hitKey(),
                Instant.ofEpochMilli(row.timestamp()), data(row)));
          }
          writes.add(session.executeWriteBatch(batch).toCompletableFuture());
        }
      });
      return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
    });
  }

  private static String data(HitRow row) {
    try {
      return WRITER.writeValueAsString(new Data(row.eventName(), row.previousVisitorId(), row.properties(), row.props()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  /** One day's hits of a site, streamed page by page, a visitor's hits next to each other. */
  public Source<HitRow, NotUsed> read(String siteId, LocalDate day) {
    CompletionStage<Statement<?>> statement = scan.thenApply(s -> s.bind(siteId, day).setPageSize(PAGE_SIZE));
    return session.select(statement).map(HitsTable::toHit);
  }

  private static HitRow toHit(Row row) throws JsonProcessingException {
    Data data = READER.readValue(row.getString("data"));
    return new HitRow(row.getLocalDate("day"), row.getLong("visitor_id"), row.getString("hit_key"),
        row.getInstant("ts").toEpochMilli(), data.previous(), data.event(),
        data.properties() == null ? Map.of() : data.properties(), data.props() == null ? Map.of() : data.props());
  }
}
