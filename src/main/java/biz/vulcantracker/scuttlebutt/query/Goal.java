package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.Glob;
import biz.vulcantracker.model.GoalMatch;
import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.model.ReservedProps;
import biz.vulcantracker.model.Revenue;
import biz.vulcantracker.store.HitRow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * A site's goal (docs/api.md, "Goals"): a custom event by its name, or a pageview of a page pattern
 * ({@code /blog/*}, {@link Glob}'s syntax). A hit completes the goal when it is such an event or
 * pageview; a visitor converted when one of their hits did. Goals are read from the hits of the
 * period, so a goal added today counts the past too. An event goal with a currency is a revenue
 * goal: its completions' amounts in that currency are summed ({@link Revenue}).
 */
public final class Goal {

  static final int MAX_NAME_CHARS = 120;

  private final String id;
  private final String name;
  private final String event;
  private final String page;
  private final String currency;
  /** The rule compiled once: a goal is matched against every hit of a scan. */
  private final GoalMatch match;

  public Goal(String id, String name, String event, String page) {
    this(id, name, event, page, null);
  }

  /** @param currency a revenue goal's currency (ISO 4217; an event goal only), or null */
  public Goal(String id, String name, String event, String page, String currency) {
    if ((event == null) == (page == null)) {
      throw bad("a goal is {\"event\": name} or {\"page\": pattern}");
    }
    if (name == null || name.isBlank()) {
      name = event != null ? event : "Visit " + page;
    }
    if (name.length() > MAX_NAME_CHARS || (event != null && event.length() > MAX_NAME_CHARS)) {
      throw bad("a goal's name and event are at most " + MAX_NAME_CHARS + " characters");
    }
    if (page != null && (page.length() > Filters.MAX_VALUE_CHARS || Glob.alternativesOf(page) > Filters.MAX_ALTERNATIVES)) {
      throw bad("a page pattern is at most " + Filters.MAX_VALUE_CHARS + " characters and " + Filters.MAX_ALTERNATIVES
          + " alternatives");
    }
    if (currency != null && (event == null || !Revenue.isCurrency(currency))) {
      throw bad("a revenue goal is an event goal with a currency such as EUR (ISO 4217)");
    }
    this.id = id;
    this.name = name;
    this.currency = currency;
    this.event = event;
    this.page = page;
    this.match = page == null ? GoalMatch.ofEvent(event) : GoalMatch.ofPage(page);
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String event() {
    return event;
  }

  public String page() {
    return page;
  }

  public String currency() {
    return currency;
  }

  /** The revenue the hit brings this goal: its amount when it completes the goal in the goal's currency, else null. */
  BigDecimal revenueOf(HitRow hit) {
    if (currency == null || !completedBy(hit) || hit.props() == null || !currency.equals(hit.props().get(ReservedProps.CURRENCY))) {
      return null;
    }
    return Revenue.amountOf(hit.props().get(ReservedProps.AMOUNT));
  }

  /** A page goal's pattern, or null. */
  Glob pagePattern() {
    return match.pagePattern();
  }

  /** Whether the hit completes this goal. */
  public boolean completedBy(HitRow hit) {
    return hit.isCustomEvent() ? completedByEvent(hit.eventName()) : hit.isPageview() && completedByPageview(hit.property("page"));
  }

  /** Whether a custom event of this name completes this goal. */
  boolean completedByEvent(String eventName) {
    return match.completedByEvent(eventName);
  }

  /** Whether a pageview of this page (null: none) completes this goal. */
  boolean completedByPageview(String pagePath) {
    return match.completedByPageview(pagePath);
  }

  /** The goal a request body (or a stored definition) describes, under {@code id}. */
  public static Goal fromJson(String id, JsonNode body) {
    if (!body.isObject()) {
      throw bad("a goal is a JSON object");
    }
    String currency = text(body, "currency");
    return new Goal(id, text(body, "name"), text(body, "event"), text(body, "page"),
        currency == null ? null : currency.toUpperCase(Locale.ROOT));
  }

  public ObjectNode toJson() {
    ObjectNode json = Json.MAPPER.createObjectNode().put("id", id).put("name", name);
    if (event != null) {
      json.put("event", event);
    } else {
      json.put("page", page);
    }
    if (currency != null) {
      json.put("currency", currency);
    }
    return json;
  }

  private static String text(JsonNode body, String field) {
    return DefinitionFields.text(body, field, "bad_goal");
  }

  private static ApiError bad(String message) {
    return DefinitionFields.bad("bad_goal", message);
  }
}
