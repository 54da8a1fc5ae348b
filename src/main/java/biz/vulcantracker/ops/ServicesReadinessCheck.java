package biz.vulcantracker.ops;

import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.store.StoreSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The readiness check behind pekko-management's {@code /ready}: ready only while Redis answers PING
 * and Cassandra answers a query, each within two seconds.
 */
public final class ServicesReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private static final long TIMEOUT_SECONDS = 2;

  private final ActorSystem system;

  public ServicesReadinessCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    CompletableFuture<Boolean> redis = RedisConnections.get(Adapter.toTyped(system))
        .shared()
        .thenCompose(connection -> connection.async().ping())
        .thenApply("PONG"::equals)
        .toCompletableFuture()
        .completeOnTimeout(false, TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .exceptionally(error -> false);
    CompletableFuture<Boolean> cassandra = CassandraSessionRegistry.get(system)
        .sessionFor(StoreSettings.SESSION_CONFIG_PATH)
        .selectOne("SELECT release_version FROM system.local")
        .thenApply(row -> row.isPresent())
        .toCompletableFuture()
        .completeOnTimeout(false, TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .exceptionally(error -> false);
    return redis.thenCombine(cassandra, Boolean::logicalAnd);
  }
}
