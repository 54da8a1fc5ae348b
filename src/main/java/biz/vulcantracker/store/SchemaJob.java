package biz.vulcantracker.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * {@code java -jar vulcan-tracker.jar schema}: creates the keyspaces and tables (ours from
 * deploy/cql/schema.cql, and the persistence plugin's) and exits. The Kubernetes schema Job runs it
 * before the nodes start, whose own autocreate is off there; it is idempotent.
 */
public final class SchemaJob {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private SchemaJob() {}

  /** Applies the schema; returns normally once every statement succeeded. */
  public static void run(Config config) throws Exception {
    // A local actor system: the job joins no cluster and binds no port.
    Config local = config.withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("local"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "vulcan-schema", local);
    try {
      StoreSettings settings = StoreSettings.create(local);
      Schema.create(system, CassandraSessionRegistry.get(system).sessionFor(StoreSettings.SESSION_CONFIG_PATH), settings)
          .toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
