package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.ApiError;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.Site;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * The stats API of API.md, answered from the daily rollup rows: {@code aggregate} and
 * {@code timeseries} by day or month, every metric of API.md. Breakdowns, hourly intervals and
 * filters are not there yet (hourly and per-property rollups come with them).
 */
public final class StatsRoutes {

  private static final Logger log = LoggerFactory.getLogger(StatsRoutes.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ReportAccess access;
  private final DailyTotalsTable dailyTotals;

  public StatsRoutes(ReportAccess access, DailyTotalsTable dailyTotals) {
    this.access = access;
    this.dailyTotals = dailyTotals;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()), siteId ->
        pathPrefix("stats", () -> get(() -> extractRequest(request -> parameterMap(params -> concat(
            path("aggregate", () -> respond(() -> aggregate(access.authorize(request, siteId), params))),
            path("timeseries", () -> respond(() -> timeseries(access.authorize(request, siteId), params)))))))));
  }

  private CompletionStage<HttpResponse> aggregate(Site site, Map<String, String> params) {
    rejectFilters(params);
    List<String> metrics = Metrics.parse(params.get("metrics"));
    Period period = Period.parse(params, site.timezone());
    return dailyTotals.read(site.id(), period.from(), period.to()).thenApply(days -> {
      ObjectNode results = MAPPER.createObjectNode();
      for (String metric : metrics) {
        results.putObject(metric).putPOJO("value", Metrics.value(metric, days));
      }
      ObjectNode body = MAPPER.createObjectNode();
      body.set("results", results);
      return json(body);
    });
  }

  /** One row per day (or month) of the period, days without traffic included as zeros. */
  private CompletionStage<HttpResponse> timeseries(Site site, Map<String, String> params) {
    rejectFilters(params);
    List<String> metrics = Metrics.parse(params.get("metrics"));
    Period period = Period.parse(params, site.timezone());
    String interval = params.getOrDefault("interval", "day");
    if (!interval.equals("day") && !interval.equals("month")) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_interval", "interval is day or month (hour is not supported yet)");
    }
    return dailyTotals.read(site.id(), period.from(), period.to()).thenApply(days -> {
      Map<String, List<DailyTotals>> buckets = new java.util.TreeMap<>();
      for (java.time.LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
        buckets.put(bucketOf(day, interval), new java.util.ArrayList<>());
      }
      days.forEach(row -> buckets.get(bucketOf(row.day(), interval)).add(row));
      var results = MAPPER.createArrayNode();
      buckets.forEach((date, rows) -> {
        ObjectNode point = results.addObject().put("date", date);
        metrics.forEach(metric -> point.putPOJO(metric, Metrics.value(metric, rows)));
      });
      ObjectNode body = MAPPER.createObjectNode();
      body.set("results", results);
      return json(body);
    });
  }

  private static String bucketOf(java.time.LocalDate day, String interval) {
    return interval.equals("month") ? day.withDayOfMonth(1).toString() : day.toString();
  }

  private static void rejectFilters(Map<String, String> params) {
    if (params.containsKey("filters") && !params.get("filters").isBlank()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_filter", "filters are not supported yet");
    }
  }

  /** Runs a handler, turning an {@link ApiError} (thrown or failed) into its response. */
  static Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
    CompletionStage<HttpResponse> response;
    try {
      response = handler.get().exceptionally(StatsRoutes::errorResponse);
    } catch (ApiError error) {
      response = CompletableFuture.completedFuture(error.toResponse());
    }
    return completeWithFuture(response);
  }

  static HttpResponse errorResponse(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof ApiError error) {
      return error.toResponse();
    }
    log.warn("Report failed", cause);
    return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "store_unavailable", "the report could not be read; retry later");
  }

  static HttpResponse json(Object body) {
    return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }
}
