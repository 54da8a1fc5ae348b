package biz.vulcantracker.store;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Creates Vulcan Tracker's keyspace and tables from deploy/cql/schema.cql (bundled in the jar), so
 * local runs, tests and production apply one and the same schema. Only used when autocreate is on.
 */
public final class Schema {

  private static final String RESOURCE = "/cql/schema.cql";
  /**
   * A schema change waits for every node to agree, and behind any other schema change in flight
   * (the tests drop earlier classes' keyspaces meanwhile): far longer than the driver's 2 s for a
   * read or a write.
   */
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  /** Columns added to tables after they were first made: (table, column and type). Added when missing. */
  private static final List<String[]> ADDED_COLUMNS = List.<String[]>of(
      new String[] {"sites", "retention_days int"}, new String[] {"hit_chunks", "packed blob"});

  private Schema() {}

  /** The statements of schema.cql for the given keyspace and replication factor. */
  public static List<String> statements(String keyspace, int replicationFactor) {
    String cql = readResource()
        .replaceAll("(?m)--.*$", "")
        .replace("KEYSPACE IF NOT EXISTS vulcan", "KEYSPACE IF NOT EXISTS " + keyspace)
        .replace("'replication_factor': 1", "'replication_factor': " + replicationFactor)
        .replaceAll("\\bvulcan\\.", keyspace + ".");
    return Arrays.stream(cql.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * Creates our tables and the persistence plugin's journal and snapshot tables (the plugin's own
   * statements, for its configured keyspaces), one statement at a time: DDL must not race.
   */
  public static CompletionStage<Done> create(
      ActorSystem<?> system, CassandraSession session, StoreSettings settings) {
    var plugin = new KeyspaceAndTableStatements(
        system, StoreSettings.SESSION_CONFIG_PATH, PluginSettings.apply(Adapter.toClassic(system)));
    List<String> all = new ArrayList<>(statements(settings.keyspace(), settings.replicationFactor()));
    all.add(plugin.createJournalKeyspaceStatement());
    all.addAll(plugin.getCreateJournalTablesStatements());
    all.add(plugin.createSnapshotKeyspaceStatement());
    all.addAll(plugin.getCreateSnapshotTablesStatements());
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    for (String statement : all) {
      chain = chain.thenCompose(done -> session.underlying()
          .thenCompose(cql -> cql.executeAsync(SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT)))
          .thenApply(result -> Done.getInstance()));
    }
    for (String[] added : ADDED_COLUMNS) {
      String statement = "ALTER TABLE " + settings.keyspace() + "." + added[0] + " ADD " + added[1];
      // ALTER TABLE ... ADD IF NOT EXISTS is not taken by ScyllaDB: a column that is there already
      // (a table made by this schema) is refused instead, and that refusal is the answer wanted.
      chain = chain.thenCompose(done -> session.underlying()
          .thenCompose(cql -> cql.executeAsync(SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT)))
          .handle((result, failure) -> {
            if (failure != null && !(unwrap(failure) instanceof InvalidQueryException)) {
              throw new java.util.concurrent.CompletionException(unwrap(failure));
            }
            return Done.getInstance();
          }));
    }
    return chain;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private static String readResource() {
    try (InputStream in = Schema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
