package biz.vulcantracker.beacon.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrontTransportTest {

  @Test
  void autoTakesTheFirstAvailableInOrderOfPreference() {
    FrontTransport first = Arrays.stream(FrontTransport.values()).filter(FrontTransport::isAvailable).findFirst().orElseThrow();
    assertThat(FrontTransport.choose("auto")).isEqualTo(first);
    assertThat(FrontTransport.choose(" AUTO ")).isEqualTo(first);
  }

  @Test
  void aNamedTransportIsTakenWhenAvailable() {
    assertThat(FrontTransport.choose("nio")).isEqualTo(FrontTransport.NIO);
    for (FrontTransport transport : FrontTransport.values()) {
      if (transport.isAvailable()) {
        assertThat(FrontTransport.choose(transport.toString())).isEqualTo(transport);
      } else {
        assertThatThrownBy(() -> FrontTransport.choose(transport.toString()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot run it");
      }
    }
  }

  @Test
  void anUnknownNameIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> FrontTransport.choose("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, io_uring, epoll or nio");
  }
}
