package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.VulcanConfig;
import biz.vulcantracker.store.DailyTotals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * docs/api.md's metrics over a set of daily rollup rows. Visitors over several days are the sum of each
 * day's distinct visitors (a visitor id lives one day). {@code bounce_rate} is a whole percent,
 * {@code visit_duration} whole seconds (bounces count 0 s), {@code views_per_visit} has two
 * decimals; with no visits all three are 0. {@code conversion_rate} is computed by
 * {@link StatsQueries}, from two tallies (with and without the goal).
 */
public final class Metrics {

  /** The metrics of any set of hits: what the rollups, the live model and the export give. */
  public static final List<String> ALL = List.of("visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events");
  /** Needs a goal: a goal filter, or a breakdown by goal. */
  public static final String CONVERSION_RATE = "conversion_rate";
  /** Hits of known bots, which no other metric counts: from the rollups, so without filters. */
  public static final String BOTS = "bots";
  /** The revenue of a revenue goal's completions, and per completion with revenue (with a goal, as conversion_rate). */
  public static final String TOTAL_REVENUE = "total_revenue";
  public static final String AVERAGE_REVENUE = "average_revenue";
  /** How long a page was looked at (whole seconds) and how far scrolled (percent): of the page breakdown. */
  public static final String TIME_ON_PAGE = "time_on_page";
  public static final String SCROLL_DEPTH = "scroll_depth";
  public static final List<String> OF_PAGES = List.of(TIME_ON_PAGE, SCROLL_DEPTH);
  /** The metrics that need a goal. */
  public static final List<String> OF_GOALS = List.of(CONVERSION_RATE, TOTAL_REVENUE, AVERAGE_REVENUE);
  private static final List<String> ACCEPTED =
      Stream.of(ALL, OF_GOALS, OF_PAGES, List.of(BOTS)).flatMap(List::stream).toList();
  private static final Set<String> KNOWN = Set.copyOf(ACCEPTED);

  private Metrics() {}

  /** The metrics named by the {@code metrics} parameter (default visitors,pageviews), checked. */
  public static List<String> parse(String parameter) {
    List<String> metrics = VulcanConfig.commaSeparated(parameter == null ? "visitors,pageviews" : parameter);
    if (metrics.isEmpty()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_metric", "metrics is empty");
    }
    for (String metric : metrics) {
      if (!KNOWN.contains(metric)) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "bad_metric", "unknown metric '" + metric + "'; one of " + String.join(", ", ACCEPTED));
      }
    }
    return metrics;
  }

  /** A share in percent, whose change is a difference in percentage points. */
  public static boolean isRate(String metric) {
    return metric.equals("bounce_rate") || metric.equals(CONVERSION_RATE);
  }

  /** Converted visitors over all visitors, in percent with one decimal (0 without visitors). */
  public static BigDecimal conversionRate(long converted, long visitors) {
    return visitors == 0 ? BigDecimal.ZERO.setScale(1)
        : BigDecimal.valueOf(100 * converted).divide(BigDecimal.valueOf(visitors), 1, RoundingMode.HALF_UP);
  }

  /** A sum of revenue in its currency's units, two decimals. */
  public static BigDecimal money(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP);
  }

  public static Number value(String metric, Collection<DailyTotals> days) {
    long visits = days.stream().mapToLong(DailyTotals::visits).sum();
    return switch (metric) {
      case "visitors" -> days.stream().mapToLong(DailyTotals::visitors).sum();
      case "visits" -> visits;
      case "pageviews" -> days.stream().mapToLong(DailyTotals::pageviews).sum();
      case "events" -> days.stream().mapToLong(DailyTotals::events).sum();
      case "bots" -> days.stream().mapToLong(DailyTotals::bots).sum();
      case "bounce_rate" -> visits == 0 ? 0L : Math.round(100.0 * days.stream().mapToLong(DailyTotals::bounces).sum() / visits);
      case "visit_duration" -> visits == 0 ? 0L : Math.round(days.stream().mapToLong(DailyTotals::durationMs).sum() / 1000.0 / visits);
      case "views_per_visit" -> visits == 0 ? BigDecimal.ZERO
          : BigDecimal.valueOf(days.stream().mapToLong(DailyTotals::pageviews).sum())
              .divide(BigDecimal.valueOf(visits), 2, RoundingMode.HALF_UP);
      default -> throw new IllegalArgumentException(metric);
    };
  }
}
