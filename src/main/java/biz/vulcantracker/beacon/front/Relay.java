package biz.vulcantracker.beacon.front;

import biz.vulcantracker.beacon.RelayedClients;
import biz.vulcantracker.common.ApiError;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay of one front connection to Pekko HTTP: a loopback connection on the same event loop,
 * bytes passed on as they come, each side reading only once the other has taken what it wrote (so a
 * slow client slows Pekko's writes instead of filling memory). Either side closing closes both.
 */
final class Relay {

  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  private static final String UNAVAILABLE_BODY = ApiError.json("unavailable", "the node's HTTP server is not answering");
  private static final byte[] UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      + "Content-Length: " + UNAVAILABLE_BODY.length() + "\r\nConnection: close\r\n\r\n" + UNAVAILABLE_BODY)
      .getBytes(StandardCharsets.US_ASCII);

  private final InetSocketAddress backendAddress;
  private final Class<? extends SocketChannel> channelType;
  private final RelayedClients relayed;
  private Channel backend;
  private int relayPort = -1;
  private RelayedClients.Registration registration;
  private boolean frontClosed;
  private boolean lingering;

  Relay(InetSocketAddress backendAddress, Class<? extends SocketChannel> channelType, RelayedClients relayed) {
    this.backendAddress = backendAddress;
    this.channelType = channelType;
    this.relayed = relayed;
  }

  /**
   * Connects to Pekko, registers the client behind the new connection, sends what the front holds
   * of the client's bytes ({@code pending}, taken once connected) and starts relaying.
   */
  void connect(ChannelHandlerContext front, Supplier<ByteBuf> pending, InetAddress client, Runnable relaying) {
    new Bootstrap()
        .group(front.channel().eventLoop())
        .channel(channelType)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new BackendSide(front.channel()))
        .connect(backendAddress)
        .addListener((ChannelFuture connected) -> {
          ByteBuf bytes = pending.get();
          if (!connected.isSuccess() || frontClosed) {
            if (bytes != null) {
              bytes.release();
            }
            if (!frontClosed) {
              log.warn("Pekko HTTP did not accept the relay: {}", String.valueOf(connected.cause()));
              front.writeAndFlush(Unpooled.wrappedBuffer(UNAVAILABLE)).addListener(ChannelFutureListener.CLOSE);
            } else if (connected.isSuccess()) {
              connected.channel().close();
            }
            return;
          }
          backend = connected.channel();
          relayPort = ((InetSocketAddress) backend.localAddress()).getPort();
          registration = relayed.register(relayPort, client);
          relaying.run();
          backend.writeAndFlush(bytes == null ? Unpooled.EMPTY_BUFFER : bytes).addListener((ChannelFuture written) -> {
            if (written.isSuccess()) {
              backend.read();
              front.channel().read();
            } else {
              closeBoth(front.channel());
            }
          });
        });
  }

  /** A client's bytes, once relaying (dropped once Pekko has closed: see {@link Lingering}). */
  void toBackend(ChannelHandlerContext front, ByteBuf bytes) {
    if (lingering) {
      bytes.release();
      return;
    }
    backend.writeAndFlush(bytes).addListener((ChannelFuture written) -> {
      if (written.isSuccess()) {
        front.channel().read();
      } else {
        closeBoth(front.channel());
      }
    });
  }

  void frontClosed() {
    frontClosed = true;
    if (backend != null) {
      flushAndClose(backend);
    }
  }

  private void closeBoth(Channel front) {
    lingerAndClose(front);
    if (backend != null) {
      backend.close();
    }
  }

  /** Pekko is done with the connection: the client gets what Pekko sent, then the connection closes. */
  private void lingerAndClose(Channel front) {
    if (!lingering) {
      lingering = true;
      Lingering.close(front);
    }
  }

  private static void flushAndClose(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Pekko's side: its bytes go to the client, and its closing closes the client's connection. */
  private final class BackendSide extends ChannelInboundHandlerAdapter {
    private final Channel front;

    BackendSide(Channel front) {
      this.front = front;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      front.writeAndFlush(message).addListener((ChannelFuture written) -> {
        if (written.isSuccess()) {
          ctx.channel().read();
        } else {
          closeBoth(front);
        }
      });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (registration != null) {
        relayed.unregister(relayPort, registration);
      }
      lingerAndClose(front);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("Relay to Pekko HTTP failed: {}", cause.toString());
      ctx.close();
    }
  }
}
