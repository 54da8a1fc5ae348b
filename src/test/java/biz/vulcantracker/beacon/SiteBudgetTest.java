package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Each site's budget on an edge node, with the production rate and burst. */
class SiteBudgetTest {

  private static final BeaconSettings PRODUCTION = BeaconSettings.create(ConfigFactory.load());

  @Test
  void aSiteTakesItsBurstAndNoMoreWhileOtherSitesGoOn() {
    SiteBudget budget = new SiteBudget(PRODUCTION.siteBudgetPerSecond(), PRODUCTION.siteBudgetBurst());
    long taken = 0;
    // Requests of 50 hits (the most one POST holds), as a flood spread over many clients would send them.
    while (budget.tryAcquire("flooded.example", 50)) {
      taken += 50;
      assertThat(taken).as("the burst and at most a second's refill").isLessThanOrEqualTo(
          PRODUCTION.siteBudgetBurst() + PRODUCTION.siteBudgetPerSecond());
    }
    assertThat(taken).isGreaterThanOrEqualTo(PRODUCTION.siteBudgetBurst() - 50);
    assertThat(budget.tryAcquire("other.example", 50)).isTrue();
  }

  @Test
  void zeroTurnsItOff() {
    SiteBudget budget = new SiteBudget(0, 0);
    for (int i = 0; i < 10_000; i++) {
      assertThat(budget.tryAcquire("any.example", 50)).isTrue();
    }
  }
}
