package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.ApiError;
import biz.vulcantracker.VulcanConfig;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.Site;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The stats API of API.md, answered from the rollup tables. For now {@code aggregate} with the
 * metrics the daily rollup holds; the others answer 400 until their rollups exist.
 */
public final class StatsRoutes {

  private static final Logger log = LoggerFactory.getLogger(StatsRoutes.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> KNOWN_METRICS =
      Set.of("visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events");
  private static final Set<String> SUPPORTED_METRICS = Set.of("visitors", "pageviews", "events");

  private final ReportAccess access;
  private final DailyTotalsTable dailyTotals;

  public StatsRoutes(ReportAccess access, DailyTotalsTable dailyTotals) {
    this.access = access;
    this.dailyTotals = dailyTotals;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()), siteId ->
        path(segment("stats").slash("aggregate"), () ->
            get(() -> extractRequest(request -> parameterMap(params ->
                respond(() -> aggregate(access.authorize(request, siteId), params)))))));
  }

  private CompletionStage<HttpResponse> aggregate(Site site, Map<String, String> params) {
    if (params.containsKey("filters") && !params.get("filters").isBlank()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_filter", "filters are not supported yet");
    }
    List<String> metrics = metrics(params);
    Period period = Period.parse(params, site.timezone());
    return dailyTotals.read(site.id(), period.from(), period.to()).thenApply(days -> {
      ObjectNode results = MAPPER.createObjectNode();
      for (String metric : metrics) {
        results.putObject(metric).put("value", sum(days, metric));
      }
      ObjectNode body = MAPPER.createObjectNode();
      body.set("results", results);
      return json(body);
    });
  }

  /**
   * Visitors over several days are the sum of each day's distinct visitors (API.md: a visitor id
   * lives one day).
   */
  private static long sum(List<DailyTotals> days, String metric) {
    return days.stream().mapToLong(day -> switch (metric) {
      case "visitors" -> day.visitors();
      case "pageviews" -> day.pageviews();
      case "events" -> day.events();
      default -> throw new IllegalArgumentException(metric);
    }).sum();
  }

  private static List<String> metrics(Map<String, String> params) {
    List<String> metrics = VulcanConfig.commaSeparated(params.getOrDefault("metrics", "visitors,pageviews"));
    for (String metric : metrics) {
      if (!KNOWN_METRICS.contains(metric)) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "bad_metric", "unknown metric '" + metric + "'");
      }
      if (!SUPPORTED_METRICS.contains(metric)) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", "metric '" + metric + "' is not supported yet");
      }
    }
    if (metrics.isEmpty()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_metric", "metrics is empty");
    }
    return metrics;
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
