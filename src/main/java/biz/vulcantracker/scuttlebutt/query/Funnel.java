package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.Glob;
import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.store.HitRow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A saved funnel (docs/api.md, "Funnels"): 2 to 8 ordered steps, each a pageview of a page pattern
 * or a goal (by its name). A visit reaches step n when it has, in time order, a hit of step 1, a later
 * one of step 2, … of step n; other hits may come between (as in Plausible and GA4), and steps done
 * across two visits are not a funnel.
 */
public final class Funnel {

  static final int MIN_STEPS = 2;
  static final int MAX_STEPS = 8;

  /** One step: exactly one of {@code page} (a pattern) and {@code goal} (a goal's name). */
  public record Step(String page, String goal) {

    String label() {
      return page != null ? page : goal;
    }
  }

  private final String id;
  private final String name;
  private final List<Step> steps;

  public Funnel(String id, String name, List<Step> steps) {
    if (name == null || name.isBlank() || name.length() > Goal.MAX_NAME_CHARS) {
      throw bad("a funnel has a name of 1 to " + Goal.MAX_NAME_CHARS + " characters");
    }
    if (steps.size() < MIN_STEPS || steps.size() > MAX_STEPS) {
      throw bad("a funnel has " + MIN_STEPS + " to " + MAX_STEPS + " steps");
    }
    for (Step step : steps) {
      if ((step.page() == null) == (step.goal() == null)) {
        throw bad("a step is {\"page\": pattern} or {\"goal\": name}");
      }
      String value = step.label();
      if (value.length() > Filters.MAX_VALUE_CHARS || Glob.alternativesOf(value) > Filters.MAX_ALTERNATIVES) {
        throw bad("a step's page or goal is at most " + Filters.MAX_VALUE_CHARS + " characters");
      }
    }
    this.id = id;
    this.name = name;
    this.steps = List.copyOf(steps);
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public List<Step> steps() {
    return steps;
  }

  /** Each step as a test of one hit, its goal looked up among the site's goals (a goal deleted since matches nothing). */
  List<Predicate<HitRow>> matchers(List<Goal> goals) {
    Map<String, Goal> byName = goals.stream().collect(Collectors.toMap(Goal::name, goal -> goal, (a, b) -> a));
    List<Predicate<HitRow>> matchers = new ArrayList<>();
    for (Step step : steps) {
      if (step.page() != null) {
        Glob pattern = Glob.of(step.page());
        matchers.add(hit -> hit.isPageview() && hit.property("page") != null && pattern.matches(hit.property("page")));
      } else {
        Goal goal = byName.get(step.goal());
        matchers.add(goal == null ? hit -> false : goal::completedBy);
      }
    }
    return matchers;
  }

  /** The first step as goals, one of which a visit must complete to enter the funnel (none: a goal deleted since). */
  List<Goal> firstStep(List<Goal> goals) {
    Step first = steps.get(0);
    if (first.page() != null) {
      return List.of(new Goal(null, "first step", null, first.page()));
    }
    return goals.stream().filter(goal -> goal.name().equals(first.goal())).limit(1).toList();
  }

  /** How many steps the visit's hits (in time order) reach, each after the one before. */
  static int stepsReached(List<HitRow> hits, List<Predicate<HitRow>> matchers) {
    int reached = 0;
    for (HitRow hit : hits) {
      if (reached < matchers.size() && matchers.get(reached).test(hit)) {
        reached++;
      }
    }
    return reached;
  }

  public static Funnel fromJson(String id, JsonNode body) {
    if (!body.isObject() || !body.path("steps").isArray()) {
      throw bad("a funnel is {\"name\": …, \"steps\": [{\"page\": …} or {\"goal\": …}, …]}");
    }
    List<Step> steps = new ArrayList<>();
    for (JsonNode step : body.get("steps")) {
      if (steps.size() > MAX_STEPS) {
        break; // refused below, without reading an attacker's long array further
      }
      steps.add(new Step(text(step, "page"), text(step, "goal")));
    }
    return new Funnel(id, text(body, "name"), steps);
  }

  public ObjectNode toJson() {
    ObjectNode json = Json.MAPPER.createObjectNode().put("id", id).put("name", name);
    ArrayNode out = json.putArray("steps");
    steps.forEach(step -> out.addObject().put(step.page() != null ? "page" : "goal", step.label()));
    return json;
  }

  private static String text(JsonNode body, String field) {
    return DefinitionFields.text(body, field, "bad_funnel");
  }

  private static ApiError bad(String message) {
    return DefinitionFields.bad("bad_funnel", message);
  }
}
