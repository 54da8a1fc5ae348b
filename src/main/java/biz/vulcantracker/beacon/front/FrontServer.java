package biz.vulcantracker.beacon.front;

import biz.vulcantracker.beacon.BeaconIntake;
import biz.vulcantracker.beacon.RelayedClients;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front's listening socket: Netty with native epoll where the platform has it (NIO elsewhere),
 * one event loop per core, a {@link FrontConnection} per client connection.
 */
public final class FrontServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FrontServer.class);
  /** A connection idle this long between beacon requests is closed, as Pekko HTTP's idle-timeout does. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final EventLoopGroup group;
  private final Channel listening;

  private FrontServer(EventLoopGroup group, Channel listening) {
    this.group = group;
    this.listening = listening;
  }

  /**
   * Binds {@code host:port}; beacon requests go through {@code intake}, all else to Pekko HTTP at
   * {@code pekko} (a loopback address).
   *
   * @param threads event loops; 0 for one per core
   */
  public static FrontServer start(String host, int port, int threads, InetSocketAddress pekko, BeaconIntake intake,
      RelayedClients relayed) throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerSocketChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends SocketChannel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), io);
    FrontBeacons beacons = new FrontBeacons(intake);
    try {
      Channel listening = new ServerBootstrap()
          .group(group)
          .channel(serverType)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(
                  new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                  new FrontConnection(beacons, new Relay(pekko, clientType, relayed)));
            }
          })
          .bind(host, port).sync().channel();
      log.info("HTTP listening on {} (beacons answered by the front, {}; the rest relayed to {})",
          listening.localAddress(), epoll ? "epoll" : "nio", pekko);
      return new FrontServer(group, listening);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listening.localAddress();
  }

  /** Stops accepting, then closes every connection. */
  @Override
  public void close() {
    listening.close().syncUninterruptibly();
    // A quiet second lets answers still owed (hits on their way to Redis) be written first.
    group.shutdownGracefully(1, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
