package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Salts in the cluster's memory: two nodes that make a day's salt at the same moment use the same
 * one; a node reads a salt another made; a salt past its deletion time is gone and a new one is made.
 */
class DailySaltsTest {

  private static final Config CLUSTER = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.loglevel = WARNING
      """).withFallback(ConfigFactory.defaultReference());
  private static ActorSystem<Void> first;
  private static ActorSystem<Void> second;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    first = ActorSystem.create(Behaviors.empty(), "salts", CLUSTER);
    second = ActorSystem.create(Behaviors.empty(), "salts", CLUSTER);
    Cluster.get(first).manager().tell(Join.create(Cluster.get(first).selfMember().address()));
    Cluster.get(second).manager().tell(Join.create(Cluster.get(first).selfMember().address()));
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!(Cluster.get(first).state().members().size() == 2
        && Cluster.get(second).selfMember().status() == MemberStatus.up()
        && Cluster.get(first).selfMember().status() == MemberStatus.up())) {
      assertThat(System.nanoTime()).as("two members up").isLessThan(until);
      Thread.sleep(50);
    }
    // The replicators learn of each other a moment after the members are up: one round trip first.
    LocalDate warmUp = LocalDate.now(ZoneOffset.UTC).plusDays(99);
    salts(first, Duration.ofHours(48)).saltOf(warmUp).toCompletableFuture().get(30, TimeUnit.SECONDS);
    salts(second, Duration.ofHours(48)).saltOf(warmUp).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    second.terminate();
    first.terminate();
  }

  private static DailySalts salts(ActorSystem<?> node, Duration retention) {
    Config config = ConfigFactory.parseString("vulcan.privacy.salt-retention-after-day = " + retention.toMillis() + "ms")
        .withFallback(ConfigFactory.load());
    return new DailySalts(node, BeaconSettings.create(config));
  }

  @Test
  void twoNodesMakingADaysSaltAtOnceAgreeOnOne() throws Exception {
    for (int d = 0; d < 20; d++) {
      LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(100 + d);
      DailySalts onFirst = salts(first, Duration.ofHours(48));
      DailySalts onSecond = salts(second, Duration.ofHours(48));
      CompletableFuture<byte[]> a = onFirst.saltOf(day).toCompletableFuture();
      CompletableFuture<byte[]> b = onSecond.saltOf(day).toCompletableFuture();
      assertThat(a.get(10, TimeUnit.SECONDS)).as(day.toString()).isEqualTo(b.get(10, TimeUnit.SECONDS)).hasSize(32);
      assertThat(salts(second, Duration.ofHours(48)).saltOf(day).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .as("a third caller reads the same").isEqualTo(a.get());
      assertThat(onFirst.heldSalt(day)).isEqualTo(a.get());
    }
  }

  @Test
  void aSaltPastItsDeletionTimeIsGoneAndANewOneIsMade() throws Exception {
    // A day long past (as an old log line brings): its salt lives for the retention from now.
    LocalDate past = LocalDate.now(ZoneOffset.UTC).minusDays(400);
    DailySalts salts = salts(first, Duration.ofMillis(1500));
    byte[] before = salts.saltOf(past).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(salts.heldSalt(past)).isEqualTo(before);
    Thread.sleep(1600); // past the retention: what the test is about
    assertThat(salts.heldSalt(past)).isNull();
    byte[] after = salts(second, Duration.ofMillis(1500)).saltOf(past).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(after).isNotEqualTo(before);
  }
}
