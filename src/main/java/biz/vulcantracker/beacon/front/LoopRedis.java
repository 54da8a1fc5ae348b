package biz.vulcantracker.beacon.front;

import io.lettuce.core.RedisURI;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's own connection to Redis, for the XADDs of the edge's front: it lives on the loop
 * that reads the beacon requests, so sending the commands, reading the replies and answering the
 * requests all happen on one thread, with no future per command crossing threads.
 *
 * <p>Written by hand rather than through Lettuce, which the rest of the node uses: an XADD and its
 * reply are a few lines of RESP, and Lettuce's per-command objects, futures and hand-offs between
 * its own thread and the front's cost the edge about a quarter of its rate (deploy/bench/edge.sh).
 * It speaks only what it needs — XADD, and SELECT from the URI — and leaves anything else to
 * Lettuce: a URI with TLS or a password makes {@link #supports} false, and the caller uses Lettuce. Redis being
 * away fails the pending appends at once (the edge then spools them); the next append reconnects.
 * Touched only by its loop's thread.
 */
final class LoopRedis {

  /** An XADD sent and not yet answered. */
  private record Awaiting(CompletableFuture<String> entryId, long sentNanos) {}

  private static final short CRLF = ('\r' << 8) | '\n';

  private final EventLoop loop;
  private final Class<? extends Channel> socketType;
  private final RedisURI uri;
  private final Duration timeout;
  private final ArrayDeque<Awaiting> awaiting = new ArrayDeque<>();
  private Channel channel;
  private ChannelFuture connecting;

  /** @param socketType a socket channel class of the loop's transport */
  LoopRedis(EventLoop loop, Class<? extends Channel> socketType, RedisURI uri, Duration timeout) {
    this.loop = loop;
    this.socketType = socketType;
    this.uri = uri;
    this.timeout = timeout;
    loop.scheduleAtFixedRate(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /** A plain {@code redis://host:port[/db]}: no TLS, no password, no Unix socket. */
  static boolean supports(String configuredUri) {
    java.net.URI uri = java.net.URI.create(configuredUri);
    return "redis".equals(uri.getScheme()) && uri.getUserInfo() == null && uri.getHost() != null;
  }

  /** Sends {@code XADD stream * field value} for each hit, in order, in one write. */
  void xadd(List<String> streams, String field, List<String> values, List<CompletableFuture<String>> entryIds) {
    if (channel != null && channel.isActive()) {
      write(streams, field, values, entryIds);
      return;
    }
    if (connecting == null) {
      connecting = connect();
    }
    connecting.addListener(connected -> {
      if (connected.isSuccess() && channel != null && channel.isActive()) {
        write(streams, field, values, entryIds);
      } else {
        IOException unavailable = new IOException("Redis is not reachable", connected.cause());
        entryIds.forEach(id -> id.completeExceptionally(unavailable));
      }
    });
  }

  private void write(List<String> streams, String field, List<String> values, List<CompletableFuture<String>> entryIds) {
    ByteBuf out = channel.alloc().buffer(values.size() * 512);
    long now = System.nanoTime();
    for (int i = 0; i < values.size(); i++) {
      command(out, "XADD", streams.get(i), "*", field, values.get(i));
      awaiting.add(new Awaiting(entryIds.get(i), now));
    }
    channel.writeAndFlush(out, channel.voidPromise());
  }

  private ChannelFuture connect() {
    ChannelFuture future = new Bootstrap()
        .group(loop)
        .channel(socketType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
        .handler(new Replies())
        .connect(uri.getHost(), uri.getPort());
    future.addListener(connected -> {
      connecting = null;
      if (!connected.isSuccess()) {
        return;
      }
      channel = future.channel();
      // SELECT goes first; its reply is checked like any other (an error closes).
      if (uri.getDatabase() != 0) {
        ByteBuf select = channel.alloc().buffer();
        command(select, "SELECT", Integer.toString(uri.getDatabase()));
        awaiting.add(new Awaiting(closeUnlessOk(channel), System.nanoTime()));
        channel.write(select, channel.voidPromise());
      }
      channel.flush();
    });
    return future;
  }

  /** A command as a RESP array of bulk strings, each written straight into the buffer as UTF-8. */
  private static void command(ByteBuf out, String... parts) {
    out.writeByte('*');
    ByteBufUtil.writeAscii(out, Integer.toString(parts.length));
    out.writeShort(CRLF);
    for (String part : parts) {
      out.writeByte('$');
      ByteBufUtil.writeAscii(out, Integer.toString(ByteBufUtil.utf8Bytes(part)));
      out.writeShort(CRLF);
      ByteBufUtil.writeUtf8(out, part);
      out.writeShort(CRLF);
    }
  }

  /** A reply that closes the connection if it is an error (a database that does not exist). */
  private static CompletableFuture<String> closeUnlessOk(Channel channel) {
    CompletableFuture<String> reply = new CompletableFuture<>();
    reply.whenComplete((ok, error) -> {
      if (error != null) {
        channel.close();
      }
    });
    return reply;
  }

  /** Fails everything when the oldest command has waited longer than the command timeout. */
  private void expire() {
    Awaiting oldest = awaiting.peek();
    if (oldest != null && System.nanoTime() - oldest.sentNanos() > timeout.toNanos() && channel != null) {
      channel.close(); // channelInactive fails what is awaited
    }
  }

  private void failAll(Throwable cause) {
    List<Awaiting> failed = new ArrayList<>(awaiting);
    awaiting.clear();
    failed.forEach(a -> a.entryId().completeExceptionally(cause));
  }

  /** Reads replies in order: a bulk string (the entry id) or an error per command sent. */
  private final class Replies extends ChannelInboundHandlerAdapter {
    private ByteBuf buffer;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      buffer = buffer == null ? (ByteBuf) message : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), buffer, (ByteBuf) message);
      while (buffer.isReadable()) {
        int lineEnd = buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) '\n');
        if (lineEnd < 0) {
          break;
        }
        byte type = buffer.getByte(buffer.readerIndex());
        String line = buffer.toString(buffer.readerIndex() + 1, lineEnd - buffer.readerIndex() - 2, StandardCharsets.UTF_8);
        if (type == '$') {
          int length = Integer.parseInt(line);
          if (length < 0) { // a null reply: no entry was added
            buffer.readerIndex(lineEnd + 1);
            complete(ctx, null, new IOException("Redis added no entry"));
            continue;
          }
          if (buffer.writerIndex() < lineEnd + 1 + length + 2) {
            break; // the id is still on its way
          }
          String id = buffer.toString(lineEnd + 1, length, StandardCharsets.US_ASCII);
          buffer.readerIndex(lineEnd + 1 + length + 2);
          complete(ctx, id, null);
        } else if (type == '+' || type == '-') {
          buffer.readerIndex(lineEnd + 1);
          complete(ctx, line, type == '-' ? new IOException("Redis answered: " + line) : null);
        } else {
          ctx.close(); // nothing this client sends is answered otherwise
          return;
        }
      }
      if (!buffer.isReadable()) {
        buffer.release();
        buffer = null;
      }
    }

    private void complete(ChannelHandlerContext ctx, String reply, IOException error) {
      Awaiting next = awaiting.poll();
      if (next == null) {
        ctx.close();
      } else if (error != null) {
        next.entryId().completeExceptionally(error);
      } else {
        next.entryId().complete(reply);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (buffer != null) {
        buffer.release();
        buffer = null;
      }
      if (channel == ctx.channel()) {
        channel = null;
      }
      failAll(new IOException("the connection to Redis closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
