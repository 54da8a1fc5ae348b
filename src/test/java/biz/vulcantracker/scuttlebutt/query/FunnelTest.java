package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.store.HitRow;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunnelTest {

  private static final List<Goal> GOALS = List.of(new Goal("g1", null, "Signup", null), new Goal("g2", "Docs", null, "/docs/*"));
  private static final Funnel FUNNEL = new Funnel("f", "Signup", List.of(
      new Funnel.Step("/", null), new Funnel.Step("/pricing*", null), new Funnel.Step(null, "Signup")));

  @Test
  void stepsAreReachedInOrderWithOtherHitsBetween() {
    var steps = FUNNEL.matchers(GOALS);
    assertThat(Funnel.stepsReached(List.of(page("/"), page("/about"), page("/pricing?x"), event("Other"), event("Signup")), steps))
        .isEqualTo(3);
    // Skipping a step stops the funnel there, whatever comes later.
    assertThat(Funnel.stepsReached(List.of(page("/"), event("Signup"), page("/pricing")), steps)).isEqualTo(2);
    assertThat(Funnel.stepsReached(List.of(page("/pricing"), page("/"), event("Signup")), steps)).isEqualTo(1);
    assertThat(Funnel.stepsReached(List.of(event("Signup")), steps)).isZero();
    // An event named like a page is not a pageview of it.
    assertThat(Funnel.stepsReached(List.of(page("/"), new HitRow(DAY, 1, "k", 1, null, "pageview", Map.of(), Map.of(), true)), steps))
        .isEqualTo(1);
  }

  @Test
  void aDeletedGoalIsAStepNobodyReaches() {
    assertThat(Funnel.stepsReached(List.of(page("/"), page("/pricing"), event("Signup")), FUNNEL.matchers(List.of()))).isEqualTo(2);
  }

  @Test
  void aFunnelHasTwoToEightWellFormedSteps() throws Exception {
    assertThatThrownBy(() -> Funnel.fromJson("x", Json.MAPPER.readTree("{\"name\": \"a\", \"steps\": [{\"page\": \"/\"}]}")))
        .isInstanceOf(ApiError.class).hasMessageContaining("2 to 8");
    String nine = "{\"name\": \"a\", \"steps\": [" + "{\"page\": \"/\"},".repeat(8) + "{\"page\": \"/\"}]}";
    assertThatThrownBy(() -> Funnel.fromJson("x", Json.MAPPER.readTree(nine))).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> Funnel.fromJson("x", Json.MAPPER.readTree("{\"name\": \"a\", \"steps\": [{\"page\": \"/\", \"goal\": \"g\"}, {\"page\": \"/\"}]}")))
        .isInstanceOf(ApiError.class);
    assertThat(Funnel.fromJson("f", FUNNEL.toJson()).toJson()).isEqualTo(FUNNEL.toJson());
  }

  @Test
  void goalsAreAnEventOrAPagePattern() throws Exception {
    assertThat(GOALS.get(0).completedBy(event("Signup"))).isTrue();
    assertThat(GOALS.get(0).completedBy(page("Signup"))).isFalse();
    assertThat(GOALS.get(1).completedBy(page("/docs/install"))).isTrue();
    assertThat(GOALS.get(1).completedBy(page("/blog/docs/"))).isFalse();
    assertThat(GOALS.get(1).completedBy(event("/docs/x"))).isFalse();
    assertThat(new Goal("g", null, null, "/blog/*").name()).isEqualTo("Visit /blog/*");
    assertThatThrownBy(() -> Goal.fromJson("g", Json.MAPPER.readTree("{\"event\": \"a\", \"page\": \"/\"}"))).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> Goal.fromJson("g", Json.MAPPER.readTree("{\"page\": \"" + "*".repeat(300) + "\"}"))).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> Goal.fromJson("g", Json.MAPPER.readTree("[]"))).isInstanceOf(ApiError.class);
  }

  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static long clock;

  private static HitRow page(String page) {
    return new HitRow(DAY, 1, "k" + clock, clock++, null, "pageview", Map.of("page", page), Map.of(), false);
  }

  private static HitRow event(String name) {
    return new HitRow(DAY, 1, "k" + clock, clock++, null, name, Map.of("page", "/"), Map.of(), false);
  }
}
