package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.ComparedStats;
import biz.vulcantracker.scuttlebutt.query.Comparison;
import biz.vulcantracker.scuttlebutt.query.Filters;
import biz.vulcantracker.scuttlebutt.query.Metrics;
import biz.vulcantracker.scuttlebutt.query.Period;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import biz.vulcantracker.store.Site;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats API (docs/api.md, "Reports"): {@code aggregate}, {@code timeseries} by hour, day or month,
 * and {@code breakdown} by every {@link Property}, by goal and by custom event properties, each
 * optionally compared with an earlier period; and a saved funnel's {@code funnel} report. This class reads
 * the parameters and writes the JSON; the numbers are {@link StatsQueries}'.
 */
public final class StatsRoutes {

  private static final Logger log = LoggerFactory.getLogger(StatsRoutes.class);

  private final ReportAccess access;
  private final StatsQueries queries;
  private final ComparedStats compared;
  private final KeyQuotas quotas;
  private final ReportDefinitions definitions;

  public StatsRoutes(ReportAccess access, StatsQueries queries, KeyQuotas quotas, ReportDefinitions definitions) {
    this.access = access;
    this.queries = queries;
    this.definitions = definitions;
    this.compared = new ComparedStats(queries);
    this.quotas = quotas;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()), siteId ->
        pathPrefix("stats", () -> get(() -> extractRequest(request -> parameterMap(params -> concat(
            path("aggregate", () -> respond(() -> limited(request, siteId, params, (site, filters) -> aggregate(site, params, filters)))),
            path("timeseries", () -> respond(() -> limited(request, siteId, params,
                (site, filters) -> timeseries(site, params, filters).thenApply(StatsRoutes::json)))),
            path("breakdown", () -> respond(() -> limited(request, siteId, params,
                (site, filters) -> breakdown(site, params, filters).thenApply(StatsRoutes::json)))),
            path("funnel", () -> respond(() -> limited(request, siteId, params, (site, filters) -> funnel(site, params, filters))))))))));
  }

  /**
   * Runs a report of the site the request may read, within its holder's {@link KeyQuotas}, under the
   * request's filters (its saved segments expanded) kept within its grant's segment.
   */
  private CompletionStage<HttpResponse> limited(HttpRequest request, String siteId, Map<String, String> params,
      BiFunction<Site, Filters, CompletionStage<HttpResponse>> report) {
    return access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> {
      if ("realtime".equals(params.get("period"))) {
        grant.requireWholeSite("period=realtime");
      }
      return quotas.query(grant.holder(), () -> definitions.filters(siteId, grant.filters(params.get("filters")))
          .thenCompose(filters -> report.apply(grant.site(), filters)));
    });
  }

  private CompletionStage<HttpResponse> aggregate(Site site, Map<String, String> params, Filters filters) {
    List<String> metrics = Metrics.parse(params.get("metrics"));
    if ("realtime".equals(params.get("period"))) {
      if (!filters.isEmpty()) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_filter", "period=realtime takes no filters");
      }
      if (!metrics.equals(List.of("visitors"))) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", "period=realtime has the metric visitors only");
      }
      return queries.currentVisitors(site).thenApply(visitors -> {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("results").putObject("visitors").put("value", visitors);
        return json(body);
      });
    }
    Period period = Period.parse(params, site.timezone());
    Optional<Comparison> comparison = Comparison.parse(params, period);
    if (comparison.isPresent()) {
      return compared.aggregate(site, period, comparison.get(), filters, metrics).thenApply(values -> {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode results = body.putObject("results");
        values.forEach((metric, value) -> put(results.putObject(metric), value));
        return json(body);
      });
    }
    return queries.aggregate(site, period, filters, metrics).thenApply(values -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ObjectNode results = body.putObject("results");
      values.forEach((metric, value) -> results.putObject(metric).putPOJO("value", value));
      return json(body);
    });
  }

  /** {@code {"value": …, "comparison_value": …, "change": …}}. */
  private static ObjectNode put(ObjectNode into, ComparedStats.Compared value) {
    into.putPOJO("value", value.value());
    into.putPOJO("comparison_value", value.comparisonValue());
    into.putPOJO("change", value.change());
    return into;
  }

  /** {@code {"steps": [{"label", "visitors", "conversion_rate", "conversion_rate_step", "dropoff"}, …]}}. */
  private CompletionStage<HttpResponse> funnel(Site site, Map<String, String> params, Filters filters) {
    String funnel = params.get("funnel");
    if (funnel == null || funnel.isEmpty()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_funnel", "funnel=<id> is required");
    }
    Period period = Period.parse(params, site.timezone());
    return queries.funnel(site, period, filters, funnel).thenApply(steps -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode out = body.putArray("steps");
      steps.forEach(step -> out.addObject()
          .put("label", step.label())
          .put("visitors", step.visitors())
          .putPOJO("conversion_rate", step.conversionRate())
          .putPOJO("conversion_rate_step", step.conversionRateStep())
          .put("dropoff", step.dropoff()));
      return json(body);
    });
  }

  /** {@code {"results": [{"date": bucket, metric: value, …}, …]}}. */
  CompletionStage<ObjectNode> timeseries(Site site, Map<String, String> params, Filters filters) {
    List<String> metrics = Metrics.parse(params.get("metrics"));
    Period period = Period.parse(params, site.timezone());
    StatsQueries.Interval interval = intervalOf(params.get("interval"), period);
    Optional<Comparison> comparison = Comparison.parse(params, period);
    if (comparison.isPresent()) {
      return compared.timeseries(site, period, comparison.get(), filters, metrics, interval).thenApply(rows -> {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode results = body.putArray("results");
        rows.forEach(paired -> {
          ObjectNode out = results.addObject().put("date", paired.row().key());
          paired.row().metrics().forEach(out::putPOJO);
          if (paired.comparison() != null) {
            ObjectNode earlier = out.putObject("comparison").put("date", paired.comparison().key());
            paired.comparison().metrics().forEach(earlier::putPOJO);
            ObjectNode change = earlier.putObject("change");
            paired.compared().forEach((metric, value) -> change.putPOJO(metric, value.change()));
          }
        });
        return body;
      });
    }
    return queries.timeseries(site, period, filters, metrics, interval).thenApply(rows -> results(rows, "date"));
  }

  /** {@code {"results": [{property: value, metric: value, …}, …]}}; an event property's rows are keyed by its name. */
  CompletionStage<ObjectNode> breakdown(Site site, Map<String, String> params, Filters filters) {
    String property = params.getOrDefault("property", "");
    List<String> metrics = Metrics.parse(params.getOrDefault("metrics", "visitors"));
    int limit = boundedInt(params, "limit", 100, 1, 1000);
    int page = boundedInt(params, "page", 1, 1, 100_000);
    Period period = Period.parse(params, site.timezone());
    String key = Property.isEventProp(property) ? Property.eventPropName(property) : property;
    Optional<Comparison> comparison = Comparison.parse(params, period);
    if (comparison.isPresent()) {
      return compared.breakdown(site, period, comparison.get(), filters, property, metrics, limit, page).thenApply(rows -> {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode results = body.putArray("results");
        rows.forEach(paired -> {
          ObjectNode out = results.addObject().put(key, paired.row().key());
          paired.compared().forEach((metric, value) -> put(out.putObject(metric), value));
        });
        return body;
      });
    }
    return queries.breakdown(site, period, filters, property, metrics, limit, page).thenApply(rows -> results(rows, key));
  }

  static StatsQueries.Interval intervalOf(String parameter, Period period) {
    if (parameter == null) {
      return StatsQueries.Interval.defaultFor(period);
    }
    return switch (parameter) {
      case "hour", "day", "month" -> StatsQueries.Interval.valueOf(parameter.toUpperCase(Locale.ROOT));
      default -> throw new ApiError(StatusCodes.BAD_REQUEST, "bad_interval", "interval is hour, day or month");
    };
  }

  private static ObjectNode results(List<StatsQueries.Row> rows, String keyName) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode results = body.putArray("results");
    rows.forEach(row -> {
      ObjectNode out = results.addObject().put(keyName, row.key());
      row.metrics().forEach(out::putPOJO);
    });
    return body;
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
