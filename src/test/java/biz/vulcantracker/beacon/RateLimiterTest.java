package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The per-client limit, with the production rate and burst: an IPv6 client is its /64. */
class RateLimiterTest {

  private static final BeaconSettings PRODUCTION = BeaconSettings.create(ConfigFactory.load());

  @Test
  void anIpv6ClientCannotStepAroundItsLimitByChangingTheLowerHalfOfItsAddress() throws Exception {
    RateLimiter limiter = new RateLimiter(PRODUCTION.rateLimitPerSecond(), PRODUCTION.rateLimitBurst());
    long burst = Math.max(PRODUCTION.rateLimitBurst(), PRODUCTION.rateLimitPerSecond());
    int allowed = 0;
    for (int i = 0; i < 2 * burst; i++) {
      InetAddress address = InetAddress.getByName("2001:db8:1:2:" + Integer.toHexString(i) + ":0:0:1");
      allowed += limiter.tryAcquire(address) ? 1 : 0;
    }
    assertThat(allowed).as("one /64, one bucket").isBetween((int) burst, (int) burst + (int) PRODUCTION.rateLimitPerSecond());
    assertThat(limiter.tryAcquire(InetAddress.getByName("2001:db8:1:3::1"))).as("the next /64 is another client").isTrue();
  }

  @Test
  void ipv4AddressesAreClientsOfTheirOwn() throws Exception {
    RateLimiter limiter = new RateLimiter(PRODUCTION.rateLimitPerSecond(), PRODUCTION.rateLimitBurst());
    long burst = Math.max(PRODUCTION.rateLimitBurst(), PRODUCTION.rateLimitPerSecond());
    for (int i = 0; i < burst; i++) {
      assertThat(limiter.tryAcquire(InetAddress.getByName("203.0.113.7"))).isTrue();
    }
    assertThat(limiter.tryAcquire(InetAddress.getByName("203.0.113.8"))).isTrue();
    assertThat(ClientKey.of(InetAddress.getByName("203.0.113.7"))).isNotEqualTo(ClientKey.of(InetAddress.getByName("203.0.113.8")));
  }
}
