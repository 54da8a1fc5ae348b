package biz.vulcantracker.ops;

import biz.vulcantracker.common.Roles;
import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.store.StoreSettings;
import biz.vulcantracker.telemetry.Readiness;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The readiness check behind pekko-management's {@code /ready}, by what the node's roles need
 * (each service must answer within two seconds): katric needs Redis and Cassandra, scuttlebutt
 * Cassandra, and the edge (beacon) Redis — or, while Redis is away, a stand-in (its spool, while it
 * has room), so that an edge that spools stays behind its load balancer. On top of that, every
 * condition the node's stages {@linkplain Readiness registered} (katric: its partition consumers
 * neither failing nor stalled). pekko-management adds cluster membership.
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
    List<String> roles = system.settings().config().getStringList("pekko.cluster.roles");
    Readiness stages = Readiness.get(Adapter.toTyped(system));
    return redis.thenCombine(cassandra, (redisUp, cassandraUp) ->
        (!roles.contains(Roles.KATRIC) || (redisUp && cassandraUp))
            && (!roles.contains(Roles.SCUTTLEBUTT) || cassandraUp)
            && (!roles.contains(Roles.BEACON) || redisUp || stages.standsInForRedis())
            && stages.requiredHold());
  }
}
