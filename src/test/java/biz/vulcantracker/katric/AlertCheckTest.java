package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.store.HitRow;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The alert rules judged against a site's model: each fires when its count (worked out here by
 * hand from the hits sent) reaches its threshold, once per window, and never again for a hit sent
 * twice or a recount after a failover.
 */
class AlertCheckTest {

  private static final ZoneId ZONE = ZoneId.of("Asia/Kolkata"); // a half-hour zone: local hours are not UTC hours
  private static final long NOW = Instant.parse("2026-11-30T12:10:00Z").toEpochMilli();
  private static final LocalDate TODAY = LocalDate.ofInstant(Instant.ofEpochMilli(NOW), ZONE);
  private static final long MINUTE = 60_000;

  private final SiteModel model = new SiteModel(ZONE);
  private final Map<String, String> lastFired = new HashMap<>();
  private int keys;

  AlertCheckTest() {
    model.load(TODAY, List.of(), NOW);
    model.load(TODAY.minusDays(1), List.of(), NOW);
  }

  @Test
  void aGoalRuleFiresOnceWhenTodaysCompletionsReachItsCount() throws Exception {
    AlertRule rule = rule("g1", "{\"kind\":\"goal\",\"goal\":\"g\",\"goal_page\":\"/thanks*\",\"count\":3}");
    AlertCheck check = new AlertCheck("s");
    HitRow first = pageview(1, "/thanks", NOW - 5 * MINUTE);
    // Two completions, a pageview of another page, a robot's completion, a completion of yesterday: 2 count.
    assertThat(batch(check, rule, first, pageview(2, "/thanks/pro", NOW - 4 * MINUTE), pageview(3, "/other", NOW),
        bot(4, "/thanks", NOW), pageview(5, "/thanks", NOW - 24 * 60 * MINUTE))).isEmpty();
    assertThat(batch(check, rule, first)).as("the same hit again adds nothing").isEmpty();
    List<AlertCheck.Firing> firings = batch(check, rule, event(6, "Signup", NOW), pageview(7, "/thanks", NOW - MINUTE));
    assertThat(firings).hasSize(1);
    JsonNode body = Json.MAPPER.readTree(firings.get(0).body());
    assertThat(body.path("value").asLong()).isEqualTo(3);
    assertThat(body.path("window").asText()).isEqualTo(TODAY.toString());
    assertThat(body.path("alert").path("id").asText()).isEqualTo("g1");
    assertThat(body.toString()).doesNotContain("secret-g1");
    lastFired.put("g1", firings.get(0).window());
    assertThat(batch(check, rule, pageview(8, "/thanks", NOW))).as("once per day").isEmpty();
    assertThat(new AlertCheck("s").afterBatch(List.of(rule), model, ZONE, List.of(), NOW, lastFired))
        .as("a new incarnation recounts 4 and knows the day fired").isEmpty();
    List<AlertCheck.Firing> recounted = new AlertCheck("s").afterBatch(List.of(rule), model, ZONE, List.of(), NOW, Map.of());
    assertThat(recounted).hasSize(1);
    assertThat(Json.MAPPER.readTree(recounted.get(0).body()).path("value").asLong()).isEqualTo(4);
    assertThat(recounted.get(0).deliveryId()).isEqualTo(firings.get(0).deliveryId());
  }

  @Test
  void anEventGoalCountsItsEventsOnly() {
    AlertRule rule = rule("g2", "{\"kind\":\"goal\",\"goal\":\"g\",\"goal_event\":\"Signup\",\"count\":2}");
    AlertCheck check = new AlertCheck("s");
    assertThat(batch(check, rule, event(1, "Signup", NOW), pageview(2, "/Signup", NOW), event(3, "Login", NOW))).isEmpty();
    assertThat(batch(check, rule, event(4, "Signup", NOW))).hasSize(1);
  }

  @Test
  void aNotFoundRuleFiresOnABurstInsideItsMinutes() {
    AlertRule rule = rule("n", "{\"kind\":\"not_found\",\"count\":3,\"minutes\":5}");
    AlertCheck check = new AlertCheck("s");
    // At 10 minutes ago (outside the window), 4 and 3 minutes ago: 2 inside.
    assertThat(batch(check, rule, event(1, "404", NOW - 10 * MINUTE), event(2, "404", NOW - 4 * MINUTE),
        event(3, "404", NOW - 3 * MINUTE), event(4, "Signup", NOW))).isEmpty();
    assertThat(batch(check, rule, event(5, "404", NOW - MINUTE))).hasSize(1);
  }

  @Test
  void aVisitorsRuleFiresOncePerHourAboveItsThreshold() {
    AlertRule rule = rule("v", "{\"kind\":\"visitors\",\"above\":2}");
    AlertCheck check = new AlertCheck("s");
    // Visitors with a hit in the last 5 minutes: 1 and 2 (3 was 6 minutes ago).
    assertThat(batch(check, rule, pageview(1, "/", NOW - MINUTE), pageview(2, "/", NOW - 2 * MINUTE),
        pageview(3, "/", NOW - 6 * MINUTE))).isEmpty();
    List<AlertCheck.Firing> firings = batch(check, rule, pageview(9, "/", NOW));
    assertThat(firings).hasSize(1);
    // The local hour of 12:10 UTC in Kolkata (+05:30) starts at 11:30 UTC.
    assertThat(firings.get(0).window()).isEqualTo("2026-11-30T11:30:00Z");
    lastFired.put("v", firings.get(0).window());
    assertThat(batch(check, rule, pageview(10, "/", NOW))).isEmpty();
  }

  @Test
  void spikeAndDropJudgeAClosedHourAgainstTheSameHourOfEarlierWeeks() {
    AlertRule spike = rule("up", "{\"kind\":\"spike\",\"factor\":2,\"weeks\":4,\"min_pageviews\":10}");
    AlertRule drop = rule("down", "{\"kind\":\"drop\",\"factor\":2,\"weeks\":4,\"min_pageviews\":10}");
    AlertCheck check = new AlertCheck("s");
    model.add(List.of(pageview(1, "/", NOW)), NOW);
    Instant hour = check.hourToJudge(List.of(spike, drop), model, NOW);
    assertThat(hour).isEqualTo(Instant.parse("2026-11-30T10:30:00Z"));
    List<Instant> before = AlertCheck.baselineHours(hour, ZONE);
    assertThat(before.get(0)).isEqualTo(Instant.parse("2026-11-23T10:30:00Z"));
    Map<Instant, Long> pageviews = new HashMap<>(Map.of(before.get(0), 40L, before.get(1), 50L, before.get(2), 60L,
        before.get(3), 50L, before.get(4), 1_000L)); // the fifth week is not in a 4-week baseline: mean 50
    pageviews.put(hour, 100L);
    List<AlertCheck.Firing> firings = check.judgeHour(List.of(spike, drop), hour, ZONE, pageviews, NOW, lastFired);
    assertThat(firings).extracting(AlertCheck.Firing::ruleId).containsExactly("up");
    assertThat(check.hourToJudge(List.of(spike, drop), model, NOW)).as("judged once").isNull();

    AlertCheck later = new AlertCheck("s");
    pageviews.put(hour, 25L);
    assertThat(later.judgeHour(List.of(spike, drop), hour, ZONE, pageviews, NOW, lastFired))
        .extracting(AlertCheck.Firing::ruleId).containsExactly("down");
    pageviews.put(hour, 26L);
    assertThat(new AlertCheck("s").judgeHour(List.of(spike, drop), hour, ZONE, pageviews, NOW, lastFired)).isEmpty();
    AlertRule quiet = rule("q", "{\"kind\":\"drop\",\"factor\":2,\"min_pageviews\":60}");
    pageviews.put(hour, 0L);
    assertThat(new AlertCheck("s").judgeHour(List.of(quiet), hour, ZONE, pageviews, NOW, lastFired))
        .as("a baseline under min_pageviews is not judged").isEmpty();
  }

  @Test
  void hostileRulesAreRefused() {
    for (String body : List.of("[]", "{\"kind\":\"nope\"}", "{\"kind\":\"goal\",\"goal\":\"g\"}",
        "{\"kind\":\"visitors\",\"above\":0}", "{\"kind\":\"visitors\",\"above\":1e20}", "{\"kind\":\"visitors\",\"above\":\"5\"}",
        "{\"kind\":\"not_found\",\"count\":5,\"minutes\":61}", "{\"kind\":\"not_found\",\"count\":100001}", "{\"kind\":\"spike\",\"factor\":1.0}",
        "{\"kind\":\"spike\",\"factor\":\"NaN\"}", "{\"kind\":\"drop\",\"weeks\":9}",
        "{\"kind\":\"visitors\",\"above\":5,\"webhook\":\"javascript:alert(1)\"}",
        "{\"kind\":\"visitors\",\"above\":5,\"webhook\":\"https://user:pw@example.com/\"}",
        "{\"kind\":\"visitors\",\"above\":5,\"webhook\":\"https://example.com/" + "a".repeat(2_000) + "\"}",
        "{\"kind\":\"visitors\",\"above\":5,\"name\":\"" + "n".repeat(121) + "\"}")) {
      assertThatThrownBy(() -> rule("x", body)).as(body).isInstanceOf(ApiError.class);
    }
    assertThatThrownBy(() -> AlertRule.fromRequest("x", Json.MAPPER.readTree("{\"kind\":\"goal\",\"goal\":\"none\",\"count\":1}"),
        "s", id -> null)).hasMessageContaining("no goal");
  }

  @Test
  void aRuleShownHidesItsSecretAndItsWebhooksPath() throws Exception {
    AlertRule rule = rule("w", "{\"kind\":\"visitors\",\"above\":5,\"webhook\":\"https://hooks.example.com/T0/B1/token\"}");
    assertThat(rule.toJson(false).toString()).contains("hooks.example.com").doesNotContain("token").doesNotContain("secret");
    AlertRule stored = AlertRule.fromStored("w", rule.toJson(true));
    assertThat(stored).isEqualTo(rule);
  }

  private static AlertRule rule(String id, String json) {
    try {
      return AlertRule.fromJson(id, Json.MAPPER.readTree(json), "secret-" + id);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** Adds the hits to the model as the entity does, then judges the rule as it does after the batch. */
  private List<AlertCheck.Firing> batch(AlertCheck check, AlertRule rule, HitRow... hits) {
    List<HitRow> added = model.add(List.of(hits), NOW);
    List<AlertCheck.HitRowView> views = new ArrayList<>();
    added.stream().filter(hit -> !hit.bot()).forEach(hit -> views.add(new AlertCheck.HitRowView(hit.timestamp(), hit.day(),
        hit.isPageview(), hit.isCustomEvent(), hit.eventName(), hit.property("page"))));
    return check.afterBatch(List.of(rule), model, ZONE, views, NOW, lastFired);
  }

  private HitRow pageview(long visitor, String page, long at) {
    return hit(visitor, "pageview", page, at, false);
  }

  private HitRow bot(long visitor, String page, long at) {
    return hit(visitor, "pageview", page, at, true);
  }

  private HitRow event(long visitor, String name, long at) {
    return hit(visitor, name, "/", at, false);
  }

  private HitRow hit(long visitor, String event, String page, long at, boolean bot) {
    LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(at), ZONE);
    return new HitRow(day, visitor, "k" + (++keys), at, null, event, Map.of("page", page), null, bot);
  }
}
