package biz.vulcantracker.beacon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients behind the front's relay connections. The front ({@code beacon.front}) hands every
 * request it does not answer itself to Pekko HTTP over a loopback connection of its own, byte for
 * byte; Pekko then sees the front as the peer. The front registers each relay connection's local
 * port here before it sends a byte, so the routes can name the real client. No header carries the
 * address: a header could be forged by the client, a port of the front's own sockets cannot.
 */
public final class RelayedClients {

  private final Map<Integer, InetAddress> byRelayPort = new ConcurrentHashMap<>();

  /** The relay connection from local port {@code relayPort} carries {@code client}'s requests. */
  public void register(int relayPort, InetAddress client) {
    byRelayPort.put(relayPort, client);
  }

  public void unregister(int relayPort) {
    byRelayPort.remove(relayPort);
  }

  /** The client a connection from {@code peer} relays, or the peer itself when it is no relay. */
  public InetAddress clientOf(InetSocketAddress peer) {
    InetAddress address = peer.getAddress();
    if (!address.isLoopbackAddress()) {
      return address;
    }
    return Optional.ofNullable(byRelayPort.get(peer.getPort())).orElse(address);
  }
}
