package biz.vulcantracker;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Drops the keyspaces of every prefix a test class took from {@link IntegrationFixture#freshPrefix}
 * once the class is done (after its own {@code @AfterAll}, which stops its nodes). Registered for
 * every test class through the ServiceLoader (see junit-platform.properties); classes that took no
 * prefix cost nothing.
 *
 * <p>Why: Cassandra keeps about a megabyte of heap per table (metrics, memtables) for as long as the
 * table exists. The suite's ~35 classes each leave three keyspaces, and the test node's 512 MiB heap
 * ran out near the end of a run: Cassandra died of an OutOfMemoryError and the last classes failed
 * with store_unavailable.
 */
public final class DropTestKeyspaces implements AfterAllCallback {

  private static final Duration SCHEMA_CHANGE_TIMEOUT = Duration.ofSeconds(60);
  private static final ConcurrentLinkedQueue<String> ISSUED = new ConcurrentLinkedQueue<>();

  static void issued(String prefix) {
    ISSUED.add(prefix);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> prefixes = new ArrayList<>();
    for (String prefix; (prefix = ISSUED.poll()) != null; ) {
      prefixes.add(prefix);
    }
    if (prefixes.isEmpty()) {
      return;
    }
    try (CqlSession session = IntegrationFixture.cqlSession()) {
      List<String> keyspaces = new ArrayList<>();
      for (Row row : session.execute("SELECT keyspace_name FROM system_schema.keyspaces")) {
        String keyspace = row.getString("keyspace_name");
        if (prefixes.stream().anyMatch(keyspace::startsWith)) {
          keyspaces.add(keyspace);
        }
      }
      for (String keyspace : keyspaces) {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(SCHEMA_CHANGE_TIMEOUT));
      }
    }
  }
}
