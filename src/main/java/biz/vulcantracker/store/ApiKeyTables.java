package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * People's API keys: {@code api_keys} by key id (what a request's key is looked up by; the key's
 * secret kept as its hash) and {@code user_api_keys} (a person's key ids, for listing them), written
 * together in a logged batch.
 */
public final class ApiKeyTables {

  /** A stored key: whose, its name, its secret's hash, the sites it reaches and its scope's name. */
  public record ApiKey(String keyId, String email, String name, String secretHash, Set<String> sites, String scope, Instant createdAt) {}

  private final CassandraSession session;
  private final String apiKeys;
  private final String userApiKeys;

  public ApiKeyTables(CassandraSession session, StoreSettings settings) {
    this.session = session;
    this.apiKeys = settings.keyspace() + ".api_keys";
    this.userApiKeys = settings.keyspace() + ".user_api_keys";
  }

  public CompletionStage<Optional<ApiKey>> key(String keyId) {
    return session.selectOne("SELECT key_id, email, name, secret_hash, sites, scope, created_at FROM " + apiKeys + " WHERE key_id = ?", keyId)
        .thenApply(row -> row.map(ApiKeyTables::keyOf));
  }

  public CompletionStage<List<String>> keyIdsOf(String email) {
    return session.selectAll("SELECT key_id FROM " + userApiKeys + " WHERE email = ?", email)
        .thenApply(rows -> rows.stream().map(r -> r.getString("key_id")).toList());
  }

  public CompletionStage<Done> put(ApiKey key) {
    return session.executeWriteBatch(BatchStatement.newInstance(BatchType.LOGGED,
        SimpleStatement.newInstance("INSERT INTO " + apiKeys + " (key_id, email, name, secret_hash, sites, scope, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)", key.keyId(), key.email(), key.name(), key.secretHash(), key.sites(), key.scope(), key.createdAt()),
        SimpleStatement.newInstance("INSERT INTO " + userApiKeys + " (email, key_id) VALUES (?, ?)", key.email(), key.keyId())));
  }

  public CompletionStage<Done> delete(String email, String keyId) {
    return session.executeWriteBatch(BatchStatement.newInstance(BatchType.LOGGED,
        SimpleStatement.newInstance("DELETE FROM " + apiKeys + " WHERE key_id = ?", keyId),
        SimpleStatement.newInstance("DELETE FROM " + userApiKeys + " WHERE email = ? AND key_id = ?", email, keyId)));
  }

  private static ApiKey keyOf(Row r) {
    return new ApiKey(r.getString("key_id"), r.getString("email"), r.getString("name"), r.getString("secret_hash"),
        r.getSet("sites", String.class), r.getString("scope"), r.getInstant("created_at"));
  }
}
