package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The clients behind relay connections: a closing relay forgets its own entry only. */
class RelayedClientsTest {

  @Test
  void aRelayThatClosesAfterItsPortWasTakenAgainLeavesTheNewEntry() throws Exception {
    RelayedClients relayed = new RelayedClients();
    InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
    RelayedClients.Registration first = relayed.register(40_000, InetAddress.getByName("203.0.113.1"));
    RelayedClients.Registration second = relayed.register(40_000, InetAddress.getByName("203.0.113.2"));
    relayed.unregister(40_000, first); // the first connection's close, handled late
    assertThat(relayed.clientOf(relay)).isEqualTo(InetAddress.getByName("203.0.113.2"));
    relayed.unregister(40_000, second);
    assertThat(relayed.clientOf(relay)).isEqualTo(InetAddress.getLoopbackAddress());
  }
}
