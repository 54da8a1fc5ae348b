package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxiesTest {

  private final TrustedProxies proxies = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.1", "fd00::/8"));

  @ParameterizedTest(name = "peer {0}, X-Forwarded-For ''{1}'' → {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "203.0.113.5 | NONE                          | 203.0.113.5",    // no header
      "203.0.113.5 | 198.51.100.1                  | 203.0.113.5",    // untrusted peer: header ignored
      "10.1.2.3    | 198.51.100.1                  | 198.51.100.1",   // trusted peer
      "10.1.2.3    | 1.1.1.1, 198.51.100.1         | 198.51.100.1",   // left part may be forged
      "10.1.2.3    | 198.51.100.1, 10.9.9.9        | 198.51.100.1",   // a chain of trusted proxies
      "192.168.1.1 | 2001:db8::1                   | 2001:db8::1",    // bare address as a block, IPv6 client
      "fd00::1     | 198.51.100.7                  | 198.51.100.7",   // IPv6 proxy block
      "10.1.2.3    | 10.0.0.1, 10.0.0.2            | 10.0.0.1",       // all trusted: the left-most
      "10.1.2.3    | evil.example.com              | 10.1.2.3",       // a host name is never resolved
      "10.1.2.3    | 198.51.100.1, garbage         | 10.1.2.3",       // garbage right of the client
      "192.168.1.2 | 198.51.100.1                  | 192.168.1.2"})   // just outside the /32
  void findsTheClient(String peer, String forwardedFor, String client) throws Exception {
    assertThat(proxies.clientAddress(InetAddress.getByName(peer), Optional.ofNullable(forwardedFor)))
        .isEqualTo(InetAddress.getByName(client));
  }

  @ParameterizedTest
  @CsvSource({"10.0.0.0/33", "not-an-ip/8", "10.0.0/8"})
  void rejectsBadBlocks(String cidr) {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of(cidr))).isInstanceOf(IllegalArgumentException.class);
  }
}
