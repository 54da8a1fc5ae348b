package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.Glob;
import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The {@code filters} parameter of docs/api.md: {@code page==/blog;country==DE}, {@code !=} for not
 * equals, {@code *} as a wildcard and {@code |} between alternatives ({@code page==/blog*|/docs*}),
 * all filters to hold at once. Filters on {@linkplain Property#isHitLevel single hits' keys} select single hits (a visit counts when
 * one of its hits is selected); the others select whole visits. A missing value equals nothing, so
 * {@code country!=DE} keeps visits without a country. {@code goal==Signup} selects the hits that
 * complete the named {@link Goal} (a pageview goal's pageviews, an event goal's events): a hit filter
 * resolved against the site's goals when the report runs.
 *
 * <p>A shared report key must not be able to make a scan expensive: at most {@value #MAX_FILTERS}
 * filters, each value at most {@value #MAX_VALUE_CHARS} characters and {@value #MAX_ALTERNATIVES}
 * alternatives, matched in linear time ({@link Glob}).
 */
public record Filters(List<Filter> visitFilters, List<Filter> hitFilters, List<Filter> goalFilters) {

  public static final Filters NONE = new Filters(List.of(), List.of(), List.of());
  /** The filter key of goals: {@code goal==Signup} selects the hits that complete a goal of that name. */
  public static final String GOAL = "goal";
  /** The filter key of saved segments: {@code segment==<id>} stands for the segment's filters. */
  public static final String SEGMENT = "segment";
  /** The values of {@code origin}, which a {@code channel} filter still takes, as it did before the key was renamed. */
  private static final java.util.Set<String> LEGACY_CHANNELS = java.util.Set.of("beacon", "log");
  static final int MAX_FILTERS = 10;
  static final int MAX_VALUE_CHARS = 256;
  static final int MAX_ALTERNATIVES = 16;
  static final int MAX_PARAMETER_CHARS = 4096;

  /** One condition: {@code key == pattern} or, {@code negated}, {@code key != pattern}. */
  public record Filter(String key, boolean negated, Glob pattern) {

    boolean test(Function<String, String> values) {
      String value = values.apply(key);
      boolean equal = value != null && pattern.matches(value);
      return equal != negated;
    }
  }

  public boolean isEmpty() {
    return visitFilters.isEmpty() && hitFilters.isEmpty() && goalFilters.isEmpty();
  }

  public boolean hasGoals() {
    return !goalFilters.isEmpty();
  }

  /** These filters but the goal filters: what a conversion rate divides by. */
  public Filters withoutGoals() {
    return new Filters(visitFilters, hitFilters, List.of());
  }

  /**
   * For each goal filter, the site's goals whose name it matches: a hit passes the goal filters when
   * it completes one goal of each set (a filter that names no goal passes nothing).
   */
  List<List<Goal>> goalSets(List<Goal> goals) {
    return goalFilters.stream()
        .map(filter -> goals.stream().filter(goal -> filter.pattern().matches(goal.name())).toList())
        .toList();
  }

  /**
   * The one origin the filters keep ({@code beacon} or {@code log}), or null when they keep both or
   * neither: a report of one origin is counted from that origin's hits alone, so it keeps the
   * pageviews that all traffic counts once (the log's view has every line the log counted).
   */
  public String origin() {
    List<Filter> onOrigin = visitFilters.stream().filter(filter -> filter.key().equals(Property.ORIGIN.key())).toList();
    if (onOrigin.isEmpty()) {
      return null;
    }
    List<String> kept = Stream.of(Property.BEACON_ORIGIN, Property.LOG_ORIGIN)
        .filter(origin -> onOrigin.stream().allMatch(filter -> filter.test(key -> origin)))
        .toList();
    return kept.size() == 1 ? kept.get(0) : null;
  }

  boolean matchesVisit(Function<String, String> values) {
    return allMatch(visitFilters, values);
  }

  boolean matchesHit(Function<String, String> values) {
    return allMatch(hitFilters, values);
  }

  // A loop, not a stream: asked for every visit and hit a report counts.
  private static boolean allMatch(List<Filter> filters, Function<String, String> values) {
    for (Filter filter : filters) {
      if (!filter.test(values)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the parameter names a saved segment, which must be {@linkplain #expand expanded} before it is parsed. */
  public static boolean namesSegment(String parameter) {
    return parameter != null && parts(parameter).stream().anyMatch(part -> part.startsWith(SEGMENT + "==") || part.startsWith(SEGMENT + "!="));
  }

  /**
   * The parameter with each {@code segment==<id>} replaced by that segment's filters, looked up by
   * {@code segmentFilters} (null for an unknown id: a 400).
   */
  public static String expand(String parameter, Function<String, String> segmentFilters) {
    List<String> expanded = new ArrayList<>();
    for (String part : parts(parameter)) {
      if (part.startsWith(SEGMENT + "!=")) {
        throw bad("a segment filter is segment==<id>");
      }
      if (part.startsWith(SEGMENT + "==")) {
        String filters = segmentFilters.apply(part.substring(SEGMENT.length() + 2).strip());
        if (filters == null) {
          throw bad("no segment '" + part.substring(SEGMENT.length() + 2).strip() + "'");
        }
        expanded.add(filters);
      } else {
        expanded.add(part);
      }
    }
    return String.join(";", expanded);
  }

  private static List<String> parts(String parameter) {
    return Glob.split(parameter, ';').stream().map(String::strip).filter(part -> !part.isEmpty()).toList();
  }

  /** Parses the parameter (null or blank: no filters); a malformed one is a 400 {@code bad_filter}. */
  public static Filters parse(String parameter) {
    if (parameter == null || parameter.isBlank()) {
      return NONE;
    }
    if (parameter.length() > MAX_PARAMETER_CHARS) {
      throw bad("filters is at most " + MAX_PARAMETER_CHARS + " characters");
    }
    List<Filter> visit = new ArrayList<>();
    List<Filter> hit = new ArrayList<>();
    List<Filter> goal = new ArrayList<>();
    for (String part : Glob.split(parameter, ';')) {
      if (part.isBlank()) {
        continue;
      }
      if (visit.size() + hit.size() + goal.size() == MAX_FILTERS) {
        throw bad("at most " + MAX_FILTERS + " filters");
      }
      int equals = part.indexOf("==");
      int notEquals = part.indexOf("!=");
      int at = equals < 0 ? notEquals : notEquals < 0 ? equals : Math.min(equals, notEquals);
      if (at <= 0) {
        throw bad("'" + part + "' is not key==value or key!=value");
      }
      String key = part.substring(0, at).strip();
      if (key.equals(GOAL)) {
        if (at == notEquals) {
          throw bad("a goal filter is goal==name");
        }
        goal.add(new Filter(key, false, pattern(part.substring(at + 2))));
        continue;
      }
      String value = part.substring(at + 2);
      if (key.equals(Property.CHANNEL.key()) && Glob.split(value, '|').stream().allMatch(LEGACY_CHANNELS::contains)) {
        key = Property.ORIGIN.key(); // the name origin had before the acquisition channel took it
      }
      if (!Property.KEYS.contains(key) && !Property.isEventProp(key)) {
        throw bad("unknown filter key '" + key + "'; one of " + String.join(", ", Property.KEYS)
            + ", goal or event:props:<name>");
      }
      Filter filter = new Filter(key, at == notEquals, pattern(value));
      (Property.isHitLevel(key) ? hit : visit).add(filter);
    }
    return new Filters(List.copyOf(visit), List.copyOf(hit), List.copyOf(goal));
  }

  private static Glob pattern(String value) {
    if (value.length() > MAX_VALUE_CHARS) {
      throw bad("a filter value is at most " + MAX_VALUE_CHARS + " characters");
    }
    if (Glob.alternativesOf(value) > MAX_ALTERNATIVES) {
      throw bad("a filter value has at most " + MAX_ALTERNATIVES + " alternatives");
    }
    return Glob.of(value);
  }

  private static ApiError bad(String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_filter", message);
  }
}
