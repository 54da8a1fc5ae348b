package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Email digests: who gets which site's digest how often ({@code digest_subscriptions}, with the
 * token of its unsubscribe link), and each digest's delivery ({@code digest_sends}, one row
 * per period, site and recipient, claimed and marked sent with lightweight transactions so that one
 * sender at a time owns a delivery).
 */
public final class DigestTables {

  /**
   * A person's digests of one site, and the token of its unsubscribe link. The token is kept as it
   * is, not hashed: every digest must carry it, and all it can do is end this one subscription.
   */
  public record Subscription(String email, String siteId, boolean weekly, boolean monthly, String unsubscribeToken) {}

  /** A delivery: {@code sending} by {@code owner} since {@code claimedAt}, or {@code sent}. */
  public record Send(String period, String siteId, String email, String state, String owner, Instant claimedAt, String messageId) {}

  private final CassandraSession session;
  private final String subscriptions;
  private final String sends;

  public DigestTables(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.subscriptions = settings.keyspace() + ".digest_subscriptions";
    this.sends = settings.keyspace() + ".digest_sends";
  }

  public CompletionStage<Done> put(Subscription subscription) {
    return session.executeWrite("INSERT INTO " + subscriptions + " (email, site_id, weekly, monthly, unsubscribe_token)"
            + " VALUES (?, ?, ?, ?, ?)", subscription.email(), subscription.siteId(), subscription.weekly(), subscription.monthly(),
        subscription.unsubscribeToken());
  }

  public CompletionStage<Optional<Subscription>> subscription(String email, String siteId) {
    return session.selectOne("SELECT * FROM " + subscriptions + " WHERE email = ? AND site_id = ?", email, siteId)
        .thenApply(row -> row.map(DigestTables::subscriptionOf));
  }

  public CompletionStage<Done> delete(String email, String siteId) {
    return session.executeWrite("DELETE FROM " + subscriptions + " WHERE email = ? AND site_id = ?", email, siteId);
  }

  /** Every subscription (read by the digest check; one row per person and site, so a small table). */
  public CompletionStage<List<Subscription>> all() {
    return session.selectAll("SELECT * FROM " + subscriptions).thenApply(rows -> rows.stream().map(DigestTables::subscriptionOf).toList());
  }

  public CompletionStage<Optional<Send>> send(String period, String siteId, String email) {
    return session.selectOne("SELECT * FROM " + sends + " WHERE period = ? AND site_id = ? AND email = ?", period, siteId, email)
        .thenApply(row -> row.map(DigestTables::sendOf));
  }

  /** Claims a delivery nobody claimed yet: true when this call did. */
  public CompletionStage<Boolean> claim(Send send) {
    return session.selectOne("INSERT INTO " + sends + " (period, site_id, email, state, owner, claimed_at, message_id)"
            + " VALUES (?, ?, ?, 'sending', ?, ?, ?) IF NOT EXISTS", send.period(), send.siteId(), send.email(), send.owner(),
        send.claimedAt(), send.messageId())
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]")).orElse(false));
  }

  /** Takes over a delivery still sending under {@code formerOwner}: true when this call did. */
  public CompletionStage<Boolean> takeOver(Send send, String formerOwner) {
    return session.selectOne("UPDATE " + sends + " SET owner = ?, claimed_at = ? WHERE period = ? AND site_id = ? AND email = ?"
            + " IF state = 'sending' AND owner = ?", send.owner(), send.claimedAt(), send.period(), send.siteId(), send.email(), formerOwner)
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]")).orElse(false));
  }

  /** Marks a delivery sent by its owner. */
  public CompletionStage<Boolean> markSent(Send send, Instant at) {
    return session.selectOne("UPDATE " + sends + " SET state = 'sent', sent_at = ? WHERE period = ? AND site_id = ? AND email = ?"
            + " IF owner = ?", at, send.period(), send.siteId(), send.email(), send.owner())
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]")).orElse(false));
  }

  private static Subscription subscriptionOf(Row r) {
    return new Subscription(r.getString("email"), r.getString("site_id"), r.getBoolean("weekly"), r.getBoolean("monthly"),
        r.getString("unsubscribe_token"));
  }

  private static Send sendOf(Row r) {
    return new Send(r.getString("period"), r.getString("site_id"), r.getString("email"), r.getString("state"), r.getString("owner"),
        r.getInstant("claimed_at"), r.getString("message_id"));
  }
}
