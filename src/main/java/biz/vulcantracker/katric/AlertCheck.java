package biz.vulcantracker.katric;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.model.GoalMatch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Judges a site's alert rules against its live model, on the entity's thread, after each persisted
 * batch. What it counts (today's completions per goal rule, the recent 404s) is a function of the
 * model's hits, recounted from the resident day whenever the model or the rules are new (a start, a
 * failover, a failed write, a rule added), then moved by each batch's new hits — never by arrival
 * order or redelivery, since the model adds a hit once.
 *
 * <p>Each rule fires at most once per window (a goal rule per local day, a visitors rule per local
 * hour, a 404 rule per block of its minutes, a spike or drop rule per judged hour): the window a rule
 * last fired in is in the entity's persisted state, so a recount after a failover never fires again.
 * Spike and drop judge a local hour once it has closed, against the same hour of earlier weeks
 * (the {@code hourly_totals} rows, read by the entity).
 */
final class AlertCheck {

  /** A firing decided: persisted ({@link SiteEntity.AlertFired}) before it is delivered. */
  record Firing(String ruleId, String window, String deliveryId, String body, long firedAt) {}

  private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
  /** More 404s than any rule's threshold can ask for are not kept: bounds the memory a 404 flood takes. */
  private static final long MAX_RECENT_404S = AlertRule.MAX_NOT_FOUND;
  private static final long MAX_MINUTES_MS = AlertRule.MAX_MINUTES * MINUTE_MS;

  private final String siteId;
  /** The model the counts below were taken from; another model (or none) means recount. */
  private SiteModel countedModel;
  private LocalDate countedDay;
  private List<AlertRule> countedRules = List.of();
  /** Today's completions per goal rule id. */
  private final Map<String, Long> completions = new HashMap<>();
  /** Each goal rule's pattern, compiled once (a rule is matched against every new hit). */
  private final Map<AlertRule, GoalMatch> goalMatches = new HashMap<>();
  /** The times of the 404 events of the last hour, oldest first (a bounded few). */
  private final ArrayDeque<Long> recent404s = new ArrayDeque<>();
  /** The latest closed hour whose spike and drop rules were judged (in memory: judging again fires nothing twice). */
  private long judgedHour = Long.MIN_VALUE;

  AlertCheck(String siteId) {
    this.siteId = siteId;
  }

  /**
   * The firings the rules call for now, given the hits just added to {@code model} (already in it)
   * and the window each rule last fired in.
   */
  List<Firing> afterBatch(List<AlertRule> rules, SiteModel model, ZoneId zone, List<HitRowView> added, long now,
      Map<String, String> lastFired) {
    LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(now), zone);
    List<Firing> firings = new ArrayList<>();
    if (rules.isEmpty() || model == null || !model.isResident(today)) {
      return firings;
    }
    if (model != countedModel || !today.equals(countedDay) || !rules.equals(countedRules)) {
      recount(rules, model, today, now);
    } else {
      added.forEach(hit -> count(rules, hit, today, now));
    }
    long since404 = now - MAX_MINUTES_MS;
    while (!recent404s.isEmpty() && recent404s.peekFirst() < since404) {
      recent404s.pollFirst();
    }
    for (AlertRule rule : rules) {
      switch (rule.kind()) {
        case GOAL -> {
          long value = completions.getOrDefault(rule.id(), 0L);
          if (value >= rule.threshold()) {
            fire(rule, today.toString(), value, null, now, lastFired, firings);
          }
        }
        case VISITORS -> {
          long value = model.visitorsActiveSince(now - SiteEntity.CURRENT_WINDOW_MS);
          if (value > rule.threshold()) {
            fire(rule, Instant.ofEpochMilli(model.hourOf(now)).toString(), value, null, now, lastFired, firings);
          }
        }
        case NOT_FOUND -> {
          long windowMs = rule.minutes() * MINUTE_MS;
          long value = recent404s.stream().filter(at -> at >= now - windowMs).count();
          if (value >= rule.threshold()) {
            fire(rule, Instant.ofEpochMilli(Math.floorDiv(now, windowMs) * windowMs).toString(), value, null, now, lastFired, firings);
          }
        }
        case SPIKE, DROP -> {} // judged per closed hour: hourToJudge, judgeHour
      }
    }
    return firings;
  }

  /** A hit as the check reads it, from a new hit or a resident one. */
  record HitRowView(long timestamp, LocalDate day, boolean pageview, boolean customEvent, String event, String page) {}

  private void recount(List<AlertRule> rules, SiteModel model, LocalDate today, long now) {
    completions.clear();
    recent404s.clear();
    List<Long> found404s = new ArrayList<>();
    model.forEachHit(today, hit -> {
      count(rules, hit, today, Long.MIN_VALUE);
      if (isRecent404(hit, now)) {
        found404s.add(hit.timestamp());
      }
    });
    found404s.sort(null);
    found404s.forEach(this::note404);
    countedModel = model;
    countedDay = today;
    countedRules = List.copyOf(rules);
  }

  private void count(List<AlertRule> rules, HitRowView hit, LocalDate today, long now) {
    if (!hit.day().equals(today)) {
      return;
    }
    for (AlertRule rule : rules) {
      if (rule.kind() == AlertRule.Kind.GOAL && completes(goalMatchOf(rule), hit)) {
        completions.merge(rule.id(), 1L, Long::sum);
      }
    }
    if (now != Long.MIN_VALUE && isRecent404(hit, now)) {
      note404(hit.timestamp());
    }
  }

  private GoalMatch goalMatchOf(AlertRule rule) {
    if (goalMatches.size() > 2 * AlertRule.MAX_PER_SITE) {
      goalMatches.clear(); // rules changed since: the old ones' patterns go
    }
    return goalMatches.computeIfAbsent(rule, AlertRule::goalMatch);
  }

  private static boolean completes(GoalMatch goal, HitRowView hit) {
    return hit.customEvent() ? goal.completedByEvent(hit.event()) : hit.pageview() && goal.completedByPageview(hit.page());
  }

  private static boolean isRecent404(HitRowView hit, long now) {
    return hit.customEvent() && EventNames.NOT_FOUND.equals(hit.event()) && hit.timestamp() >= now - MAX_MINUTES_MS
        && hit.timestamp() <= now + MINUTE_MS;
  }

  private void note404(long at) {
    recent404s.addLast(at);
    if (recent404s.size() > MAX_RECENT_404S) {
      recent404s.pollFirst();
    }
  }

  /** The model was cleared: what was counted from it is recounted with the next batch. */
  void forget() {
    countedModel = null;
  }

  /**
   * The start of the last closed local hour if the site has spike or drop rules and it was not judged
   * yet by this incarnation, else null; then {@link #baselineHours} are to be read for it.
   */
  Instant hourToJudge(List<AlertRule> rules, SiteModel model, long now) {
    if (model == null || rules.stream().noneMatch(rule -> rule.kind() == AlertRule.Kind.SPIKE || rule.kind() == AlertRule.Kind.DROP)) {
      return null;
    }
    long closed = model.hourOf(model.hourOf(now) - 1);
    return closed > judgedHour ? Instant.ofEpochMilli(closed) : null;
  }

  /** The same local hour in each of the {@value AlertRule#MAX_WEEKS} weeks before {@code hour}. */
  static List<Instant> baselineHours(Instant hour, ZoneId zone) {
    List<Instant> hours = new ArrayList<>();
    ZonedDateTime local = hour.atZone(zone);
    for (int week = 1; week <= AlertRule.MAX_WEEKS; week++) {
      hours.add(local.minusWeeks(week).toInstant());
    }
    return hours;
  }

  /**
   * Judges the spike and drop rules for a closed hour from its pageviews and its baseline hours'
   * ({@code pageviews}: hour start → pageviews; an hour without a row had none).
   */
  List<Firing> judgeHour(List<AlertRule> rules, Instant hour, ZoneId zone, Map<Instant, Long> pageviews, long now,
      Map<String, String> lastFired) {
    List<Firing> firings = new ArrayList<>();
    if (hour.toEpochMilli() <= judgedHour) {
      return firings;
    }
    judgedHour = hour.toEpochMilli();
    long value = pageviews.getOrDefault(hour, 0L);
    List<Instant> before = baselineHours(hour, zone);
    for (AlertRule rule : rules) {
      if (rule.kind() != AlertRule.Kind.SPIKE && rule.kind() != AlertRule.Kind.DROP) {
        continue;
      }
      double baseline = before.subList(0, rule.weeks()).stream().mapToLong(h -> pageviews.getOrDefault(h, 0L)).average().orElse(0);
      boolean fires = rule.kind() == AlertRule.Kind.SPIKE
          ? value >= rule.threshold() && value >= rule.factor() * baseline
          : baseline >= rule.threshold() && baseline > 0 && value <= baseline / rule.factor();
      if (fires) {
        fire(rule, hour.toString(), value, baseline, now, lastFired, firings);
      }
    }
    return firings;
  }

  private void fire(AlertRule rule, String window, long value, Double baseline, long now, Map<String, String> lastFired,
      List<Firing> firings) {
    if (window.equals(lastFired.get(rule.id()))) {
      return;
    }
    String deliveryId = deliveryId(siteId, rule.id(), window);
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("delivery", deliveryId)
        .put("site", siteId)
        .put("window", window)
        .put("fired_at", Instant.ofEpochMilli(now).toString())
        .put("value", value)
        .put("threshold", rule.threshold());
    if (baseline != null) {
      body.put("baseline", Math.round(baseline * 100) / 100.0);
    }
    body.set("alert", rule.describe());
    if (body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > SiteState.MAX_FIRING_BYTES) {
      body.set("alert", Json.MAPPER.createObjectNode().put("id", rule.id()).put("kind", rule.kind().key()));
    }
    firings.add(new Firing(rule.id(), window, deliveryId, body.toString(), now));
  }

  /** One id per (site, rule, window): a receiver that keeps ids drops a firing sent again after a failover. */
  static String deliveryId(String siteId, String ruleId, String window) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((siteId + '\0' + ruleId + '\0' + window).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
