package biz.vulcantracker.beacon.front;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Arrays;
import java.util.Locale;

/**
 * The kernel interface the front's event loops use: io_uring where the kernel allows it, else epoll,
 * else Java's NIO.
 *
 * <p>io_uring first because the front's work per beacon is mostly system calls (read the request,
 * write the answer, one round trip to Redis per loop round): with io_uring a loop submits a round's
 * reads and writes in one call instead of one each (deploy/bench/edge.sh compares the two with
 * {@code VULCAN_BEACON_FRONT_TRANSPORT=epoll}). Containers whose
 * seccomp profile refuses io_uring (Docker's default does) make {@link IoUring#isAvailable} false,
 * and {@code auto} falls back to epoll.
 */
public enum FrontTransport {
  IO_URING("io_uring"),
  EPOLL("epoll"),
  NIO("nio");

  private final String configName;

  FrontTransport(String configName) {
    this.configName = configName;
  }

  /**
   * {@code auto} (the first available of io_uring, epoll, NIO), or one named transport, which must
   * be available: an operator who names one wants to know when it does not run.
   */
  public static FrontTransport choose(String configured) {
    String wanted = configured.trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("auto")) {
      return Arrays.stream(values()).filter(FrontTransport::isAvailable).findFirst().orElse(NIO);
    }
    FrontTransport named = Arrays.stream(values())
        .filter(transport -> transport.configName.equals(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "vulcan.beacon.front.transport is '" + configured + "'; expected auto, io_uring, epoll or nio"));
    if (!named.isAvailable()) {
      throw new IllegalStateException("vulcan.beacon.front.transport is " + named.configName
          + " but this system cannot run it", named.unavailabilityCause());
    }
    return named;
  }

  public boolean isAvailable() {
    return switch (this) {
      case IO_URING -> IoUring.isAvailable();
      case EPOLL -> Epoll.isAvailable();
      case NIO -> true;
    };
  }

  private Throwable unavailabilityCause() {
    return switch (this) {
      case IO_URING -> IoUring.unavailabilityCause();
      case EPOLL -> Epoll.unavailabilityCause();
      case NIO -> null;
    };
  }

  IoHandlerFactory handlers() {
    return switch (this) {
      case IO_URING -> IoUringIoHandler.newFactory();
      case EPOLL -> EpollIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
  }

  Class<? extends ServerSocketChannel> serverChannel() {
    return switch (this) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  /** The client sockets the loops open (to Pekko HTTP, and the loops' own Redis connections). */
  Class<? extends SocketChannel> socketChannel() {
    return switch (this) {
      case IO_URING -> IoUringSocketChannel.class;
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  @Override
  public String toString() {
    return configName;
  }
}
