package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Who belongs to which site: {@code site_members} (a site's members and their roles),
 * {@code member_sites} (the same rows by person, for the sites a person sees) and
 * {@code invitations} (pending ones, each with the hash of its link's secret, living as long as the
 * link does). The two member tables are written together in a logged batch, so they agree.
 * What the roles mean is the accounts' business (scuttlebutt.people); roles are stored as names.
 */
public final class MemberTables {

  /** One person's role on one site. */
  public record Member(String siteId, String email, String role, Instant addedAt) {}

  /** A pending invitation: who, as what, by whom, and the hash of its link's secret. */
  public record Invitation(String siteId, String email, String role, String secretHash, String invitedBy, Instant createdAt) {}

  private final CassandraSession session;
  private final String siteMembers;
  private final String memberSites;
  private final String invitations;

  public MemberTables(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.siteMembers = settings.keyspace() + ".site_members";
    this.memberSites = settings.keyspace() + ".member_sites";
    this.invitations = settings.keyspace() + ".invitations";
  }

  public CompletionStage<Optional<Member>> member(String siteId, String email) {
    return session.selectOne("SELECT site_id, email, role, added_at FROM " + siteMembers + " WHERE site_id = ? AND email = ?", siteId, email)
        .thenApply(row -> row.map(r -> new Member(r.getString("site_id"), r.getString("email"), r.getString("role"), r.getInstant("added_at"))));
  }

  public CompletionStage<List<Member>> members(String siteId) {
    return session.selectAll("SELECT site_id, email, role, added_at FROM " + siteMembers + " WHERE site_id = ?", siteId)
        .thenApply(rows -> rows.stream()
            .map(r -> new Member(r.getString("site_id"), r.getString("email"), r.getString("role"), r.getInstant("added_at"))).toList());
  }

  /** The sites a person belongs to, with the role on each. */
  public CompletionStage<List<Member>> sitesOf(String email) {
    return session.selectAll("SELECT site_id, email, role, added_at FROM " + memberSites + " WHERE email = ?", email)
        .thenApply(rows -> rows.stream()
            .map(r -> new Member(r.getString("site_id"), r.getString("email"), r.getString("role"), r.getInstant("added_at"))).toList());
  }

  public CompletionStage<Done> put(Member member) {
    return session.executeWriteBatch(BatchStatement.newInstance(BatchType.LOGGED,
        SimpleStatement.newInstance("INSERT INTO " + siteMembers + " (site_id, email, role, added_at) VALUES (?, ?, ?, ?)",
            member.siteId(), member.email(), member.role(), member.addedAt()),
        SimpleStatement.newInstance("INSERT INTO " + memberSites + " (email, site_id, role, added_at) VALUES (?, ?, ?, ?)",
            member.email(), member.siteId(), member.role(), member.addedAt())));
  }

  public CompletionStage<Done> remove(String siteId, String email) {
    return session.executeWriteBatch(BatchStatement.newInstance(BatchType.LOGGED,
        SimpleStatement.newInstance("DELETE FROM " + siteMembers + " WHERE site_id = ? AND email = ?", siteId, email),
        SimpleStatement.newInstance("DELETE FROM " + memberSites + " WHERE email = ? AND site_id = ?", email, siteId)));
  }

  /** Stores an invitation for {@code lifetime} (the row's TTL), replacing an earlier one to the same email. */
  public CompletionStage<Done> putInvitation(Invitation invitation, Duration lifetime) {
    return session.executeWrite("INSERT INTO " + invitations + " (site_id, email, role, secret_hash, invited_by, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ?", invitation.siteId(), invitation.email(), invitation.role(),
        invitation.secretHash(), invitation.invitedBy(), invitation.createdAt(), (int) lifetime.toSeconds());
  }

  public CompletionStage<Optional<Invitation>> invitation(String siteId, String email) {
    return session.selectOne("SELECT site_id, email, role, secret_hash, invited_by, created_at FROM " + invitations
            + " WHERE site_id = ? AND email = ?", siteId, email)
        .thenApply(row -> row.map(MemberTables::invitationOf));
  }

  public CompletionStage<List<Invitation>> invitations(String siteId) {
    return session.selectAll("SELECT site_id, email, role, secret_hash, invited_by, created_at FROM " + invitations
            + " WHERE site_id = ?", siteId)
        .thenApply(rows -> rows.stream().map(MemberTables::invitationOf).toList());
  }

  public CompletionStage<Done> deleteInvitation(String siteId, String email) {
    return session.executeWrite("DELETE FROM " + invitations + " WHERE site_id = ? AND email = ?", siteId, email);
  }

  /** Forgets a deleted site's members and invitations. */
  public CompletionStage<Done> forgetSite(String siteId) {
    return members(siteId).thenCompose(members -> {
      BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED,
          SimpleStatement.newInstance("DELETE FROM " + siteMembers + " WHERE site_id = ?", siteId),
          SimpleStatement.newInstance("DELETE FROM " + invitations + " WHERE site_id = ?", siteId));
      for (Member member : members) {
        batch = batch.add(SimpleStatement.newInstance("DELETE FROM " + memberSites + " WHERE email = ? AND site_id = ?",
            member.email(), siteId));
      }
      return session.executeWriteBatch(batch);
    });
  }

  private static Invitation invitationOf(com.datastax.oss.driver.api.core.cql.Row r) {
    return new Invitation(r.getString("site_id"), r.getString("email"), r.getString("role"), r.getString("secret_hash"),
        r.getString("invited_by"), r.getInstant("created_at"));
  }
}
