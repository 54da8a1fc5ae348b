package biz.vulcantracker.beacon.front;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the front. It starts answering beacon requests itself, in order, several
 * in flight when the client pipelines them; at the first request it does not answer itself it
 * waits for its answers to be written, connects to Pekko HTTP and from then on relays the
 * connection's bytes both ways, for good (a WebSocket, a streamed export and a log batch all pass
 * through unchanged, and Pekko learns the client's address from {@link biz.vulcantracker.beacon.RelayedClients}).
 */
final class FrontConnection extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrontConnection.class);
  /** A head not complete within this many bytes goes to Pekko (which applies its own limits). */
  static final int MAX_HEAD_BYTES = 16 * 1024;
  /** Answers owed at once on one connection; reading pauses beyond it. */
  static final int MAX_IN_FLIGHT = 32;
  /** A refused body up to this size is read and dropped and the connection kept; a larger one closes it. */
  static final long MAX_DISCARD_BYTES = 1 << 20;

  private enum Mode { NATIVE, CLOSING, SWITCHING, RELAY }

  /** An answer owed, in request order. */
  private static final class Owed {
    final boolean close;
    Answer answer;

    Owed(boolean close) {
      this.close = close;
    }
  }

  private final FrontBeacons beacons;
  /** The hits of this connection's event loop leave in one write per round of I/O. */
  private final LoopAppends appends;
  private final Relay relay;
  private final FrontLimits limits;
  private final LongAdder timedOut;
  private final ArrayDeque<Owed> owed = new ArrayDeque<>();
  private Mode mode = Mode.NATIVE;
  private ByteBuf buffer;
  /** Bytes of a refused body still to come, to be skipped. */
  private long discarding;
  /** When the request the client is still sending must have arrived; null while none is partly here. */
  private ScheduledFuture<?> deadline;
  /** The deadline passed: the connection closes once the answers owed are written. */
  private boolean expired;

  /** @param timedOut counts the connections closed because a request did not arrive in time */
  FrontConnection(FrontBeacons beacons, LoopAppends appends, Relay relay, FrontLimits limits, LongAdder timedOut) {
    this.beacons = beacons;
    this.appends = appends;
    this.relay = relay;
    this.limits = limits;
    this.timedOut = timedOut;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    ByteBuf in = (ByteBuf) message;
    switch (mode) {
      case RELAY -> relay.toBackend(ctx, in);
      case CLOSING -> in.release();
      default -> {
        buffer = buffer == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), buffer, in);
        if (mode == Mode.NATIVE) {
          handleRequests(ctx);
        }
      }
    }
  }

  private void handleRequests(ChannelHandlerContext ctx) {
    skipDiscarded();
    boolean waitingForClient = discarding > 0;
    while (mode == Mode.NATIVE && buffer != null && buffer.isReadable() && discarding == 0 && owed.size() < MAX_IN_FLIGHT) {
      RequestHeads.Result next = RequestHeads.parse(buffer, MAX_HEAD_BYTES, beacons.maxBodyBytes(), limits);
      if (next.verdict() == RequestHeads.Verdict.INCOMPLETE) {
        waitingForClient = true;
        break;
      }
      if (next.verdict() == RequestHeads.Verdict.RELAY) {
        switchToRelay(ctx);
        return;
      }
      RequestHead head = next.head();
      if (head.tooLarge()) {
        // Refused as Pekko's route refuses it, without reading the body, which is then skipped.
        buffer.skipBytes(head.headLength());
        discarding = head.contentLength();
        Owed refusal = new Owed(head.close() || discarding > MAX_DISCARD_BYTES);
        refusal.answer = beacons.tooLarge();
        owed.add(refusal);
        if (refusal.close) {
          mode = Mode.CLOSING;
        }
        writeReady(ctx);
        skipDiscarded();
        waitingForClient = discarding > 0;
        continue;
      }
      if (buffer.readableBytes() < head.headLength() + head.contentLength()) {
        waitingForClient = true;
        break; // the body is still on its way
      }
      Map<String, String> params = null;
      if (head.method().equals("GET") && (params = QueryParams.decode(head.rawQuery())) == null) {
        switchToRelay(ctx);
        return;
      }
      buffer.skipBytes(head.headLength());
      String body = buffer.readCharSequence(head.contentLength(), StandardCharsets.UTF_8).toString();
      cancelDeadline(); // this request arrived whole; the next one has its own time
      Owed answer = new Owed(head.close());
      owed.add(answer);
      CompletionStage<Answer> answering = switch (head.method()) {
        case "GET" -> beacons.get(head, params, peer(ctx), appends);
        case "POST" -> beacons.post(head, body, peer(ctx), appends);
        default -> CompletableFuture.completedFuture(beacons.preflight(head));
      };
      answering.whenComplete((done, failure) -> {
        if (ctx.executor().inEventLoop()) {
          answered(ctx, answer, done);
        } else {
          ctx.executor().execute(() -> answered(ctx, answer, done));
        }
      });
      if (head.close()) {
        mode = Mode.CLOSING;
      }
    }
    if (buffer != null && !buffer.isReadable()) {
      buffer.release();
      buffer = null;
    }
    if (owed.size() >= MAX_IN_FLIGHT) {
      ctx.channel().config().setAutoRead(false);
    }
    if (waitingForClient && mode == Mode.NATIVE && deadline == null) {
      deadline = ctx.executor().schedule(() -> {
        deadline = null;
        if (mode == Mode.NATIVE || mode == Mode.CLOSING) {
          expired = true;
          timedOut.increment();
          closeIfExpired(ctx);
        }
      }, limits.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  /** A request that did not arrive in time closes the connection, after the answers owed for earlier ones. */
  private void closeIfExpired(ChannelHandlerContext ctx) {
    if (expired && owed.isEmpty()) {
      ctx.close();
    }
  }

  /** The part of a refused body still to skip that is already here. */
  private void skipDiscarded() {
    if (discarding > 0 && buffer != null) {
      int skipped = (int) Math.min(discarding, buffer.readableBytes());
      buffer.skipBytes(skipped);
      discarding -= skipped;
    }
  }

  /** Writes the answers that are ready, in request order; a closing one closes after it. */
  private void writeReady(ChannelHandlerContext ctx) {
    boolean wrote = false;
    while (!owed.isEmpty() && owed.peek().answer != null) {
      Owed next = owed.poll();
      ctx.write(next.answer.render(ctx.alloc(), next.close));
      wrote = true;
      if (next.close) {
        Lingering.close(ctx.channel()); // the client may still be sending
      }
    }
    if (wrote) {
      ctx.flush();
    }
  }

  /** An answer is ready: writes what can go, then reads on, or switches, or closes. */
  private void answered(ChannelHandlerContext ctx, Owed answer, Answer done) {
    answer.answer = done; // FrontBeacons turns every failure into an answer
    writeReady(ctx);
    closeIfExpired(ctx);
    if (mode == Mode.SWITCHING && owed.isEmpty()) {
      relay.connect(ctx, this::takeBuffer, peer(ctx), () -> mode = Mode.RELAY);
    } else if (mode == Mode.NATIVE && !ctx.channel().config().isAutoRead() && owed.size() < MAX_IN_FLIGHT) {
      handleRequests(ctx);
      if (mode == Mode.NATIVE && owed.size() < MAX_IN_FLIGHT) {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private void switchToRelay(ChannelHandlerContext ctx) {
    mode = Mode.SWITCHING;
    cancelDeadline(); // Pekko's own timeouts apply to what it serves
    ctx.channel().config().setAutoRead(false);
    if (ctx.pipeline().get(IdleStateHandler.class) != null) {
      ctx.pipeline().remove(IdleStateHandler.class); // Pekko's own timeouts apply to what it serves
    }
    if (owed.isEmpty()) {
      relay.connect(ctx, this::takeBuffer, peer(ctx), () -> mode = Mode.RELAY);
    }
  }

  private ByteBuf takeBuffer() {
    ByteBuf rest = buffer;
    buffer = null;
    return rest;
  }

  private static InetAddress peer(ChannelHandlerContext ctx) {
    return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent && mode == Mode.NATIVE && owed.isEmpty()) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
    relay.frontClosed();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException) {
      log.debug("Front connection failed: {}", cause.toString()); // a client gone: ordinary
    } else {
      log.warn("Front connection closed after an unexpected failure", cause);
    }
    ctx.close();
  }
}
