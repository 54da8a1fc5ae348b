package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The site registry table: create (once), read, list, rotate the secrets of, and delete sites. The
 * columns {@code ingest_token} and {@code report_key} hold the secrets' hashes.
 */
public final class SiteRepository {

  private final CassandraSession session;
  private final String table;

  public SiteRepository(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".sites";
  }

  /**
   * Inserts the site unless one with its id exists (a lightweight transaction, so two admins
   * creating the same id at once cannot both win). True when this call created it.
   */
  public CompletionStage<Boolean> create(Site site) {
    return session
        .selectOne(
            "INSERT INTO " + table
                + " (id, domains, timezone, ingest_token, report_key, created_at, retention_days) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS",
            site.id(),
            site.domains(),
            site.timezone().getId(),
            site.ingestTokenHash(),
            site.reportKeyHash(),
            site.createdAt(),
            site.retentionDays())
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]")).orElse(false));
  }

  public CompletionStage<Optional<Site>> find(String id) {
    return session
        .selectOne("SELECT id, domains, timezone, ingest_token, report_key, created_at, retention_days FROM " + table + " WHERE id = ?", id)
        .thenApply(row -> row.map(SiteRepository::toSite));
  }

  /** Every site; the registry is small (one row per site) and read whole by the caches. */
  public CompletionStage<List<Site>> findAll() {
    return session
        .selectAll("SELECT id, domains, timezone, ingest_token, report_key, created_at, retention_days FROM " + table)
        .thenApply(rows -> rows.stream().map(SiteRepository::toSite).toList());
  }

  /** Replaces a site's secrets' hashes. */
  public CompletionStage<Done> updateSecrets(Site site) {
    return session.executeWrite("UPDATE " + table + " SET ingest_token = ?, report_key = ? WHERE id = ?",
        site.ingestTokenHash(), site.reportKeyHash(), site.id());
  }

  public CompletionStage<Done> updateRetention(Site site) {
    return session.executeWrite("UPDATE " + table + " SET retention_days = ? WHERE id = ?", site.retentionDays(), site.id());
  }

  public CompletionStage<Done> delete(String id) {
    return session.executeWrite("DELETE FROM " + table + " WHERE id = ?", id);
  }

  private static Site toSite(Row row) {
    Instant created = row.getInstant("created_at");
    return new Site(
        row.getString("id"),
        List.copyOf(row.getList("domains", String.class)),
        ZoneId.of(row.getString("timezone")),
        row.getString("ingest_token"),
        row.getString("report_key"),
        created == null ? Instant.EPOCH : created,
        row.isNull("retention_days") ? 0 : row.getInt("retention_days"));
  }
}
