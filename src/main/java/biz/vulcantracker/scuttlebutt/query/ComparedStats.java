package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.store.Site;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The reports of {@link StatsQueries} set against a {@link Comparison}'s earlier period: both periods
 * are asked the same question with the same filters, and their answers paired.
 */
public final class ComparedStats {

  /** A metric's value, its value in the earlier period, and the change ({@link Comparison#change}). */
  public record Compared(Number value, Number comparisonValue, BigDecimal change) {
    static Compared of(String metric, Number value, Number comparisonValue) {
      return new Compared(value, comparisonValue, Comparison.change(metric, value, comparisonValue));
    }
  }

  /** A row of the period and its partner in the earlier one (null when it has none: a shorter period). */
  public record Paired(StatsQueries.Row row, StatsQueries.Row comparison) {

    /** Each metric of the row with its earlier value and change. */
    public Map<String, Compared> compared() {
      Map<String, Compared> compared = new LinkedHashMap<>();
      row.metrics().forEach((metric, value) -> compared.put(metric, Compared.of(metric, value, comparison.metrics().get(metric))));
      return compared;
    }
  }

  private final StatsQueries queries;

  public ComparedStats(StatsQueries queries) {
    this.queries = queries;
  }

  public CompletionStage<Map<String, Compared>> aggregate(Site site, Period period, Comparison comparison, Filters filters,
      List<String> metrics) {
    return queries.aggregate(site, period, filters, metrics)
        .thenCombine(queries.aggregate(site, comparison.period(), filters, metrics), (now, before) -> {
          Map<String, Compared> compared = new LinkedHashMap<>();
          now.forEach((metric, value) -> compared.put(metric, Compared.of(metric, value, before.get(metric))));
          return compared;
        });
  }

  /** The buckets of both periods paired by position: the first day with the first day. */
  public CompletionStage<List<Paired>> timeseries(Site site, Period period, Comparison comparison, Filters filters,
      List<String> metrics, StatsQueries.Interval interval) {
    return queries.timeseries(site, period, filters, metrics, interval)
        .thenCombine(queries.timeseries(site, comparison.period(), filters, metrics, interval), (now, before) -> {
          List<Paired> paired = new ArrayList<>(now.size());
          for (int i = 0; i < now.size(); i++) {
            paired.add(new Paired(now.get(i), i < before.size() ? before.get(i) : null));
          }
          return paired;
        });
  }

  /** The period's rows (sorted and paged as without comparison), each with the same value's row of the earlier period (zeros if it had none). */
  public CompletionStage<List<Paired>> breakdown(Site site, Period period, Comparison comparison, Filters filters, String property,
      List<String> metrics, int limit, int page) {
    return queries.breakdown(site, period, filters, property, metrics, limit, page)
        .thenCombine(queries.breakdown(site, comparison.period(), filters, property, metrics, Integer.MAX_VALUE, 1), (now, before) -> {
          Map<String, StatsQueries.Row> earlier = before.stream().collect(Collectors.toMap(StatsQueries.Row::key, Function.identity()));
          return now.stream()
              .map(row -> new Paired(row, earlier.getOrDefault(row.key(), new StatsQueries.Row(row.key(), zeros(metrics)))))
              .toList();
        });
  }

  private static Map<String, Number> zeros(List<String> metrics) {
    Map<String, Number> zeros = new LinkedHashMap<>();
    metrics.forEach(metric -> zeros.put(metric, switch (metric) {
      case Metrics.CONVERSION_RATE -> Metrics.conversionRate(0, 0);
      case Metrics.TOTAL_REVENUE, Metrics.AVERAGE_REVENUE -> Metrics.money(BigDecimal.ZERO);
      case Metrics.TIME_ON_PAGE, Metrics.SCROLL_DEPTH -> 0L;
      default -> Metrics.value(metric, List.of());
    }));
    return zeros;
  }
}
