package biz.vulcantracker.beacon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The proxies whose {@code X-Forwarded-For} is believed, as CIDR blocks (IPv4 and IPv6).
 *
 * <p>The client is the right-most address in X-Forwarded-For that is not a trusted proxy: every
 * address to its right was appended by a proxy we trust, anything to its left was written by the
 * client itself and could be forged. Written here (a few lines) rather than pulling in a network
 * library for one prefix comparison.
 */
public final class TrustedProxies {

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** Parses CIDRs like {@code 10.0.0.0/8}, {@code ::1/128} or a bare address. */
  public static TrustedProxies parse(List<String> cidrs) {
    return new TrustedProxies(cidrs.stream().map(TrustedProxies::block).toList());
  }

  public boolean isTrusted(InetAddress address) {
    return blocks.stream().anyMatch(block -> block.contains(address));
  }

  /** The client's address given the direct peer and the X-Forwarded-For header, if any. */
  public InetAddress clientAddress(InetAddress peer, Optional<String> forwardedFor) {
    if (forwardedFor.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.get().split(",");
    InetAddress client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      Optional<InetAddress> hop = literal(hops[i].strip());
      if (hop.isEmpty()) {
        break; // garbage in the header: stop at the last address we could read
      }
      client = hop.get();
      if (!isTrusted(client)) {
        break;
      }
    }
    return client;
  }

  /**
   * Parses an IP literal without ever resolving a host name (InetAddress.getByName would do a DNS
   * look-up for anything that is not a literal, and the header is attacker-controlled).
   */
  static Optional<InetAddress> literal(String text) {
    if (text.isEmpty() || text.length() > 45 || !text.chars().allMatch(TrustedProxies::isAddressChar)) {
      return Optional.empty();
    }
    if (text.indexOf(':') < 0 && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static boolean isAddressChar(int c) {
    return Character.digit(c, 16) >= 0 || c == '.' || c == ':';
  }

  private static Block block(String cidr) {
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    InetAddress network = literal(address)
        .orElseThrow(() -> new IllegalArgumentException("not a CIDR: " + cidr));
    int maxBits = network.getAddress().length * 8;
    int bits = slash < 0 ? maxBits : Integer.parseInt(cidr.substring(slash + 1));
    if (bits < 0 || bits > maxBits) {
      throw new IllegalArgumentException("bad prefix length in " + cidr);
    }
    return new Block(network.getAddress(), bits);
  }

  private record Block(byte[] network, int bits) {
    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (bytes[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (bytes[full] & mask) == (network[full] & mask);
    }
  }
}
