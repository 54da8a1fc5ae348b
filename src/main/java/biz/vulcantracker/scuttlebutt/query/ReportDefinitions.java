package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.katric.AlertRule;
import biz.vulcantracker.store.SiteDefinitions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A site's goals, funnels, segments and alert rules: created from request bodies (checked, capped per site), listed in the
 * order they were made, deleted. Reports read them each time they run, so a change shows at once on
 * every node.
 */
public final class ReportDefinitions {

  static final int MAX_GOALS = 100;
  static final int MAX_FUNNELS = 50;
  static final int MAX_SEGMENTS = 100;
  private static final String GOALS = "goal";
  private static final String FUNNELS = "funnel";
  private static final String SEGMENTS = "segment";

  private final SiteDefinitions table;

  public ReportDefinitions(SiteDefinitions table) {
    this.table = table;
  }

  public CompletionStage<List<Goal>> goals(String siteId) {
    return list(siteId, GOALS, Goal::fromJson);
  }

  public CompletionStage<List<Funnel>> funnels(String siteId) {
    return list(siteId, FUNNELS, Funnel::fromJson);
  }

  public CompletionStage<List<Segment>> segments(String siteId) {
    return list(siteId, SEGMENTS, Segment::fromJson);
  }

  /**
   * The {@code filters} parameter of a report of the site, its saved segments replaced by their
   * filters, parsed; the segments are read only when the parameter names one.
   */
  public CompletionStage<Filters> filters(String siteId, String parameter) {
    if (!Filters.namesSegment(parameter)) {
      return CompletableFuture.completedFuture(Filters.parse(parameter));
    }
    return segments(siteId).thenApply(segments -> Filters.parse(Filters.expand(parameter, id -> segments.stream()
        .filter(segment -> segment.id().equals(id)).map(Segment::filters).findFirst().orElse(null))));
  }

  /**
   * The filters parameter with its saved segments written out, checked as {@link #filters} checks it:
   * what a share link keeps, so that a segment changed or deleted later does not change the link.
   */
  public CompletionStage<String> expanded(String siteId, String parameter) {
    if (!Filters.namesSegment(parameter)) {
      Filters.parse(parameter);
      return CompletableFuture.completedFuture(parameter == null ? "" : parameter.strip());
    }
    return segments(siteId).thenApply(segments -> {
      String expanded = Filters.expand(parameter, id -> segments.stream()
          .filter(segment -> segment.id().equals(id)).map(Segment::filters).findFirst().orElse(null));
      Filters.parse(expanded);
      return expanded;
    });
  }

  /** Adds the goal the body describes; a second goal of the same name is a 409. */
  public CompletionStage<Goal> addGoal(String siteId, String body) {
    Goal goal = Goal.fromJson(newId(), parse(body));
    return add(siteId, GOALS, "goals", MAX_GOALS, goals(siteId), goal, goal.id(), goal.toJson().toString(), goals -> {
      if (goals.stream().anyMatch(other -> other.name().equals(goal.name()))) {
        throw new ApiError(StatusCodes.CONFLICT, "goal_exists", "the site has a goal named '" + goal.name() + "'");
      }
    });
  }

  public CompletionStage<Funnel> addFunnel(String siteId, String body) {
    Funnel funnel = Funnel.fromJson(newId(), parse(body));
    return add(siteId, FUNNELS, "funnels", MAX_FUNNELS, funnels(siteId), funnel, funnel.id(), funnel.toJson().toString(), all -> {});
  }

  public CompletionStage<Segment> addSegment(String siteId, String body) {
    Segment segment = Segment.fromJson(newId(), parse(body));
    return add(siteId, SEGMENTS, "segments", MAX_SEGMENTS, segments(siteId), segment, segment.id(), segment.toJson().toString(),
        all -> {});
  }

  /**
   * Stores a definition unless the site has {@code max} of its kind already (a 409
   * {@code too_many_<plural>}) or {@code check} refuses it beside the ones there are.
   */
  private <T> CompletionStage<T> add(String siteId, String kind, String plural, int max, CompletionStage<List<T>> existing,
      T item, String id, String json, Consumer<List<T>> check) {
    return existing.thenCompose(all -> {
      if (all.size() >= max) {
        throw new ApiError(StatusCodes.CONFLICT, "too_many_" + plural, "a site has at most " + max + " " + plural);
      }
      check.accept(all);
      return put(siteId, kind, id, json).thenApply(done -> item);
    });
  }

  /** The site's alert rules (docs/api.md, "Alerts"), in the order they were made. */
  public CompletionStage<List<AlertRule>> alerts(String siteId) {
    return list(siteId, AlertRule.DEFINITION_KIND, AlertRule::fromStored);
  }

  /**
   * Adds the alert rule the body describes, with a new signing secret (shown in the answer once); a
   * goal rule copies the site's goal it names, so its site entity counts it without the goals.
   */
  public CompletionStage<AlertRule> addAlert(String siteId, String body) {
    JsonNode json = parse(body);
    return goals(siteId).thenCompose(goals -> {
      AlertRule rule = AlertRule.fromRequest(newId(), json, RandomSecret.hex(32), id -> goals.stream()
          .filter(goal -> goal.id().equals(id)).findFirst()
          .map(goal -> new AlertRule.GoalRef(goal.id(), goal.event(), goal.page())).orElse(null));
      return add(siteId, AlertRule.DEFINITION_KIND, "alerts", AlertRule.MAX_PER_SITE, alerts(siteId), rule, rule.id(),
          rule.toJson(true).toString(), all -> {});
    });
  }

  public CompletionStage<Boolean> deleteAlert(String siteId, String id) {
    return delete(siteId, AlertRule.DEFINITION_KIND, id);
  }

  public CompletionStage<Boolean> deleteSegment(String siteId, String id) {
    return delete(siteId, SEGMENTS, id);
  }

  public CompletionStage<Boolean> deleteGoal(String siteId, String id) {
    return delete(siteId, GOALS, id);
  }

  public CompletionStage<Boolean> deleteFunnel(String siteId, String id) {
    return delete(siteId, FUNNELS, id);
  }

  /** The funnel of that id, or a 404. */
  public CompletionStage<Funnel> funnel(String siteId, String id) {
    return funnels(siteId).thenApply(funnels -> funnels.stream().filter(f -> f.id().equals(id)).findFirst()
        .orElseThrow(() -> new ApiError(StatusCodes.NOT_FOUND, "unknown_funnel", "the site has no funnel '" + id + "'")));
  }

  private <T> CompletionStage<List<T>> list(String siteId, String kind, BiFunction<String, JsonNode, T> read) {
    return table.list(siteId, kind).thenApply(rows -> rows.stream()
        .sorted(Comparator.comparing(SiteDefinitions.Stored::createdAt).thenComparing(SiteDefinitions.Stored::id))
        .map(row -> read.apply(row.id(), parse(row.json())))
        .toList());
  }

  private CompletionStage<Void> put(String siteId, String kind, String id, String json) {
    return table.put(siteId, kind, new SiteDefinitions.Stored(id, json, Instant.now())).thenApply(done -> null);
  }

  private CompletionStage<Boolean> delete(String siteId, String kind, String id) {
    return table.list(siteId, kind).thenCompose(rows -> rows.stream().noneMatch(row -> row.id().equals(id))
        ? CompletableFuture.completedFuture(false)
        : table.delete(siteId, kind, id).thenApply(done -> true));
  }

  private static String newId() {
    return RandomSecret.hex(8);
  }

  private static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_json", "the body is not JSON");
    }
  }
}
