package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.model.Property;
import biz.vulcantracker.common.Json;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.store.DailyBreakdownsTable;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.HourlyTotalsTable;
import biz.vulcantracker.store.Site;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats API of API.md: {@code aggregate}, {@code timeseries} by hour, day or month, and
 * {@code breakdown} by every property of API.md (and by custom event properties). Without filters
 * they are answered from the rollup rows; with {@code filters} from a scan of the hits table
 * ({@link FilteredStats}), which counts the same way.
 */
public final class StatsRoutes {

  private static final Logger log = LoggerFactory.getLogger(StatsRoutes.class);
  private static final Set<String> HIT_METRICS = Set.of("visitors", "pageviews", "events");

  private static final int MAX_HOURLY_DAYS = 31;
  private static final long HOUR_MS = Duration.ofHours(1).toMillis();
  private static final DateTimeFormatter HOUR_LABEL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final ReportAccess access;
  private final DailyTotalsTable dailyTotals;
  private final DailyBreakdownsTable breakdowns;
  private final HourlyTotalsTable hourly;
  private final CurrentVisitors currentVisitors;
  private final FilteredStats filtered;

  public StatsRoutes(ReportAccess access, DailyTotalsTable dailyTotals, DailyBreakdownsTable breakdowns,
      HourlyTotalsTable hourly, CurrentVisitors currentVisitors, FilteredStats filtered) {
    this.filtered = filtered;
    this.access = access;
    this.dailyTotals = dailyTotals;
    this.breakdowns = breakdowns;
    this.hourly = hourly;
    this.currentVisitors = currentVisitors;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()), siteId ->
        pathPrefix("stats", () -> get(() -> extractRequest(request -> parameterMap(params -> concat(
            path("aggregate", () -> respond(() -> aggregate(access.authorize(request, siteId), params))),
            path("timeseries", () -> respond(() -> timeseries(access.authorize(request, siteId), params).thenApply(StatsRoutes::json))),
            path("breakdown", () -> respond(() -> breakdown(access.authorize(request, siteId), params).thenApply(StatsRoutes::json)))))))));
  }

  /**
   * One row per value of {@code property} over the period, sorted by the first metric (descending,
   * then by value), paged with {@code limit} and {@code page}. For event properties
   * ({@code event:props:<key>}) the row's key is {@code <key>}.
   */
  CompletionStage<ObjectNode> breakdown(Site site, Map<String, String> params) {
    Filters filters = Filters.parse(params.get("filters"));
    String property = params.getOrDefault("property", "");
    if (!Property.KEYS.contains(property) && !Property.isEventProp(property)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_property",
          "property is one of " + String.join(", ", Property.KEYS) + " or event:props:<name>");
    }
    List<String> metrics = Metrics.parse(params.getOrDefault("metrics", "visitors"));
    boolean hitProperty = Property.isHitLevel(property);
    for (String metric : metrics) {
      if (hitProperty && !HIT_METRICS.contains(metric)) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric",
            "'" + property + "' belongs to single hits: its metrics are " + String.join(", ", HIT_METRICS));
      }
    }
    int limit = boundedInt(params, "limit", 100, 1, 1000);
    int page = boundedInt(params, "page", 1, 1, 100_000);
    Period period = Period.parse(params, site.timezone());
    String key = Property.isEventProp(property) ? Property.eventPropName(property) : property;
    CompletionStage<Map<String, List<DailyTotals>>> values = filters.isEmpty()
        ? breakdowns.read(site.id(), property, period.from(), period.to()).thenApply(rows -> {
          Map<String, List<DailyTotals>> byValue = new HashMap<>();
          rows.forEach(row -> byValue.computeIfAbsent(row.value(), v -> new ArrayList<>()).add(new DailyTotals(
              row.day(), row.visitors(), row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs(), 0)));
          return byValue;
        })
        : filtered.tally(site.id(), site.timezone(), period, filters, FilteredStats.byProperty(property));
    return values.thenApply(byValue -> {
      String first = metrics.get(0);
      var results = Json.MAPPER.createArrayNode();
      byValue.entrySet().stream()
          .sorted(Comparator
              .comparing((Map.Entry<String, List<DailyTotals>> e) -> Metrics.value(first, e.getValue()).doubleValue())
              .reversed()
              .thenComparing(Map.Entry::getKey))
          .skip((long) (page - 1) * limit)
          .limit(limit)
          .forEach(e -> {
            ObjectNode row = results.addObject().put(key, e.getKey());
            metrics.forEach(metric -> row.putPOJO(metric, Metrics.value(metric, e.getValue())));
          });
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("results", results);
      return body;
    });
  }

  private static int boundedInt(Map<String, String> params, String name, int fallback, int min, int max) {
    String text = params.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiError(StatusCodes.BAD_REQUEST, "bad_" + name, name + " is a whole number from " + min + " to " + max);
  }

  private CompletionStage<HttpResponse> aggregate(Site site, Map<String, String> params) {
    Filters filters = Filters.parse(params.get("filters"));
    List<String> metrics = Metrics.parse(params.get("metrics"));
    if ("realtime".equals(params.get("period"))) {
      if (!filters.isEmpty()) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_filter", "period=realtime takes no filters");
      }
      return realtimeAggregate(site, metrics);
    }
    Period period = Period.parse(params, site.timezone());
    CompletionStage<List<DailyTotals>> rows = filters.isEmpty()
        ? dailyTotals.read(site.id(), period.from(), period.to())
        : filtered.tally(site.id(), site.timezone(), period, filters, FilteredStats.byDay(day -> ""))
            .thenApply(groups -> groups.getOrDefault("", List.of()));
    return rows.thenApply(days -> {
      ObjectNode results = Json.MAPPER.createObjectNode();
      for (String metric : metrics) {
        results.putObject(metric).putPOJO("value", Metrics.value(metric, days));
      }
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("results", results);
      return json(body);
    });
  }

  /** {@code period=realtime}: the visitors of the last five minutes, from the live model. */
  private CompletionStage<HttpResponse> realtimeAggregate(Site site, List<String> metrics) {
    if (!metrics.equals(List.of("visitors"))) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", "period=realtime has the metric visitors only");
    }
    return currentVisitors.of(site.id()).thenApply(visitors -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.putObject("results").putObject("visitors").put("value", visitors);
      return json(body);
    });
  }

  /**
   * One row per hour, day or month of the period (hours for a single day unless told otherwise),
   * stretches without traffic included as zeros. Hours are labelled in the site's time zone.
   */
  CompletionStage<ObjectNode> timeseries(Site site, Map<String, String> params) {
    Filters filters = Filters.parse(params.get("filters"));
    List<String> metrics = Metrics.parse(params.get("metrics"));
    Period period = Period.parse(params, site.timezone());
    String interval = params.getOrDefault("interval", period.from().equals(period.to()) ? "hour" : "day");
    if (interval.equals("hour")) {
      return hourlySeries(site, period, metrics, filters);
    }
    if (!interval.equals("day") && !interval.equals("month")) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_interval", "interval is hour, day or month");
    }
    Map<String, List<DailyTotals>> buckets = new TreeMap<>();
    for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
      buckets.put(bucketOf(day, interval), new ArrayList<>());
    }
    if (!filters.isEmpty()) {
      return filtered.tally(site.id(), site.timezone(), period, filters, FilteredStats.byDay(day -> bucketOf(day, interval)))
          .thenApply(groups -> series(fill(buckets, groups), metrics));
    }
    return dailyTotals.read(site.id(), period.from(), period.to()).thenApply(days -> {
      days.forEach(row -> buckets.get(bucketOf(row.day(), interval)).add(row));
      return series(buckets, metrics);
    });
  }

  private CompletionStage<ObjectNode> hourlySeries(Site site, Period period, List<String> metrics, Filters filters) {
    ZoneId zone = site.timezone();
    Instant from = period.from().atStartOfDay(zone).toInstant();
    Instant to = period.to().plusDays(1).atStartOfDay(zone).toInstant();
    if (Duration.between(from, to).toDays() > MAX_HOURLY_DAYS) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_interval", "interval=hour covers at most " + MAX_HOURLY_DAYS + " days");
    }
    Map<String, List<DailyTotals>> buckets = new TreeMap<>();
    for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
      buckets.put(hourLabel(hour, zone), new ArrayList<>());
    }
    if (!filters.isEmpty()) {
      return filtered.tally(site.id(), zone, period, filters, FilteredStats.byHour(
              timestamp -> hourLabel(Instant.ofEpochMilli(Math.floorDiv(timestamp, HOUR_MS) * HOUR_MS), zone)))
          .thenApply(groups -> series(fill(buckets, groups), metrics));
    }
    return hourly.read(site.id(), from, to).thenApply(hours -> {
      hours.forEach(h -> buckets.get(hourLabel(h.hour(), zone)).add(new DailyTotals(
          LocalDate.ofInstant(h.hour(), zone), h.visitors(), h.visits(), h.pageviews(), h.events(),
          h.bounces(), h.durationMs(), h.bots())));
      return series(buckets, metrics);
    });
  }

  /** The period's buckets, each with what the filtered scan counted in it. */
  private static Map<String, List<DailyTotals>> fill(Map<String, List<DailyTotals>> buckets, Map<String, List<DailyTotals>> counted) {
    counted.forEach((bucket, rows) -> {
      List<DailyTotals> into = buckets.get(bucket);
      if (into != null) {
        into.addAll(rows);
      }
    });
    return buckets;
  }

  /** {@code {"results": [{"date": bucket, metric: value, …}, …]}}, buckets in key order. */
  private static ObjectNode series(Map<String, List<DailyTotals>> buckets, List<String> metrics) {
    var results = Json.MAPPER.createArrayNode();
    buckets.forEach((date, rows) -> {
      ObjectNode point = results.addObject().put("date", date);
      metrics.forEach(metric -> point.putPOJO(metric, Metrics.value(metric, rows)));
    });
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("results", results);
    return body;
  }

  /** "2026-11-27 14:00:00": the local start of the hour (half-hour zones show their :30). */
  private static String hourLabel(Instant hour, ZoneId zone) {
    return LocalDateTime.ofInstant(hour, zone).format(HOUR_LABEL);
  }

  private static String bucketOf(LocalDate day, String interval) {
    return interval.equals("month") ? day.withDayOfMonth(1).toString() : day.toString();
  }

  /** Runs a handler, turning an {@link ApiError} (thrown or failed) into its response. */
  static Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
    return completeWithFuture(ApiError.answer(handler, StatsRoutes::failureResponse));
  }

  private static HttpResponse failureResponse(Throwable cause) {
    log.warn("Report failed", cause);
    return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "store_unavailable", "the report could not be read; retry later");
  }

  static HttpResponse json(Object body) {
    return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }
}
