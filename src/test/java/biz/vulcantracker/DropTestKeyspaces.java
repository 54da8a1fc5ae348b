package biz.vulcantracker;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 *
 * <p>The drops run on one background thread, one class's after another, while the next class
 * starts: done in line they took about two minutes of the suite. Nothing of a class reads another
 * class's keyspaces; the last class's may still be dropping when the JVM ends, which is harmless
 * (the test services are stopped and their data removed).
 */
public final class DropTestKeyspaces implements AfterAllCallback {

  private static final Duration SCHEMA_CHANGE_TIMEOUT = Duration.ofSeconds(60);
  private static final ConcurrentLinkedQueue<String> ISSUED = new ConcurrentLinkedQueue<>();
  private static final ExecutorService DROPPER = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "drop-test-keyspaces");
    thread.setDaemon(true);
    return thread;
  });

  static void issued(String prefix) {
    ISSUED.add(prefix);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> prefixes = new ArrayList<>();
    for (String prefix; (prefix = ISSUED.poll()) != null; ) {
      prefixes.add(prefix);
    }
    if (!prefixes.isEmpty()) {
      DROPPER.execute(() -> {
        try {
          drop(prefixes);
        } catch (RuntimeException e) { // e.g. Cassandra stopped by the next class's outage test: only memory is at stake
          System.err.println("Could not drop the keyspaces of " + prefixes + ": " + e);
        }
      });
    }
  }

  private static void drop(List<String> prefixes) {
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
