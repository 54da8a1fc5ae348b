package biz.vulcantracker.beacon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;

/**
 * Who sent a request that reached Pekko HTTP: the connection's peer, the client behind it when the
 * front relayed the request ({@link RelayedClients}), and the client a trusted proxy names in
 * {@code X-Forwarded-For} ({@link TrustedProxies}). For the beacon's anonymizer and for any route
 * that limits per client (sign-ins), which gets only the client's {@link ClientKey}.
 */
public final class RequestClients {

  private final RelayedClients relayed;
  private final TrustedProxies trustedProxies;

  public RequestClients(RelayedClients relayed, TrustedProxies trustedProxies) {
    this.relayed = relayed;
    this.trustedProxies = trustedProxies;
  }

  /** The connection's peer, or the client behind it when the front relayed the request. */
  InetAddress peer(HttpRequest request) {
    RemoteAddress remote = request.getAttribute(AttributeKeys.remoteAddress)
        .orElseThrow(() -> new IllegalStateException("pekko.http.server.remote-address-attribute is off"));
    return remote.getAddress()
        .map(address -> relayed.clientOf(new InetSocketAddress(address, remote.getPort())))
        .orElseThrow(() -> new IllegalStateException("the peer has no address"));
  }

  /**
   * Every X-Forwarded-For header, joined in order (RFC 9110: repeated fields are one list). Reading
   * only the first would let a client put its forged hops in a first header and have the trusted
   * proxy's appended one ignored.
   */
  static Optional<String> forwardedFor(HttpRequest request) {
    List<String> values = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.is("x-forwarded-for")) {
        values.add(header.value());
      }
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
  }

  /** The key the request's client is limited by: its address is never kept, not even in memory. */
  public long keyOf(HttpRequest request) {
    return ClientKey.of(trustedProxies.clientAddress(peer(request), forwardedFor(request)));
  }
}
