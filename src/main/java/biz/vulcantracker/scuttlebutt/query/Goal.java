package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.store.HitRow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A site's goal (docs/api.md, "Goals"): a custom event by its name, or a pageview of a page pattern
 * ({@code /blog/*}, {@link Glob}'s syntax). A hit completes the goal when it is such an event or
 * pageview; a visitor converted when one of their hits did. Goals are read from the hits of the
 * period, so a goal added today counts the past too.
 */
public final class Goal {

  static final int MAX_NAME_CHARS = 120;

  private final String id;
  private final String name;
  private final String event;
  private final String page;
  /** The page pattern compiled once: a goal is matched against every hit of a scan. */
  private final Glob pattern;

  public Goal(String id, String name, String event, String page) {
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
    this.id = id;
    this.name = name;
    this.event = event;
    this.page = page;
    this.pattern = page == null ? null : Glob.of(page);
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

  /** Whether the hit completes this goal. */
  public boolean completedBy(HitRow hit) {
    if (event != null) {
      return hit.isCustomEvent() && event.equals(hit.eventName());
    }
    return hit.isPageview() && hit.property("page") != null && pattern.matches(hit.property("page"));
  }

  /** The goal a request body (or a stored definition) describes, under {@code id}. */
  public static Goal fromJson(String id, JsonNode body) {
    if (!body.isObject()) {
      throw bad("a goal is a JSON object");
    }
    return new Goal(id, text(body, "name"), text(body, "event"), text(body, "page"));
  }

  public ObjectNode toJson() {
    ObjectNode json = Json.MAPPER.createObjectNode().put("id", id).put("name", name);
    if (event != null) {
      json.put("event", event);
    } else {
      json.put("page", page);
    }
    return json;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw bad(field + " is a string");
    }
    return value.asText();
  }

  private static ApiError bad(String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_goal", message);
  }
}
