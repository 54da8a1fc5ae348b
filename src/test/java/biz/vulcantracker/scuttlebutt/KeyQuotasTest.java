package biz.vulcantracker.scuttlebutt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One key's reports and sockets on a node, with the production limits of reference.conf. */
class KeyQuotasTest {

  private static final KeyQuotas.Settings PRODUCTION = KeyQuotas.Settings.fromConfig(ConfigFactory.load());

  @Test
  void aKeyRunsItsQuotaAtOnceQueuesTheNextInOrderAndRefusesBeyond() {
    KeyQuotas quotas = new KeyQuotas(PRODUCTION);
    AtomicInteger running = new AtomicInteger();
    List<CompletableFuture<Integer>> held = new ArrayList<>();
    List<CompletionStage<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < PRODUCTION.queries() + PRODUCTION.queued(); i++) {
      int n = i;
      answers.add(quotas.query("site:a", () -> {
        running.incrementAndGet();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        held.add(result);
        return result.thenApply(v -> n);
      }));
    }
    assertThat(running).hasValue(PRODUCTION.queries());
    assertThatThrownBy(() -> quotas.query("site:a", () -> CompletableFuture.completedFuture(0)))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.code()).isEqualTo("too_many_queries");
          assertThat(e.status().intValue()).isEqualTo(429);
        });
    // Another key is not held up by this one.
    assertThat(quotas.query("site:b", () -> CompletableFuture.completedFuture(7))).isCompletedWithValue(7);

    held.get(0).complete(0);
    assertThat(answers.get(0)).isCompletedWithValue(0);
    assertThat(running).as("the first in line took the freed place").hasValue(PRODUCTION.queries() + 1);
    for (int i = 1; i < PRODUCTION.queries() + PRODUCTION.queued(); i++) {
      held.get(i).complete(0);
    }
    assertThat(running).hasValue(PRODUCTION.queries() + PRODUCTION.queued());
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i)).isCompletedWithValue(i);
    }
    assertThat(quotas.query("site:a", () -> CompletableFuture.completedFuture(1))).isCompletedWithValue(1);
  }

  @Test
  void aQueryThatFailsOrThrowsGivesItsPlaceBack() {
    KeyQuotas quotas = new KeyQuotas(PRODUCTION);
    for (int i = 0; i < 3 * (PRODUCTION.queries() + PRODUCTION.queued()); i++) {
      assertThat(quotas.query("site:a", () -> {
        throw new ApiError(null, "bad_filter", "x");
      })).isCompletedExceptionally();
      assertThat(quotas.query("site:a", () -> CompletableFuture.failedFuture(new IllegalStateException()))).isCompletedExceptionally();
    }
    assertThat(quotas.query("site:a", () -> CompletableFuture.completedFuture(1))).isCompletedWithValue(1);
  }

  @Test
  void aQueryThatWaitedLongerThanAScanMayRunIsAnsweredBusyNotRun() throws Exception {
    KeyQuotas quotas = new KeyQuotas(new KeyQuotas.Settings(1, 1, 1, Duration.ofMillis(50)));
    CompletableFuture<Integer> first = new CompletableFuture<>();
    quotas.query("site:a", () -> first);
    AtomicInteger ran = new AtomicInteger();
    CompletionStage<Integer> late = quotas.query("site:a", () -> CompletableFuture.completedFuture(ran.incrementAndGet()));
    Thread.sleep(100); // longer than the wait allowed: what the test is about
    first.complete(0);
    assertThat(late.toCompletableFuture()).isCompletedExceptionally();
    assertThat(ran).hasValue(0);
  }

  @Test
  void liveSocketsAreCappedPerKeyAndGivenBackOnClose() {
    KeyQuotas quotas = new KeyQuotas(PRODUCTION);
    for (int i = 0; i < PRODUCTION.liveSockets(); i++) {
      assertThat(quotas.hasSocketRoom("site:a")).isTrue();
      assertThat(quotas.openSocket("site:a")).isTrue();
    }
    assertThat(quotas.hasSocketRoom("site:a")).isFalse();
    assertThat(quotas.openSocket("site:a")).isFalse();
    assertThat(quotas.openSocket("admin")).isTrue();
    quotas.closeSocket("site:a");
    assertThat(quotas.openSocket("site:a")).isTrue();
  }
}
