package biz.vulcantracker.ops;

import biz.vulcantracker.katric.ConsumerHealth;
import biz.vulcantracker.katric.KatricSettings;
import biz.vulcantracker.queue.EdgeSpool;
import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.store.StoreSettings;
import java.time.Duration;
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
 * (each service must answer within two seconds): katric needs Redis and Cassandra and its partition
 * consumers neither failing for more than {@link #CONSUMER_GRACE} nor stalled for more than
 * {@code vulcan.katric.stall-after} ({@link ConsumerHealth}), scuttlebutt
 * Cassandra, and the edge (beacon) Redis — or, while Redis is away, room in its spool, so that an
 * edge that spools stays behind its load balancer. pekko-management adds cluster membership.
 */
public final class ServicesReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private static final long TIMEOUT_SECONDS = 2;
  /** How long a consumer may fail (and retry) before the node stops being ready: rides out a blip. */
  private static final Duration CONSUMER_GRACE = Duration.ofSeconds(15);

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
    ConsumerHealth consumers = ConsumerHealth.get(Adapter.toTyped(system));
    Duration stallAfter = KatricSettings.create(system.settings().config()).stallAfter();
    boolean edgeCanSpool = EdgeSpool.of(Adapter.toTyped(system)).map(EdgeSpool::accepting).orElse(false);
    return redis.thenCombine(cassandra, (redisUp, cassandraUp) ->
        (!roles.contains("katric") || (redisUp && cassandraUp && !consumers.failingLongerThan(CONSUMER_GRACE)
            && !consumers.stalledLongerThan(stallAfter)))
            && (!roles.contains("scuttlebutt") || cassandraUp)
            && (!roles.contains("beacon") || redisUp || edgeCanSpool));
  }
}
