package biz.vulcantracker.beacon.front;

import biz.vulcantracker.beacon.BeaconIntake;
import biz.vulcantracker.beacon.RelayedClients;
import biz.vulcantracker.beacon.TrustedProxies;
import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.RedisConnections;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front's listening socket: Netty on a {@link FrontTransport} (io_uring, epoll or NIO), one
 * event loop per core, a {@link FrontConnection} per client connection.
 */
public final class FrontServer {

  private static final Logger log = LoggerFactory.getLogger(FrontServer.class);
  /** A connection idle this long between beacon requests is closed, as Pekko HTTP's idle-timeout does. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final EventLoopGroup group;
  private final Channel listening;
  private final ConnectionsPerClient perClient;
  private final LongAdder timedOut;

  private FrontServer(EventLoopGroup group, Channel listening, ConnectionsPerClient perClient, LongAdder timedOut) {
    this.group = group;
    this.listening = listening;
    this.perClient = perClient;
    this.timedOut = timedOut;
  }

  /** Connections closed as they were accepted: their client held as many as it may. */
  public long connectionsRefused() {
    return perClient.refused();
  }

  /** Connections closed because a request did not arrive whole within the request timeout. */
  public long requestsTimedOut() {
    return timedOut.sum();
  }

  /**
   * Binds {@code host:port}; beacon requests go through {@code intake}, their hits to Redis on a
   * connection per event loop ({@link LoopAppends}), all else to Pekko HTTP at {@code pekko} (a
   * loopback address).
   *
   * @param threads event loops; 0 for one per core
   */
  public static FrontServer start(String host, int port, FrontTransport transport, int threads, InetSocketAddress pekko, BeaconIntake intake,
      RelayedClients relayed, RedisConnections redis, QueueSettings queue, FrontLimits limits, TrustedProxies trustedProxies)
      throws InterruptedException {
    // Daemon threads: a loop that failed to stop must not keep the process alive after shutdown.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("vulcan-front", true), transport.handlers());
    FrontBeacons beacons = new FrontBeacons(intake);
    Map<EventLoop, LoopAppends> appendsByLoop = new ConcurrentHashMap<>();
    ConnectionsPerClient perClient = new ConnectionsPerClient(limits.maxConnectionsPerClient(), trustedProxies);
    LongAdder timedOut = new LongAdder();
    try {
      Channel listening = new ServerBootstrap()
          .group(group)
          .channel(transport.serverChannel())
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              // Runs on the connection's loop; the loop's appends connect with the accepted socket's
              // class (Netty's accepted and connecting sockets of a transport are one class).
              LoopAppends appends = appendsByLoop.computeIfAbsent(channel.eventLoop(),
                  loop -> new LoopAppends(loop, channel.getClass(), redis, queue));
              channel.pipeline().addLast(
                  perClient,
                  new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                  new FrontConnection(beacons, appends, new Relay(pekko, transport.socketChannel(), relayed), limits, timedOut));
            }
          })
          .bind(host, port).sync().channel();
      log.info("HTTP listening on {} (beacons answered by the front, {}; the rest relayed to {})",
          listening.localAddress(), transport, pekko);
      return new FrontServer(group, listening, perClient, timedOut);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listening.localAddress();
  }

  /**
   * Stops accepting, then closes every connection; completes when the loops have stopped. Not
   * waited for on the caller's thread: the node's shutdown runs this as a CoordinatedShutdown task,
   * whose phase timeout then bounds it: Netty's io_uring loops have had shutdown races (e.g.
   * netty/netty#16716), and a node must stop even if its loops do not.
   */
  public CompletionStage<Void> stop() {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    listening.close(); // runs on its loop before the shutdown below closes the connections
    // A quiet second lets answers still owed (hits on their way to Redis) be written first.
    long started = System.nanoTime();
    group.shutdownGracefully(1, 3, TimeUnit.SECONDS).addListener(terminated -> {
      log.info("HTTP front stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      stopped.complete(null);
    });
    return stopped;
  }
}
