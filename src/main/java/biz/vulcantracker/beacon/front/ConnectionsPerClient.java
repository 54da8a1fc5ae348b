package biz.vulcantracker.beacon.front;

import biz.vulcantracker.beacon.ClientKey;
import biz.vulcantracker.beacon.TrustedProxies;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closes a connection as it is accepted when its client already holds {@link
 * FrontLimits#maxConnectionsPerClient} (a client being its {@link ClientKey}), so that one client
 * cannot take every connection (and, through relayed ones, Pekko HTTP's too). Trusted proxies carry
 * many clients and are not limited. An entry lives while its client has a connection open.
 */
@ChannelHandler.Sharable
final class ConnectionsPerClient extends ChannelInboundHandlerAdapter {

  private static final AttributeKey<Long> CLIENT = AttributeKey.valueOf("vulcan.client");

  private final int max;
  private final TrustedProxies trustedProxies;
  private final Map<Long, Integer> open = new ConcurrentHashMap<>();
  private final LongAdder refused = new LongAdder();

  ConnectionsPerClient(int max, TrustedProxies trustedProxies) {
    this.max = max;
    this.trustedProxies = trustedProxies;
  }

  /** Connections closed at once because their client held as many as it may. */
  long refused() {
    return refused.sum();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    if (max > 0 && !trustedProxies.isTrusted(peer)) {
      long client = ClientKey.of(peer);
      boolean[] admitted = {false};
      open.compute(client, (key, count) -> {
        int now = count == null ? 0 : count;
        admitted[0] = now < max;
        return admitted[0] ? now + 1 : now;
      });
      if (!admitted[0]) {
        refused.increment();
        ctx.close();
        return;
      }
      ctx.channel().attr(CLIENT).set(client);
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Long client = ctx.channel().attr(CLIENT).getAndSet(null);
    if (client != null) {
      open.computeIfPresent(client, (key, count) -> count == 1 ? null : count - 1);
    }
    super.channelInactive(ctx);
  }
}
