package biz.vulcantracker.queue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's Redis client (one per ActorSystem): a shared, pipelined connection for short commands
 * (salts, health checks), the producer's connection with coalesced flushes, and dedicated
 * connections for readers whose blocking XREADGROUP would otherwise hold up every other command on
 * a shared connection. Closed at shutdown.
 */
public final class RedisConnections implements Extension {

  static {
    // The front's io_uring transport is on the class path now; Lettuce then still runs on epoll, as
    // it did, but warns so at every client it creates. Said once here instead (an explicit
    // -Dio.lettuce.core.iouring=true still wins).
    if (System.getProperty("io.lettuce.core.iouring") == null) {
      System.setProperty("io.lettuce.core.iouring", "false");
    }
  }

  private final RedisClient client;
  private final RedisURI uri;
  private final String configuredUri;
  private final boolean hasPassword;
  private final Duration commandTimeout;
  private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> shared =
      new AtomicReference<>();
  private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> producer =
      new AtomicReference<>();

  private RedisConnections(ActorSystem<?> system) {
    var config = system.settings().config();
    this.configuredUri = config.getString("vulcan.redis.uri");
    this.uri = RedisURI.create(configuredUri);
    String password = config.getString("vulcan.redis.password");
    this.hasPassword = !password.isEmpty() || configuredUri.contains("@");
    if (!password.isEmpty()) {
      uri.setAuthentication((CharSequence) password);
    }
    Duration timeout = config.getDuration("vulcan.redis.command-timeout");
    this.commandTimeout = timeout;
    this.client = RedisClient.create();
    // Reject commands while disconnected instead of buffering them: the edge must answer 503 at
    // once when Redis is away, not hold requests until a reconnect that may never come.
    client.setOptions(
        ClientOptions.builder()
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-redis",
            () -> client.shutdownAsync(0, 2, TimeUnit.SECONDS).thenApply(v -> org.apache.pekko.Done.getInstance()));
  }

  /** Where Redis is. */
  public RedisURI uri() {
    return uri;
  }

  /** Whether Redis is reached with a password (in the URI or {@code vulcan.redis.password}). */
  public boolean hasPassword() {
    return hasPassword;
  }

  /** {@code vulcan.redis.uri} as written. */
  public String configuredUri() {
    return configuredUri;
  }

  /** How long a command may wait for its reply. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  public static RedisConnections get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /**
   * The shared connection, connected on first use. A failed connect is forgotten so that the next
   * caller tries again; once connected, Lettuce reconnects by itself.
   */
  public CompletionStage<StatefulRedisConnection<String, String>> shared() {
    return memoized(shared, true);
  }

  /**
   * The producer's connection: commands are not flushed one by one but when the caller calls
   * {@code flushCommands()}, so that many requests' XADDs leave in one write.
   */
  public CompletionStage<StatefulRedisConnection<String, String>> producer() {
    return memoized(producer, false);
  }

  private CompletionStage<StatefulRedisConnection<String, String>> memoized(
      AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> holder, boolean autoFlush) {
    CompletableFuture<StatefulRedisConnection<String, String>> current = holder.get();
    if (current != null && !current.isCompletedExceptionally()) {
      return current;
    }
    CompletableFuture<StatefulRedisConnection<String, String>> attempt = new CompletableFuture<>();
    if (!holder.compareAndSet(current, attempt)) {
      return memoized(holder, autoFlush);
    }
    client
        .connectAsync(StringCodec.UTF8, uri)
        .whenComplete(
            (connection, error) -> {
              if (error != null) {
                attempt.completeExceptionally(error);
              } else {
                connection.setAutoFlushCommands(autoFlush);
                attempt.complete(connection);
              }
            });
    return attempt;
  }

  /** A connection of the caller's own, which the caller closes. */
  public CompletionStage<StatefulRedisConnection<String, String>> dedicated() {
    return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
  }

  static final class Id extends ExtensionId<RedisConnections> {
    static final Id INSTANCE = new Id();

    @Override
    public RedisConnections createExtension(ActorSystem<?> system) {
      return new RedisConnections(system);
    }
  }
}
