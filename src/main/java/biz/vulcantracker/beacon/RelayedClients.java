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

  private final Map<Integer, Registration> byRelayPort = new ConcurrentHashMap<>();

  /** One relay connection's entry; equal only to itself. */
  public static final class Registration {
    private final InetAddress client;

    private Registration(InetAddress client) {
      this.client = client;
    }
  }

  /** The relay connection from local port {@code relayPort} carries {@code client}'s requests. */
  public Registration register(int relayPort, InetAddress client) {
    Registration registration = new Registration(client);
    byRelayPort.put(relayPort, registration);
    return registration;
  }

  /**
   * Forgets a relay connection's entry, and only its own: a port freed by one connection can be
   * taken by the next relay (another client's) before the first one's close is handled.
   */
  public void unregister(int relayPort, Registration registration) {
    byRelayPort.remove(relayPort, registration);
  }

  /** The client a connection from {@code peer} relays, or the peer itself when it is no relay. */
  public InetAddress clientOf(InetSocketAddress peer) {
    InetAddress address = peer.getAddress();
    if (!address.isLoopbackAddress()) {
      return address;
    }
    return Optional.ofNullable(byRelayPort.get(peer.getPort())).map(registration -> registration.client).orElse(address);
  }
}
