package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.HourlyTotalsTable;
import biz.vulcantracker.store.Site;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The report queries: aggregate, timeseries and breakdown over a period, with or without filters,
 * and the live model's current visitors. Without filters they are answered from the rollup rows;
 * with filters from a scan of the hits table ({@link FilteredStats}), which counts the same way.
 * Every surface that shows numbers (the stats API, the CSV export, the realtime endpoint) asks here,
 * so they cannot disagree. The unfiltered daily and monthly series, aggregates and rollup breakdowns
 * add the imported layer ({@link ImportedLayer}) for the days before the site's own data; hourly
 * series and filtered reports are of the site's own hits only (an import has no hours and no
 * hits). A query the model cannot answer is refused with an {@link ApiError}.
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
  /** The breakdown of bots' hits by the bot's name (Googlebot, curl, …). */
  public static final String BOT = "bot";
  /** The metrics of a breakdown by goal: converted visitors, their visits, completions, and the rate. */
  public static final List<String> GOAL_METRICS = List.of("visitors", "visits", "events", Metrics.CONVERSION_RATE,
      Metrics.TOTAL_REVENUE, Metrics.AVERAGE_REVENUE);
  private static final int MAX_HOURLY_DAYS = 31;
  private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final DailyTotalsTable dailyTotals;
  private final RollupRows breakdowns;
  private final HourlyTotalsTable hourly;
  private final FilteredStats filtered;
  private final LiveModel live;
  private final ReportDefinitions definitions;
  private final ImportedLayer imported;

  public StatsQueries(DailyTotalsTable dailyTotals, RollupRows breakdowns, HourlyTotalsTable hourly,
      FilteredStats filtered, LiveModel live, ReportDefinitions definitions, ImportedLayer imported) {
    this.dailyTotals = dailyTotals;
    this.breakdowns = breakdowns;
    this.hourly = hourly;
    this.filtered = filtered;
    this.live = live;
    this.definitions = definitions;
    this.imported = imported;
  }

  /** A group's rows under the filters, and without their goal filters (what a conversion rate divides by). */
  private record Counts(List<DailyTotals> days, List<DailyTotals> base, FilteredStats.RevenueTotal revenue,
      FilteredStats.EngagementTotal engagement) {
    static final FilteredStats.RevenueTotal NO_REVENUE = new FilteredStats.RevenueTotal(BigDecimal.ZERO, 0);

    static Counts of(List<DailyTotals> days) {
      return new Counts(days, List.of(), NO_REVENUE, FilteredStats.EngagementTotal.NONE);
    }
  }

  /** Each metric's value over the whole period. */
  public CompletionStage<Map<String, Number>> aggregate(Site site, Period period, Filters filters, List<String> metrics) {
    requireGoal(metrics, filters.hasGoals());
    requireNoFilterForBots(metrics, filters);
    requirePageBreakdown(metrics, null);
    if (filters.isEmpty()) {
      return withImported(site, period).thenApply(days -> values(metrics, Counts.of(days)));
    }
    return scan(site, period, filters, metrics, FilteredStats.byDay(day -> ""), () -> dailyByBucket(site, period, day -> "", false))
        .thenApply(groups -> values(metrics, groups.getOrDefault("", Counts.of(List.of()))));
  }

  /**
   * Tallies the period's hits under the filters per group, with the site's goals when the filters
   * name one, and the same groups without the goal filters when a conversion rate is asked for
   * (from {@code rollups}, the same groups unfiltered, when goals are the only filters and there are such rollups).
   */
  private CompletionStage<Map<String, Counts>> scan(Site site, Period period, Filters filters, List<String> metrics,
      FilteredStats.Grouping grouping, Supplier<CompletionStage<Map<String, List<DailyTotals>>>> rollups) {
    boolean rate = metrics.contains(Metrics.CONVERSION_RATE);
    return goalsOf(site, filters.hasGoals()).thenCompose(goals -> {
      requireOneCurrency(metrics, filters.goalSets(goals).stream().flatMap(List::stream).toList());
      return scan(site, period, filters, goals, grouping, rate ? grouping : null, rollups);
    }).thenApply(counted -> {
      Map<String, Counts> groups = new HashMap<>();
      // A group without a conversion has no row (a breakdown lists the values that converted).
      counted.groups().forEach((group, days) -> groups.put(group, new Counts(days, counted.base().getOrDefault(group, List.of()),
          counted.revenue().getOrDefault(group, Counts.NO_REVENUE),
          counted.engagement().getOrDefault(group, FilteredStats.EngagementTotal.NONE))));
      return groups;
    });
  }

  /**
   * Tallies the period under the filters per group of {@code grouping} and, if {@code baseGrouping}
   * is given, without the goal filters per group of it: from {@code rollups} when the filters are
   * goals only (the rollups are what a scan without filters counts), else in the same scan.
   */
  private CompletionStage<FilteredStats.Counted> scan(Site site, Period period, Filters filters, List<Goal> goals,
      FilteredStats.Grouping grouping, FilteredStats.Grouping baseGrouping,
      Supplier<CompletionStage<Map<String, List<DailyTotals>>>> rollups) {
    if (baseGrouping == null || rollups == null || !filters.withoutGoals().isEmpty()) {
      return filtered.tally(site, period, filters, goals, grouping, baseGrouping);
    }
    CompletionStage<Map<String, List<DailyTotals>>> base = rollups.get();
    return filtered.tally(site, period, filters, goals, grouping, null)
        .thenCombine(base, (counted, unfiltered) -> new FilteredStats.Counted(counted.groups(), unfiltered, counted.revenue(),
            counted.engagement()));
  }

  private CompletionStage<List<Goal>> goalsOf(Site site, boolean needed) {
    return needed ? definitions.goals(site.id()) : CompletableFuture.completedFuture(List.of());
  }

  /** {@code bots} are counted in the rollups only: a bot's hit has no properties to filter on. */
  private static void requireNoFilterForBots(List<String> metrics, Filters filters) {
    if (metrics.contains(Metrics.BOTS) && !filters.isEmpty()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", "bots takes no filters: a bot's hit has no properties");
    }
  }

  /** {@code time_on_page} and {@code scroll_depth} are of the page breakdown. */
  private static void requirePageBreakdown(List<String> metrics, String property) {
    for (String metric : Metrics.OF_PAGES) {
      if (metrics.contains(metric) && !"page".equals(property)) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", metric + " is a metric of breakdown?property=page");
      }
    }
  }

  /** {@code conversion_rate} and the revenue are of a goal: refused without one. */
  private static void requireGoal(List<String> metrics, boolean hasGoal) {
    for (String metric : Metrics.OF_GOALS) {
      if (metrics.contains(metric) && !hasGoal) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric",
            metric + " needs a goal: a goal filter (filters=goal==Signup) or property=goal");
      }
    }
  }

  /** Revenue is summed in one currency: the goals a filter selects must have exactly one among them. */
  private static void requireOneCurrency(List<String> metrics, List<Goal> selected) {
    if (!metrics.contains(Metrics.TOTAL_REVENUE) && !metrics.contains(Metrics.AVERAGE_REVENUE)) {
      return;
    }
    long currencies = selected.stream().map(Goal::currency).filter(java.util.Objects::nonNull).distinct().count();
    if (currencies != 1) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", currencies == 0
          ? "the revenue metrics need a goal filter naming a revenue goal (a goal with a currency)"
          : "the goals of the filter have different currencies; filter on one of them");
    }
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
    requireGoal(metrics, filters.hasGoals());
    requireNoFilterForBots(metrics, filters);
    requirePageBreakdown(metrics, null);
    if (interval == Interval.HOUR) {
      return hourlySeries(site, period, metrics, filters);
    }
    Map<String, Counts> buckets = new TreeMap<>();
    for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
      buckets.put(bucketOf(day, interval), Counts.of(List.of()));
    }
    if (!filters.isEmpty()) {
      return scan(site, period, filters, metrics, FilteredStats.byDay(day -> bucketOf(day, interval)),
          () -> dailyByBucket(site, period, day -> bucketOf(day, interval), false))
          .thenApply(groups -> series(fill(buckets, groups), metrics));
    }
    return dailyByBucket(site, period, day -> bucketOf(day, interval), true).thenApply(byBucket -> {
      byBucket.forEach((bucket, rows) -> buckets.put(bucket, Counts.of(rows)));
      return series(buckets, metrics);
    });
  }

  /**
   * The daily totals of the period, with the imported layer's or without (the base a scan of the
   * site's hits divides by), by the bucket each day falls in.
   */
  private CompletionStage<Map<String, List<DailyTotals>>> dailyByBucket(Site site, Period period, Function<LocalDate, String> bucket,
      boolean withImported) {
    CompletionStage<List<DailyTotals>> read = withImported ? withImported(site, period)
        : dailyTotals.read(site.id(), period.from(), period.to());
    return read.thenApply(days -> {
      Map<String, List<DailyTotals>> byBucket = new HashMap<>();
      days.forEach(row -> byBucket.computeIfAbsent(bucket.apply(row.day()), b -> new ArrayList<>()).add(row));
      return byBucket;
    });
  }

  /** The site's daily totals of the period and the imported layer's. */
  private CompletionStage<List<DailyTotals>> withImported(Site site, Period period) {
    return dailyTotals.read(site.id(), period.from(), period.to())
        .thenCombine(imported.days(site, period.from(), period.to()), StatsQueries::concat);
  }

  private static <T> List<T> concat(List<T> own, List<T> imported) {
    if (imported.isEmpty()) {
      return own;
    }
    List<T> all = new ArrayList<>(own);
    all.addAll(imported);
    return all;
  }

  /**
   * One row per value of {@code property} over the period, sorted by the first metric (descending,
   * then by value), paged with {@code limit} and {@code page} (from 1).
   */
  public CompletionStage<List<Row>> breakdown(
      Site site, Period period, Filters filters, String property, List<String> metrics, int limit, int page) {
    if (!Property.KEYS.contains(property) && !Property.isEventProp(property) && !property.equals(Filters.GOAL) && !property.equals(BOT)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_property",
          "property is one of " + String.join(", ", Property.KEYS) + ", goal, bot or event:props:<name>");
    }
    if (property.equals(BOT)) {
      if (!metrics.equals(List.of(Metrics.BOTS)) || !filters.isEmpty()) {
        throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", "a breakdown by bot has the metric bots and no filters");
      }
      return filtered.bots(site, period).thenApply(byName -> {
        Map<String, Counts> counts = new HashMap<>();
        byName.forEach((name, hits) -> counts.put(name, Counts.of(List.of(new DailyTotals(null, 0, 0, 0, 0, 0, 0, hits)))));
        return sortedPage(counts, metrics, limit, page);
      });
    }
    if (metrics.contains(Metrics.BOTS)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric", "bots are broken down by property=bot only");
    }
    requirePageBreakdown(metrics, property);
    if (property.equals(Filters.GOAL)) {
      for (String metric : metrics) {
        if (!GOAL_METRICS.contains(metric)) {
          throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric",
              "a breakdown by goal has the metrics " + String.join(", ", GOAL_METRICS));
        }
      }
      // Every goal's conversion rate divides by the visitors of the period under the filters but goals.
      return goalsOf(site, true).thenCompose(goals -> scan(site, period, filters, goals, FilteredStats.byGoal(goals),
          FilteredStats.byDay(day -> ""), () -> dailyByBucket(site, period, day -> "", false))).thenApply(counted -> {
            List<DailyTotals> all = counted.base().getOrDefault("", List.of());
            Map<String, Counts> byGoal = new HashMap<>();
            counted.groups().forEach((goal, days) -> byGoal.put(goal, new Counts(days, all,
                counted.revenue().getOrDefault(goal, Counts.NO_REVENUE), FilteredStats.EngagementTotal.NONE)));
            return sortedPage(byGoal, metrics, limit, page);
          });
    }
    if (Property.isHitLevel(property)) {
      for (String metric : metrics) {
        if (!HIT_METRICS.contains(metric) && !(Metrics.OF_GOALS.contains(metric) && filters.hasGoals()) && !Metrics.OF_PAGES.contains(metric)) {
          throw new ApiError(StatusCodes.BAD_REQUEST, "unsupported_metric",
              "'" + property + "' belongs to single hits: its metrics are " + String.join(", ", HIT_METRICS));
        }
      }
    }
    requireGoal(metrics, filters.hasGoals());
    // A derived or stored-only property, time on page and scroll depth have no rollup: they are counted from the hits, filters or not.
    boolean fromRollups = filters.isEmpty() && Property.hasRollup(property) && metrics.stream().noneMatch(Metrics.OF_PAGES::contains);
    CompletionStage<Map<String, Counts>> values = fromRollups
        ? rollupBreakdown(site, property, period, true).thenApply(byValue -> {
          Map<String, Counts> counts = new HashMap<>();
          byValue.forEach((value, days) -> counts.put(value, Counts.of(days)));
          return counts;
        })
        : scan(site, period, filters, metrics, FilteredStats.byProperty(property),
            // Custom property keys beyond a day's sample have no rollup rows of their own.
            Property.hasRollup(property) && !property.startsWith(Property.EVENT_PROPS_PREFIX)
                ? () -> rollupBreakdown(site, property, period, false) : null);
    return values.thenApply(byValue -> sortedPage(byValue, metrics, limit, page));
  }

  /** The breakdown rows of the period, with the imported layer's or without, by value (values without a count left out). */
  private CompletionStage<Map<String, List<DailyTotals>>> rollupBreakdown(Site site, String property, Period period,
      boolean withImported) {
    String column = Property.columnOf(property);
    CompletionStage<List<BreakdownRow>> read = breakdowns.read(site, column, period.from(), period.to());
    if (withImported) {
      read = read.thenCombine(imported.breakdown(site, column, period.from(), period.to()), StatsQueries::concat);
    }
    return read.thenApply(rows -> {
      Map<String, List<DailyTotals>> byValue = new HashMap<>();
      rows.stream().filter(row -> row.visitors() > 0 || row.pageviews() > 0 || row.events() > 0 || row.visits() > 0)
          .forEach(row -> byValue.computeIfAbsent(row.value(), v -> new ArrayList<>()).add(new DailyTotals(
          row.day(), row.visitors(), row.visits(), row.pageviews(), row.events(), row.bounces(), row.durationMs(), 0)));
      return byValue;
    });
  }

  /**
   * Per step of the funnel: the visitors whose visit (started in the period, matching the filters)
   * reached it, the share of the first step's visitors ({@code conversion_rate}) and of the step
   * before's ({@code conversion_rate_step}), and how many of the step before's did not reach it.
   */
  public CompletionStage<List<FunnelStep>> funnel(Site site, Period period, Filters filters, String funnelId) {
    return definitions.funnel(site.id(), funnelId).thenCompose(funnel -> definitions.goals(site.id()).thenCompose(goals ->
        filtered.tally(site, period, filters, goals, FilteredStats.byFunnelStep(funnel.matchers(goals), funnel.firstStep(goals)), null)
            .thenApply(counted -> {
              List<FunnelStep> steps = new ArrayList<>();
              long first = 0;
              long previous = 0;
              for (int step = 0; step < funnel.steps().size(); step++) {
                long visitors = Metrics.value("visitors", counted.groups().getOrDefault(Integer.toString(step), List.of())).longValue();
                if (step == 0) {
                  first = visitors;
                  previous = visitors;
                }
                steps.add(new FunnelStep(funnel.steps().get(step).label(), visitors, Metrics.conversionRate(visitors, first),
                    Metrics.conversionRate(visitors, previous), previous - visitors));
                previous = visitors;
              }
              return steps;
            })));
  }

  /** One step of a funnel report. */
  public record FunnelStep(String label, long visitors, Number conversionRate, Number conversionRateStep, long dropoff) {}

  /** The groups sorted by the first metric (descending, then by value), the page asked for. */
  private static List<Row> sortedPage(Map<String, Counts> byValue, List<String> metrics, int limit, int page) {
    String first = metrics.get(0);
    return byValue.entrySet().stream()
        .map(e -> new Row(e.getKey(), values(metrics, e.getValue())))
        .sorted(Comparator
            .comparing((Row row) -> row.metrics().get(first).doubleValue())
            .reversed()
            .thenComparing(Row::key))
        .skip((long) (page - 1) * limit)
        .limit(limit)
        .toList();
  }

  private CompletionStage<List<Row>> hourlySeries(Site site, Period period, List<String> metrics, Filters filters) {
    ZoneId zone = site.timezone();
    Instant from = period.from().atStartOfDay(zone).toInstant();
    Instant to = period.to().plusDays(1).atStartOfDay(zone).toInstant();
    if (Duration.between(from, to).toDays() > MAX_HOURLY_DAYS) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_interval", "interval=hour covers at most " + MAX_HOURLY_DAYS + " days");
    }
    Map<String, Counts> buckets = new TreeMap<>();
    for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
      buckets.put(hourLabel(hour, zone), Counts.of(List.of()));
    }
    if (!filters.isEmpty()) {
      return scan(site, period, filters, metrics, FilteredStats.byHour(timestamp -> hourLabel(Instant.ofEpochMilli(timestamp), zone)), null)
          .thenApply(groups -> series(fill(buckets, groups), metrics));
    }
    return hourly.read(site.id(), from, to).thenApply(hours -> {
      Map<String, List<DailyTotals>> byHour = new HashMap<>();
      hours.forEach(h -> byHour.computeIfAbsent(hourLabel(h.hour(), zone), label -> new ArrayList<>()).add(new DailyTotals(
          LocalDate.ofInstant(h.hour(), zone), h.visitors(), h.visits(), h.pageviews(), h.events(),
          h.bounces(), h.durationMs(), h.bots())));
      byHour.forEach((label, rows) -> buckets.put(label, Counts.of(rows)));
      return series(buckets, metrics);
    });
  }

  /** The period's buckets, each with what the filtered scan counted in it. */
  private static Map<String, Counts> fill(Map<String, Counts> buckets, Map<String, Counts> counted) {
    counted.forEach((bucket, counts) -> buckets.replace(bucket, counts));
    return buckets;
  }

  /** A row per bucket, in key order. */
  private static List<Row> series(Map<String, Counts> buckets, List<String> metrics) {
    List<Row> rows = new ArrayList<>(buckets.size());
    buckets.forEach((date, counts) -> rows.add(new Row(date, values(metrics, counts))));
    return rows;
  }

  private static Map<String, Number> values(List<String> metrics, Counts counts) {
    Map<String, Number> values = new LinkedHashMap<>();
    for (String metric : metrics) {
      values.put(metric, switch (metric) {
        case Metrics.CONVERSION_RATE -> Metrics.conversionRate(Metrics.value("visitors", counts.days()).longValue(),
            Metrics.value("visitors", counts.base()).longValue());
        case Metrics.TOTAL_REVENUE -> Metrics.money(counts.revenue().amount());
        case Metrics.AVERAGE_REVENUE -> counts.revenue().events() == 0 ? Metrics.money(BigDecimal.ZERO)
            : Metrics.money(counts.revenue().amount().divide(BigDecimal.valueOf(counts.revenue().events()), 2, RoundingMode.HALF_UP));
        case Metrics.TIME_ON_PAGE -> counts.engagement().timeOnPageSeconds();
        case Metrics.SCROLL_DEPTH -> counts.engagement().scrollDepth();
        default -> Metrics.value(metric, counts.days());
      });
    }
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
