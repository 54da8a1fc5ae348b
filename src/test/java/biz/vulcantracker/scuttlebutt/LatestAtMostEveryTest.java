package biz.vulcantracker.scuttlebutt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LatestAtMostEveryTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration INTERVAL = Duration.ofMillis(300);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static Pair<TestPublisher.Probe<Integer>, TestSubscriber.Probe<Integer>> run() {
    return TestSource.<Integer>probe(KIT.system().classicSystem())
        .via(Flow.fromGraph(new LatestAtMostEvery<Integer>(INTERVAL, (held, newer) -> newer)))
        .toMat(TestSink.probe(KIT.system().classicSystem()), org.apache.pekko.stream.javadsl.Keep.both())
        .run(KIT.system());
  }

  @Test
  void sendsTheFirstAtOnceThenOnlyTheLatestPerInterval() {
    var probes = run();
    var in = probes.first();
    var out = probes.second();
    out.request(10);
    in.sendNext(1);
    assertThat(out.expectNext(Duration.ofMillis(100))).isEqualTo(1);
    in.sendNext(2);
    in.sendNext(3);
    in.sendNext(4);
    out.expectNoMessage(Duration.ofMillis(200)); // within the interval: nothing
    assertThat(out.expectNext(Duration.ofMillis(300))).isEqualTo(4); // then only the latest
    out.expectNoMessage(Duration.ofMillis(400)); // nothing new, nothing sent
    in.sendNext(5);
    assertThat(out.expectNext(Duration.ofMillis(100))).isEqualTo(5); // an interval passed: at once
  }

  @Test
  void holdsOneElementForADownstreamThatDoesNotPull() {
    var probes = run();
    var in = probes.first();
    var out = probes.second();
    for (int i = 1; i <= 10_000; i++) {
      in.sendNext(i); // the stage keeps pulling: a publisher probe would fail on sending without demand
    }
    out.request(1);
    assertThat(out.expectNext(Duration.ofMillis(500))).isEqualTo(10_000);
    in.sendComplete();
    out.request(1);
    out.expectComplete();
  }
}
