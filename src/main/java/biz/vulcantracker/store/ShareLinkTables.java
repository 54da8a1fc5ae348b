package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * A site's share links ({@code share_links}, by site and link id): the hash of the link's secret,
 * its password's hash (empty for none), the filters it is limited to (empty for none) and the key
 * its unlock tokens are signed with (never shown). Deleting the row revokes the link and every
 * token unlocked through it.
 */
public final class ShareLinkTables {

  /** A stored share link. */
  public record ShareLink(String siteId, String linkId, String label, String secretHash, String passwordHash, String filters,
      String unlockKey, Instant createdAt) {}

  private final CassandraSession session;
  private final String shareLinks;

  public ShareLinkTables(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.shareLinks = settings.keyspace() + ".share_links";
  }

  private static final String COLUMNS = "site_id, link_id, label, secret_hash, password_hash, filters, unlock_key, created_at";

  public CompletionStage<Optional<ShareLink>> link(String siteId, String linkId) {
    return session.selectOne("SELECT " + COLUMNS + " FROM " + shareLinks + " WHERE site_id = ? AND link_id = ?", siteId, linkId)
        .thenApply(row -> row.map(ShareLinkTables::linkOf));
  }

  public CompletionStage<List<ShareLink>> links(String siteId) {
    return session.selectAll("SELECT " + COLUMNS + " FROM " + shareLinks + " WHERE site_id = ?", siteId)
        .thenApply(rows -> rows.stream().map(ShareLinkTables::linkOf).toList());
  }

  public CompletionStage<Done> put(ShareLink link) {
    return session.executeWrite("INSERT INTO " + shareLinks + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", link.siteId(),
        link.linkId(), link.label(), link.secretHash(), link.passwordHash(), link.filters(), link.unlockKey(), link.createdAt());
  }

  public CompletionStage<Done> delete(String siteId, String linkId) {
    return session.executeWrite("DELETE FROM " + shareLinks + " WHERE site_id = ? AND link_id = ?", siteId, linkId);
  }

  public CompletionStage<Done> forgetSite(String siteId) {
    return session.executeWrite("DELETE FROM " + shareLinks + " WHERE site_id = ?", siteId);
  }

  private static ShareLink linkOf(Row r) {
    return new ShareLink(r.getString("site_id"), r.getString("link_id"), r.getString("label"), r.getString("secret_hash"),
        r.getString("password_hash"), r.getString("filters"), r.getString("unlock_key"), r.getInstant("created_at"));
  }
}
