package biz.vulcantracker.katric;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.model.GoalMatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A site's alert rule (docs/api.md, "Alerts"), evaluated by its site entity as batches persist
 * ({@link AlertCheck}). Stored as JSON in {@code site_definitions}; a goal rule carries a copy of its
 * goal's event or page pattern, so the entity needs nothing else to count completions. The webhook's
 * signing secret is made when the rule is and shown once ({@link #toJson(boolean)}).
 *
 * @param threshold {@code goal}: completions today; {@code visitors}: current visitors (fires above it);
 *     {@code not_found}: 404s in {@code minutes}; {@code spike}, {@code drop}: the least pageviews
 *     (of the hour for a spike, of the baseline for a drop) for the rule to judge at all
 * @param factor {@code spike}: the hour has at least factor × the baseline; {@code drop}: at most baseline ÷ factor
 * @param weeks how many earlier weeks' same hour make the baseline (their mean)
 * @param webhook the URL firings are POSTed to, or null (then only the live socket shows them)
 */
public record AlertRule(
    String id, String name, Kind kind, long threshold, int minutes, double factor, int weeks,
    String goalId, String goalEvent, String goalPage, String webhook, String secret) {

  /** What a rule watches. */
  public enum Kind {
    GOAL, VISITORS, NOT_FOUND, SPIKE, DROP;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String key) {
      for (Kind kind : values()) {
        if (kind.key().equals(key)) {
          return kind;
        }
      }
      throw bad("kind is one of goal, visitors, not_found, spike, drop");
    }
  }

  /** The kind of {@code site_definitions} row a rule is stored as. */
  public static final String DEFINITION_KIND = "alert";
  public static final int MAX_PER_SITE = 20;
  static final int MAX_NAME_CHARS = 120;
  static final int MAX_URL_CHARS = 2_000;
  static final int MAX_MINUTES = 60;
  static final int MAX_WEEKS = 8;
  static final long MAX_THRESHOLD = 1_000_000_000L;
  /** The most 404s a rule may wait for: the entity keeps the times of at most this many. */
  static final long MAX_NOT_FOUND = 100_000;
  static final double MIN_FACTOR = 1.1;
  static final double MAX_FACTOR = 100;

  /** The goal this rule counts (a goal rule only). */
  GoalMatch goalMatch() {
    return goalEvent != null ? GoalMatch.ofEvent(goalEvent) : GoalMatch.ofPage(goalPage);
  }

  /**
   * The rule a request body describes, under {@code id}, with the given secret; a goal rule's goal
   * (its id in the body) is looked up in {@code goals} (null: no such goal, a 400) and copied. Every field is bounded; a refusal is a 400 {@code bad_alert}.
   */
  public static AlertRule fromRequest(String id, JsonNode body, String secret, Function<String, GoalRef> goals) {
    AlertRule rule = fromJson(id, body, secret);
    if (rule.kind == Kind.GOAL) {
      GoalRef goal = goals.apply(rule.goalId);
      if (goal == null) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unknown_goal", "the site has no goal '" + rule.goalId + "'");
      }
      return new AlertRule(id, rule.name, rule.kind, rule.threshold, 0, 0, 0, goal.id(), goal.event(), goal.page(), rule.webhook,
          secret);
    }
    return rule;
  }

  /** A site's goal as a goal rule copies it. */
  public record GoalRef(String id, String event, String page) {}

  /** The rule a stored definition describes (its secret in it). */
  public static AlertRule fromStored(String id, JsonNode stored) {
    return fromJson(id, stored, stored.path("secret").asText());
  }

  /** The rule a stored definition (or a request body) describes, with the given secret. */
  static AlertRule fromJson(String id, JsonNode body, String secret) {
    if (!body.isObject()) {
      throw bad("an alert is a JSON object");
    }
    Kind kind = Kind.of(text(body, "kind", true));
    String name = text(body, "name", false);
    if (name != null && name.length() > MAX_NAME_CHARS) {
      throw bad("a name is at most " + MAX_NAME_CHARS + " characters");
    }
    String webhook = webhook(text(body, "webhook", false));
    long threshold = 0;
    int minutes = 0;
    double factor = 0;
    int weeks = 0;
    String goalId = null;
    String goalEvent = null;
    String goalPage = null;
    switch (kind) {
      case GOAL -> {
        goalId = text(body, "goal", true);
        // A stored rule's copy of its goal (checked as a goal when it was made); a request's is replaced.
        goalEvent = text(body, "goal_event", false);
        goalPage = text(body, "goal_page", false);
        threshold = number(body, "count", 1, MAX_THRESHOLD, null);
      }
      case VISITORS -> threshold = number(body, "above", 1, MAX_THRESHOLD, null);
      case NOT_FOUND -> {
        threshold = number(body, "count", 1, MAX_NOT_FOUND, null);
        minutes = (int) number(body, "minutes", 1, MAX_MINUTES, 5L);
      }
      case SPIKE, DROP -> {
        JsonNode f = body.get("factor");
        factor = f == null || f.isNull() ? 2 : f.isNumber() ? f.asDouble() : Double.NaN;
        if (!(factor >= MIN_FACTOR && factor <= MAX_FACTOR)) {
          throw bad("factor is a number from " + MIN_FACTOR + " to " + MAX_FACTOR);
        }
        weeks = (int) number(body, "weeks", 1, MAX_WEEKS, 4L);
        threshold = number(body, "min_pageviews", 0, MAX_THRESHOLD, 10L);
      }
    }
    if (name == null || name.isBlank()) {
      name = kind.key() + (goalId != null ? " " + goalId : "");
    }
    return new AlertRule(id, name, kind, threshold, minutes, factor, weeks, goalId, goalEvent, goalPage, webhook, secret);
  }

  /**
   * The rule as JSON: what is stored ({@code stored}: the webhook, its secret, and what a goal rule copied),
   * or what is shown (no secret, the webhook's host only: a webhook URL often is a credential).
   */
  public ObjectNode toJson(boolean stored) {
    ObjectNode json = Json.MAPPER.createObjectNode().put("id", id).put("name", name).put("kind", kind.key());
    switch (kind) {
      case GOAL -> json.put("goal", goalId).put("count", threshold);
      case VISITORS -> json.put("above", threshold);
      case NOT_FOUND -> json.put("count", threshold).put("minutes", minutes);
      case SPIKE, DROP -> json.put("factor", factor).put("weeks", weeks).put("min_pageviews", threshold);
    }
    if (stored) {
      if (goalEvent != null) {
        json.put("goal_event", goalEvent);
      }
      if (goalPage != null) {
        json.put("goal_page", goalPage);
      }
      if (webhook != null) {
        json.put("webhook", webhook);
      }
      json.put("secret", secret);
    } else if (webhook != null) {
      json.put("webhook_host", URI.create(webhook).getHost());
    }
    return json;
  }

  /** The rule in a firing's body: what it is, never where it sends or its secret. */
  ObjectNode describe() {
    ObjectNode json = toJson(false);
    json.remove("webhook_host");
    return json;
  }

  private static String webhook(String url) {
    if (url == null) {
      return null;
    }
    if (url.length() > MAX_URL_CHARS) {
      throw bad("webhook is at most " + MAX_URL_CHARS + " characters");
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getUserInfo() != null) {
        throw bad("webhook is an http or https URL with a host and no user info");
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      throw bad("webhook is not a URL");
    }
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw bad(field + " is required");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().length() > MAX_URL_CHARS) {
      throw bad(field + " is a string of at most " + MAX_URL_CHARS + " characters");
    }
    return value.asText();
  }

  private static long number(JsonNode body, String field, long min, long max, Long fallback) {
    JsonNode value = body.get(field);
    if ((value == null || value.isNull()) && fallback != null) {
      return fallback;
    }
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      throw bad(field + " is a whole number from " + min + " to " + max);
    }
    return value.asLong();
  }

  private static ApiError bad(String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_alert", message);
  }
}
