package biz.vulcantracker.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@code users}, {@code installation} and {@code sessions} tables: accounts by email, the
 * installation's first owner, and sign-in sessions by the hash of their token. What a password or
 * a token is, and how they are checked, is the accounts' business (scuttlebutt.people); this class
 * only stores what it is given.
 */
public final class AccountTables {

  /** A stored account. */
  public record User(String email, String userId, String passwordHash, boolean instanceOwner, Instant createdAt) {}

  /** A stored session: whose, and the hash of its CSRF token. */
  public record Session(String email, String csrfHash, Instant createdAt) {}

  private final CassandraSession session;
  private final String users;
  private final String installation;
  private final String sessions;

  public AccountTables(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.users = settings.keyspace() + ".users";
    this.installation = settings.keyspace() + ".installation";
    this.sessions = settings.keyspace() + ".sessions";
  }

  /** The installation's owner (the first user's id), if one signed up. */
  public CompletionStage<Optional<String>> owner() {
    return session.selectOne("SELECT value FROM " + installation + " WHERE key = 'owner'")
        .thenApply(row -> row.map(r -> r.getString("value")));
  }

  /** Makes the user the installation's owner unless there is one (a lightweight transaction): true when this call did. */
  public CompletionStage<Boolean> claimOwner(String userId) {
    return session.selectOne("INSERT INTO " + installation + " (key, value) VALUES ('owner', ?) IF NOT EXISTS", userId)
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]")).orElse(false));
  }

  /** Inserts the user unless the email has an account (a lightweight transaction): true when this call made it. */
  public CompletionStage<Boolean> create(User user) {
    return session.selectOne("INSERT INTO " + users + " (email, user_id, password_hash, instance_owner, created_at) VALUES (?, ?, ?, ?, ?)"
            + " IF NOT EXISTS", user.email(), user.userId(), user.passwordHash(), user.instanceOwner(), user.createdAt())
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]")).orElse(false));
  }

  public CompletionStage<Optional<User>> user(String email) {
    return session.selectOne("SELECT email, user_id, password_hash, instance_owner, created_at FROM " + users + " WHERE email = ?", email)
        .thenApply(row -> row.map(r -> new User(r.getString("email"), r.getString("user_id"), r.getString("password_hash"),
            r.getBoolean("instance_owner"), r.getInstant("created_at"))));
  }

  public CompletionStage<Done> setPassword(String email, String passwordHash) {
    return session.executeWrite("UPDATE " + users + " SET password_hash = ? WHERE email = ?", passwordHash, email);
  }

  /** Stores a session for {@code lifetime} (the row's TTL). */
  public CompletionStage<Done> putSession(String tokenHash, Session value, Duration lifetime) {
    return session.executeWrite("INSERT INTO " + sessions + " (token_hash, email, csrf_hash, created_at) VALUES (?, ?, ?, ?) USING TTL ?",
        tokenHash, value.email(), value.csrfHash(), value.createdAt(), (int) lifetime.toSeconds());
  }

  public CompletionStage<Optional<Session>> session(String tokenHash) {
    return session.selectOne("SELECT email, csrf_hash, created_at FROM " + sessions + " WHERE token_hash = ?", tokenHash)
        .thenApply(row -> row.map(r -> new Session(r.getString("email"), r.getString("csrf_hash"), r.getInstant("created_at"))));
  }

  public CompletionStage<Done> deleteSession(String tokenHash) {
    return session.executeWrite("DELETE FROM " + sessions + " WHERE token_hash = ?", tokenHash);
  }
}
