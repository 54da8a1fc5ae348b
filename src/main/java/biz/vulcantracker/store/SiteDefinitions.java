package biz.vulcantracker.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@code site_definitions} table: what a site's owner defines for its reports (goals, funnels),
 * one JSON document per (kind, id). The table knows nothing of the documents' shape; the query layer
 * parses and checks them.
 */
public final class SiteDefinitions {

  /** One stored definition. */
  public record Stored(String id, String json, Instant createdAt) {}

  private final CassandraSession session;
  private final String table;

  public SiteDefinitions(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.table = settings.keyspace() + ".site_definitions";
  }

  /** The site's definitions of a kind, by id. */
  public CompletionStage<List<Stored>> list(String siteId, String kind) {
    return session.selectAll("SELECT id, definition, created_at FROM " + table + " WHERE site_id = ? AND kind = ?", siteId, kind)
        .thenApply(rows -> rows.stream()
            .map(row -> new Stored(row.getString("id"), row.getString("definition"), row.getInstant("created_at")))
            .toList());
  }

  public CompletionStage<Done> put(String siteId, String kind, Stored definition) {
    return session.executeWrite("INSERT INTO " + table + " (site_id, kind, id, definition, created_at) VALUES (?, ?, ?, ?, ?)",
        siteId, kind, definition.id(), definition.json(), definition.createdAt());
  }

  public CompletionStage<Done> delete(String siteId, String kind, String id) {
    return session.executeWrite("DELETE FROM " + table + " WHERE site_id = ? AND kind = ? AND id = ?", siteId, kind, id);
  }
}
