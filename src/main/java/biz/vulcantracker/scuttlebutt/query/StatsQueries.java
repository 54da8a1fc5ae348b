package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.DailyBreakdownsTable;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.HourlyTotalsTable;
import biz.vulcantracker.store.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The report queries: aggregate, timeseries and breakdown over a period, with or without filters,
 * and the live model's current visitors. Without filters they are answered from the rollup rows;
 * with filters from a scan of the hits table ({@link FilteredStats}), which counts the same way.
 * Every surface that shows numbers (the stats API, the CSV export, the realtime endpoint) asks here,
 * so they cannot disagree. A query the model cannot answer is refused with an {@link ApiError}.
 */
public final class StatsQueries {

  /** One row of a result: a bucket of a series (its date) or a value of a breakdown, with its metrics. */
  public record Row(String key, Map<String, Number> metrics) {}

  public enum Interval {
    HOUR, DAY, MONTH;

    /** Hours for a single day, else days. */
    public static Interval defaultFor(Period period) {
      return period.from().equals(period.to()) ? HOUR : DAY;
    }
  }

  /** The metrics that are counted for properties of single hits. */
  public static final List<String> HIT_METRICS = List.of("visitors", "pageviews", "events");
  private static final int MAX_HOURLY_DAYS = 31;
  private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final DailyTotalsTable dailyTotals;
  private final DailyBreakdownsTable breakdowns;
  private final HourlyTotalsTable hourly;
  private final FilteredStats filtered;
  private final LiveModel live;

  public StatsQueries(DailyTotalsTable dailyTotals, DailyBreakdownsTable breakdowns, HourlyTotalsTable hourly,
      FilteredStats filtered, LiveModel live) {
    this.dailyTotals = dailyTotals;
    this.breakdowns = breakdowns;
    this.hourly = hourly;
    this.filtered = filtered;
    this.live = live;
  }

  /** Each metric's value over the whole period. */
  public CompletionStage<Map<String, Number>> aggregate(Site site, Period period, Filters filters, List<String> metrics) {
    CompletionStage<List<DailyTotals>> rows = filters.isEmpty()
        ? dailyTotals.read(site.id(), period.from(), period.to())
        : filtered.tally(site.id(), site.timezone(), period, filters, FilteredStats.byDay(day -> ""))
            .thenApply(groups -> groups.getOrDefault("", List.of()));
    return rows.thenApply(days -> values(metrics, days));
  }

  /** Visitors with a hit in the last five minutes, from the live model. */
  public CompletionStage<Integer> currentVisitors(Site site) {
    return live.currentVisitors(site);
  }

  /**
   * One row per hour, day or month of the period, stretches without traffic included as zeros. Hours
   * are labelled with their local start in the site's time zone ("2026-11-27 14:00:00").
   */
  public CompletionStage<List<Row>> timeseries(Site site, Period period, Filters filters, List<String> metrics, Interval interval) {
    if (interval == Interval.HOUR) {
      return hourlySeries(site, period, metrics, filters);
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

  /**
   * One row per value of {@code property} over the period, sorted by the first metric (descending,
   * then by value), paged with {@code limit} and {@code page} (from 1).
   */
  public CompletionStage<List<Row>> breakdown(
      Site site, Period period, Filters filters, String property, List<String> metrics, int limit, int page) {
    if (!Property.KEYS.contains(property) && !Property.isEventProp(property)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_property",
          "property is one of " + String.join(", ", Property.KEYS) + " or event:props:<name>");
    }
    if (Property.isHitLevel(property)) {
      for (String metric : metrics) {
        if (!HIT_METRICS.contains(metric)) {
          throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric",
              "'" + property + "' belongs to single hits: its metrics are " + String.join(", ", HIT_METRICS));
        }
      }
    }
    CompletionStage<Map<String, List<DailyTotals>>> values = filters.isEmpty()
        ? breakdowns.read(site.id(), property, period.from(), period.to()).thenApply(rows -> {
          Map<String, List<DailyTotals>> byValue = new HashMap<>();
          rows.stream().filter(row -> row.visitors() > 0 || row.pageviews() > 0 || row.events() > 0 || row.visits() > 0)
              .forEach(row -> byValue.computeIfAbsent(row.value(), v -> new ArrayList<>()).add(new DailyTotals(
              row.day(), row.visitors(), row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs(), 0)));
          return byValue;
        })
        : filtered.tally(site.id(), site.timezone(), period, filters, FilteredStats.byProperty(property));
    String first = metrics.get(0);
    return values.thenApply(byValue -> byValue.entrySet().stream()
        .sorted(Comparator
            .comparing((Map.Entry<String, List<DailyTotals>> e) -> Metrics.value(first, e.getValue()).doubleValue())
            .reversed()
            .thenComparing(Map.Entry::getKey))
        .skip((long) (page - 1) * limit)
        .limit(limit)
        .map(e -> new Row(e.getKey(), values(metrics, e.getValue())))
        .toList());
  }

  private CompletionStage<List<Row>> hourlySeries(Site site, Period period, List<String> metrics, Filters filters) {
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
              timestamp -> hourLabel(Instant.ofEpochMilli(timestamp), zone)))
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

  /** A row per bucket, in key order. */
  private static List<Row> series(Map<String, List<DailyTotals>> buckets, List<String> metrics) {
    List<Row> rows = new ArrayList<>(buckets.size());
    buckets.forEach((date, days) -> rows.add(new Row(date, values(metrics, days))));
    return rows;
  }

  private static Map<String, Number> values(List<String> metrics, List<DailyTotals> days) {
    Map<String, Number> values = new LinkedHashMap<>();
    metrics.forEach(metric -> values.put(metric, Metrics.value(metric, days)));
    return values;
  }

  /** The label of the local hour an instant falls in (hours start at local :00, half-hour zones included). */
  private static String hourLabel(Instant instant, ZoneId zone) {
    return LocalDateTime.ofInstant(instant, zone).truncatedTo(ChronoUnit.HOURS).format(HOUR_LABEL);
  }

  private static String bucketOf(LocalDate day, Interval interval) {
    return interval == Interval.MONTH ? day.withDayOfMonth(1).toString() : day.toString();
  }
}
