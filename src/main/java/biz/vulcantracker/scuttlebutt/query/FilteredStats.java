package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.model.ReservedProps;
import biz.vulcantracker.model.VisitRule;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.Site;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.roaringbitmap.IntConsumer;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reports with filters, answered from the hits instead of the rollups: the visits that started in
 * the period (and on the day before, for their hits after midnight) are read as visit segments
 * ({@link VisitSegments}); each segment's index picks the visits the filters can select, and only
 * those are rebuilt, filtered, and tallied by a {@link Grouping}.
 *
 * <p>Counted as the rollups count: pageviews and custom events on the day (or hour) of the hit,
 * visits with their bounces and durations on the day they started, visitors as distinct ids per day
 * (per hour for hourly series) summed. With filters: a hit counts when its visit matches the visit
 * filters and it matches the hit filters; a visit counts when it matches the visit filters and, if
 * there are hit filters, one of its pageviews or custom events matches them. So with no filters this
 * path gives what the rollups give, which a test holds it to.
 *
 * <p>A scan is bounded by its {@link ScanLimits}: it runs on its own dispatcher, so scans can slow
 * each other but not the HTTP server or the live sockets, and it is cancelled (the reads of the
 * table with it) when its time is up.
 */
public final class FilteredStats {

  /** The group that values beyond {@link ScanLimits#maxGroups} fold into. */
  static final String OTHER = "(other)";
  /** Segments one report counts at once: one per core. */
  private static final int PARALLEL_SEGMENTS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final VisitSegments segments;
  private final ActorSystem<?> system;
  private final ScanLimits limits;

  public FilteredStats(VisitSegments segments, ActorSystem<?> system, ScanLimits limits) {
    this.segments = segments;
    this.system = system;
    this.limits = limits;
  }

  /** Where a report puts what it counts: a group (a bucket, a property value) and within it a unit of distinct visitors. */
  interface Grouping {
    /** A counted pageview or custom event of a day in the period, in a matching visit. */
    void hit(SequencedVisit visit, HitRow hit, Tallies tallies);

    /** A matching visit that started in the period, with its counted hits (any day). */
    void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies);

    /**
     * Goals one of which a visit must complete for this grouping to count anything of it (none
     * counts nothing), or null: every visit may count.
     */
    default List<Goal> required() {
      return null;
    }

    /**
     * The visit property whose values this grouping counts whole visits under, and nothing else
     * (null for any other grouping).
     */
    default String visitProperty() {
      return null;
    }

    /**
     * The goals this grouping counts, each in its own group: a completing hit as an event, its
     * visitor as converted, its visit as converting (null for any other grouping).
     */
    default List<Goal> goalsCounted() {
      return null;
    }

    /** Whether each counted hit is a goal's completion, counted as an event whatever its kind. */
    default boolean countsCompletions() {
      return false;
    }

    /**
     * The revenue a counted hit brings a group, given the goals the filters select: what it brings
     * their revenue goals (null when none of them is one).
     */
    default BiFunction<String, HitRow, BigDecimal> revenue(List<Goal> selected) {
      List<Goal> revenueGoals = selected.stream().filter(goal -> goal.currency() != null).toList();
      return revenueGoals.isEmpty() ? null : (group, hit) -> sumOfRevenue(revenueGoals, hit);
    }
  }

  /** What a hit brings these goals, or null when it brings none of them revenue. */
  static BigDecimal sumOfRevenue(List<Goal> goals, HitRow hit) {
    BigDecimal sum = null;
    for (Goal goal : goals) {
      BigDecimal amount = goal.revenueOf(hit);
      if (amount != null) {
        sum = sum == null ? amount : sum.add(amount);
      }
    }
    return sum;
  }

  /** Counts per group and unit, each with its exact set of visitors. */
  static final class Tallies {
    private final Map<String, Map<String, Tally>> groups = new HashMap<>();
    private final int maxGroups;
    private final boolean completions;
    private final BiFunction<String, HitRow, BigDecimal> revenue;

    /** @param completions count every hit as an event, a goal's completion (pageviews still count as pageviews too) */
    Tallies(int maxGroups, boolean completions) {
      this(maxGroups, completions, null);
    }

    /** @param revenue the revenue a counted hit brings a group, or null (no revenue goal is asked for) */
    Tallies(int maxGroups, boolean completions, BiFunction<String, HitRow, BigDecimal> revenue) {
      this.maxGroups = maxGroups;
      this.completions = completions;
      this.revenue = revenue;
    }

    /** Empty tallies counted the same way. */
    Tallies fresh() {
      return new Tallies(maxGroups, completions, revenue);
    }

    /** Adds what {@code other} counted; {@code other} is not used after ({@link Tally#add}). */
    void add(Tallies other) {
      other.groups.forEach((group, units) -> units.forEach((unit, tally) -> at(group, unit).add(tally)));
    }

    Tally at(String group, String unit) {
      Map<String, Tally> units = groups.get(group);
      String key = group;
      if (units == null) {
        int named = groups.size() - (groups.containsKey(OTHER) ? 1 : 0); // the fold of another part's tallies may come first
        key = named < maxGroups - 1 && !group.equals(OTHER) ? group : OTHER;
        units = groups.computeIfAbsent(key, g -> new HashMap<>());
      }
      String named = key;
      return units.computeIfAbsent(unit, u -> new Tally(completions, revenue == null ? null : hit -> revenue.apply(named, hit)));
    }

    /** Per group, how long its pageviews were looked at and how far scrolled. */
    Map<String, EngagementTotal> engagement() {
      Map<String, EngagementTotal> totals = new HashMap<>();
      groups.forEach((group, units) -> units.values().forEach(t -> {
        if (t.timedPageviews > 0 || t.scrolledPageviews > 0) {
          totals.merge(group, new EngagementTotal(t.timeOnPageMs, t.timedPageviews, t.scrollDepthSum, t.scrolledPageviews),
              EngagementTotal::plus);
        }
      }));
      return totals;
    }

    /** Per group, the revenue its counted hits brought. */
    Map<String, RevenueTotal> revenue() {
      Map<String, RevenueTotal> totals = new HashMap<>();
      groups.forEach((group, units) -> units.values().forEach(t -> {
        if (t.revenueEvents > 0) {
          totals.merge(group, new RevenueTotal(t.revenue, t.revenueEvents), RevenueTotal::plus);
        }
      }));
      return totals;
    }

    /** Per group, one {@link DailyTotals} per unit, which {@link Metrics} sums. */
    Map<String, List<DailyTotals>> totals() {
      Map<String, List<DailyTotals>> totals = new HashMap<>();
      groups.forEach((group, units) -> {
        List<DailyTotals> rows = new ArrayList<>();
        units.values().forEach(t -> rows.add(new DailyTotals(null, t.visitors.size(), t.visits, t.pageviews, t.events,
            t.bounces, t.durationMs, 0)));
        totals.put(group, rows);
      });
      return totals;
    }
  }

  /** The counts of one group and unit. */
  static final class Tally {
    LongOpenHashSet visitors = new LongOpenHashSet();
    private final boolean completions;
    private final Function<HitRow, BigDecimal> revenueOf;
    long visits;
    long pageviews;
    long events;
    long bounces;
    long durationMs;
    BigDecimal revenue = BigDecimal.ZERO;
    long revenueEvents;
    long timeOnPageMs;
    long timedPageviews;
    long scrollDepthSum;
    long scrolledPageviews;

    Tally(boolean completions) {
      this(completions, null);
    }

    Tally(boolean completions, Function<HitRow, BigDecimal> revenueOf) {
      this.completions = completions;
      this.revenueOf = revenueOf;
    }

    /**
     * Adds what {@code other} counted; {@code other} is not used after. A scan's tallies get each
     * day's from the one segment part that counted the day, so the visitors of an empty tally are
     * taken over rather than copied, one visitor at a time, on the one thread that adds the parts up
     * (a 30-day channel breakdown of 3M lines: 111 to 84 ms warm, deploy/bench/queries.sh).
     */
    void add(Tally other) {
      if (visitors.isEmpty()) {
        LongOpenHashSet empty = visitors;
        visitors = other.visitors;
        other.visitors = empty;
      } else {
        visitors.addAll(other.visitors);
      }
      visits += other.visits;
      pageviews += other.pageviews;
      events += other.events;
      bounces += other.bounces;
      durationMs += other.durationMs;
      revenue = revenue.add(other.revenue);
      revenueEvents += other.revenueEvents;
      timeOnPageMs += other.timeOnPageMs;
      timedPageviews += other.timedPageviews;
      scrollDepthSum += other.scrollDepthSum;
      scrolledPageviews += other.scrolledPageviews;
    }

    /** Counts a pageview or custom event, its visitor and its revenue. */
    void countHit(HitRow hit) {
      count(hit);
      visitors.add(hit.visitorId());
    }

    /** Counts a pageview or custom event and its revenue, not its visitor (the caller counts the visit's). */
    void count(HitRow hit) {
      if (hit.isPageview()) {
        pageviews++;
      }
      if (completions || !hit.isPageview()) {
        events++;
      }
      BigDecimal amount = revenueOf == null ? null : revenueOf.apply(hit);
      if (amount != null) {
        revenue = revenue.add(amount);
        revenueEvents++;
      }
    }

    /**
     * Counts how long a pageview's page was looked at and how far it was scrolled: the time until the
     * visit's next hit (the next pageview, or the engagement hit the script sends when the page is
     * left or hidden), and the deepest scroll that an engagement hit of the page reported before
     * the page's next pageview in the visit. A visit's last pageview with no later hit has no time.
     */
    void countEngagement(SequencedVisit visit, HitRow pageview) {
      List<HitRow> hits = visit.hits;
      int at = visit.indexOf(pageview);
      if (at < 0 || at + 1 >= hits.size()) {
        return;
      }
      timeOnPageMs += hits.get(at + 1).timestamp() - pageview.timestamp();
      timedPageviews++;
      long deepest = -1;
      // Up to the page's next pageview, not the visit's: the engagement hit of leaving a page and the
      // pageview of the next one are sent together and may arrive (and be timed) in either order.
      String page = pageview.property("page");
      for (int i = at + 1; i < hits.size(); i++) {
        HitRow later = hits.get(i);
        if (later.isPageview() && Objects.equals(later.property("page"), page)) {
          break;
        }
        String depth = later.props() == null ? null : later.props().get(ReservedProps.SCROLL_DEPTH);
        boolean ofThisPage = EventNames.ENGAGEMENT.equals(later.eventName())
            && Objects.equals(later.property("page"), pageview.property("page"));
        if (depth != null && ofThisPage) {
          deepest = Math.max(deepest, Long.parseLong(depth));
        }
      }
      if (deepest >= 0) {
        scrollDepthSum += deepest;
        scrolledPageviews++;
      }
    }

    /** Counts a visit: its bounce and its duration. */
    void countVisit(SequencedVisit visit) {
      countVisit(visit.pageviews, visit.events, visit.start, visit.last);
    }

    /** Counts a visit of these pageviews and custom events, first and last hit: its bounce and its duration. */
    void countVisit(int pageviews, int events, long start, long last) {
      visits++;
      bounces += VisitRule.isBounce(pageviews, events) ? 1 : 0;
      durationMs += VisitRule.durationMs(start, last, pageviews, events);
    }

    /**
     * Counts a whole visit: the visit, all its pageviews and custom events, its visitor — what a
     * grouping by a visit property counts of a visit when no hit filter, goal or revenue narrows it.
     */
    void countWholeVisit(int visitPageviews, int visitEvents, long start, long last, long visitorId) {
      countVisit(visitPageviews, visitEvents, start, last);
      pageviews += visitPageviews;
      events += visitEvents;
      visitors.add(visitorId);
    }
  }

  /**
   * What a scan counted: per group under the filters, and (when asked for) per group without their
   * goal filters; and per group the revenue of the revenue goals the filters (or the grouping) name.
   */
  record Counted(Map<String, List<DailyTotals>> groups, Map<String, List<DailyTotals>> base, Map<String, RevenueTotal> revenue,
      Map<String, EngagementTotal> engagement) {}

  /** Time on page (the pageviews that had a later hit) and scroll depth (those an engagement hit reported on). */
  record EngagementTotal(long timeOnPageMs, long timedPageviews, long scrollDepthSum, long scrolledPageviews) {
    static final EngagementTotal NONE = new EngagementTotal(0, 0, 0, 0);

    EngagementTotal plus(EngagementTotal other) {
      return new EngagementTotal(timeOnPageMs + other.timeOnPageMs, timedPageviews + other.timedPageviews,
          scrollDepthSum + other.scrollDepthSum, scrolledPageviews + other.scrolledPageviews);
    }

    /** Whole seconds per timed pageview (0 with none). */
    long timeOnPageSeconds() {
      return timedPageviews == 0 ? 0 : Math.round(timeOnPageMs / 1000.0 / timedPageviews);
    }

    /** Whole percent per scrolled pageview (0 with none). */
    long scrollDepth() {
      return scrolledPageviews == 0 ? 0 : Math.round((double) scrollDepthSum / scrolledPageviews);
    }
  }

  /** A sum of revenue and the number of hits that brought it. */
  record RevenueTotal(BigDecimal amount, long events) {
    RevenueTotal plus(RevenueTotal other) {
      return new RevenueTotal(amount.add(other.amount), events + other.events);
    }
  }

  /** Tallies the period's hits of a site under the filters, per group. */
  CompletionStage<Map<String, List<DailyTotals>>> tally(Site site, Period period, Filters filters, Grouping grouping) {
    return tally(site, period, filters, List.of(), grouping, null).thenApply(Counted::groups);
  }

  /**
   * Tallies the period's hits of a site under the filters (goal filters resolved against
   * {@code goals}) per group of {@code grouping}; and, when {@code baseGrouping} is given, in the same
   * pass without the goal filters per group of {@code baseGrouping}: what a conversion rate divides by.
   */
  CompletionStage<Counted> tally(Site site, Period period, Filters filters, List<Goal> goals,
      Grouping grouping, Grouping baseGrouping) {
    if (period.days() > limits.maxDays()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "period_too_long",
          "a report counted from the hits (filters, goals, funnels, channels) covers at most " + limits.maxDays() + " days");
    }
    List<Counting> countings = new ArrayList<>();
    List<List<Goal>> goalSets = filters.goalSets(goals);
    countings.add(new Counting(filters, goalSets, grouping, new Tallies(limits.maxGroups(),
        filters.hasGoals() || grouping.countsCompletions(), grouping.revenue(goalSets.stream().flatMap(List::stream).distinct().toList()))));
    if (baseGrouping != null) {
      Filters base = filters.withoutGoals();
      countings.add(new Counting(base, List.of(), baseGrouping, new Tallies(limits.maxGroups(), false)));
    }
    Scan scan = new Scan(period, countings);
    // Segments are counted side by side, each into tallies of its own, and the tallies added up.
    Executor scans = system.dispatchers().lookup(DispatcherSelector.fromConfig(limits.dispatcher()));
    CompletionStage<Done> scanned = segments.segments(site, scan.firstDay(), period.to(), filters.origin(), Materializer.matFromSystem(system), ActorAttributes.dispatcher(limits.dispatcher()))
        .mapAsync(PARALLEL_SEGMENTS, segment -> CompletableFuture.supplyAsync(() -> {
          Scan part = scan.part();
          part.accept(segment);
          return part;
        }, scans))
        .completionTimeout(limits.timeout())
        .toMat(Sink.foreach(scan::add), (notUsed, done) -> done)
        .withAttributes(ActorAttributes.dispatcher(limits.dispatcher()))
        .run(system);
    return afterScan(scanned, () -> {
      return new Counted(countings.get(0).tallies.totals(), baseGrouping == null ? Map.of() : countings.get(1).tallies.totals(),
          countings.get(0).tallies.revenue(), countings.get(0).tallies.engagement());
    });
  }

  /** The result of a finished scan; a scan stopped at its time limit is a 503 {@code report_too_slow}. */
  private <T> CompletionStage<T> afterScan(CompletionStage<Done> scanned, java.util.function.Supplier<T> result) {
    return afterScan(limits, scanned, result);
  }

  /** The result of a finished scan under these limits; one stopped at its time limit is a 503 {@code report_too_slow}. */
  static <T> CompletionStage<T> afterScan(ScanLimits limits, CompletionStage<Done> scanned, java.util.function.Supplier<T> result) {
    return scanned.handle((done, failure) -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof TimeoutException) {
        throw new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "report_too_slow", "the report took longer than "
            + limits.timeout().toSeconds() + " s and was stopped; choose a shorter period or fewer filters");
      }
      if (cause != null) {
        throw new CompletionException(cause);
      }
      return result.get();
    });
  }

  /**
   * The period's hits of known bots, by the bot's name ({@code (unknown)} for hits stored before the
   * name was kept), at most {@link ScanLimits#maxGroups} names (the rest under {@code (other)}).
   */
  CompletionStage<Map<String, Long>> bots(Site site, Period period) {
    if (period.days() > limits.maxDays()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "period_too_long", "a report of bots covers at most " + limits.maxDays() + " days");
    }
    Map<String, Long> byName = new HashMap<>();
    CompletionStage<Done> scanned = segments.segments(site, period.from(), period.to(), null, Materializer.matFromSystem(system), ActorAttributes.dispatcher(limits.dispatcher()))
        .completionTimeout(limits.timeout())
        .toMat(Sink.foreach(segment -> segment.segment.bots().forEach((name, count) ->
            byName.merge(byName.containsKey(name) || byName.size() < limits.maxGroups() - 1 ? name : OTHER, count, Long::sum))),
            (notUsed, done) -> done)
        .withAttributes(ActorAttributes.dispatcher(limits.dispatcher()))
        .run(system);
    return afterScan(scanned, () -> byName);
  }

  /** One way a scan counts each visit: under these filters, into these groups. */
  record Counting(Filters filters, List<List<Goal>> goalSets, Grouping grouping, Tallies tallies) {

    /** Whether the hit passes the hit filters and completes a goal of each goal filter. */
    boolean selects(HitRow hit) {
      if (!filters.matchesHit(key -> valueOf(hit, key))) {
        return false;
      }
      for (List<Goal> goals : goalSets) {
        if (goals.stream().noneMatch(goal -> goal.completedBy(hit))) {
          return false;
        }
      }
      return true;
    }

    boolean hasHitFilters() {
      return !filters.hitFilters().isEmpty() || !goalSets.isEmpty();
    }

    /**
     * Whether this counting counts each visit whole by a visit property (no hit filter, goal,
     * completion or revenue): then a segment's columns say all it needs, without rebuilding the visit.
     */
    boolean countsWholeVisits() {
      return grouping.visitProperty() != null && !hasHitFilters() && !tallies.completions && tallies.revenue == null;
    }

    /**
     * Whether this counting counts goals' completions with no hit filter or goal filter: then the
     * columns say which hits complete which goal, and only those hits are rebuilt.
     */
    boolean countsCompletionsOnly() {
      return grouping.goalsCounted() != null && !hasHitFilters();
    }
  }

  /** One report's pass over the visit segments: the segments in, the tallies per group out. */
  static final class Scan {
    private final Period period;
    private final List<Counting> countings;

    Scan(Period period, List<Counting> countings) {
      this.period = period;
      this.countings = countings;
    }

    /** A scan of the same countings into empty tallies, for one segment. */
    Scan part() {
      return new Scan(period, countings.stream()
          .map(c -> new Counting(c.filters(), c.goalSets(), c.grouping(), c.tallies().fresh())).toList());
    }

    /** Adds what a {@link #part} counted; the part is not used after. */
    void add(Scan part) {
      for (int i = 0; i < countings.size(); i++) {
        countings.get(i).tallies().add(part.countings.get(i).tallies());
      }
    }

    /** The first day whose visits are read: the day before the period, for its visits' hits after midnight. */
    LocalDate firstDay() {
      return period.from().minusDays(1);
    }

    /**
     * Counts the segment's visits that each counting may count: from the segment's columns for a
     * counting of whole visits, else rebuilding each visit once for all the countings that need it.
     */
    void accept(IndexedSegment segment) {
      RoaringBitmap any = new RoaringBitmap();
      RoaringBitmap[] candidates = new RoaringBitmap[countings.size()];
      for (int i = 0; i < candidates.length; i++) {
        Counting counting = countings.get(i);
        candidates[i] = segment.candidates(counting, period);
        if (counting.countsWholeVisits() && segment.indexesAll(counting.filters().visitFilters())) {
          countWholeVisits(segment, candidates[i], counting);
          candidates[i] = new RoaringBitmap();
        } else if (counting.countsCompletionsOnly() && segment.indexesAll(counting.filters().visitFilters())) {
          countCompletions(segment, candidates[i], counting);
          candidates[i] = new RoaringBitmap();
        }
        any.or(candidates[i]);
      }
      any.forEach((IntConsumer) v -> {
        SequencedVisit visit = segment.visit(v);
        for (int i = 0; i < candidates.length; i++) {
          if (candidates[i].contains(v)) {
            count(visit, period, countings.get(i));
          }
        }
      });
    }

    /** What {@link #count} does for a counting of whole visits, from the columns: the index has matched its visit filters exactly. */
    private void countWholeVisits(IndexedSegment segment, RoaringBitmap candidates, Counting counting) {
      if (!period.contains(segment.segment.day())) {
        return; // a visit counts on the day it started
      }
      String property = counting.grouping().visitProperty();
      String unit = segment.segment.day().toString();
      candidates.forEach((IntConsumer) v -> {
        String value = segment.visitValue(v, property);
        if (value != null) {
          counting.tallies().at(value, unit).countWholeVisit(segment.pageviews(v), segment.events(v), segment.start(v),
              segment.last(v), segment.segment.visitorId(v));
        }
      });
    }

    /**
     * What {@link #count} does for a counting of goal completions with no hit filter, from the columns
     * (the index has matched its visit filters exactly): a completing hit of a day in the period counts
     * for each goal it completes, a visit started in the period for each goal one of its hits completes.
     */
    private void countCompletions(IndexedSegment segment, RoaringBitmap candidates, Counting counting) {
      List<Goal> goals = counting.grouping().goalsCounted();
      IndexedSegment.Completions completions = segment.completions(goals);
      boolean visitsCount = period.contains(segment.segment.day());
      String visitDay = segment.segment.day().toString();
      boolean[] converted = new boolean[goals.size()];
      candidates.forEach((IntConsumer) v -> {
        Arrays.fill(converted, false);
        for (int h = segment.firstHit(v); h < segment.hitsEnd(v); h++) {
          int[] completed = completions.of(h);
          if (completed.length == 0) {
            continue;
          }
          HitRow hit = period.contains(segment.day(h)) ? segment.hit(v, h) : null;
          for (int g : completed) {
            converted[g] = true;
            if (hit != null) {
              counting.tallies().at(goals.get(g).name(), segment.dayLabel(h)).countHit(hit);
            }
          }
        }
        if (visitsCount) {
          for (int g = 0; g < converted.length; g++) {
            if (converted[g]) {
              counting.tallies().at(goals.get(g).name(), visitDay).countVisit(segment.pageviews(v), segment.events(v),
                  segment.start(v), segment.last(v));
            }
          }
        }
      });
    }
  }

  /** Counts one visit (and its hits) under the counting's filters: what the scan does with each visit it rebuilds. */
  static void count(SequencedVisit visit, Period period, Counting counting) {
    if (!counting.filters().matchesVisit(visit::valueOf)) {
      return;
    }
    List<HitRow> counted = new ArrayList<>();
    for (HitRow hit : visit.hits) {
      if ((hit.isPageview() || hit.isCustomEvent()) && counting.selects(hit)) {
        counted.add(hit);
        if (period.contains(hit.day())) {
          counting.grouping().hit(visit, hit, counting.tallies());
        }
      }
    }
    if (period.contains(visit.day) && (!counting.hasHitFilters() || !counted.isEmpty())) {
      counting.grouping().visit(visit, counted, counting.tallies());
    }
  }

  /** A hit's value of a hit filter key: its page, hostname, event name or a custom event property. */
  static String valueOf(HitRow hit, String key) {
    if (key.equals("event")) {
      return hit.eventName();
    }
    if (Property.isEventProp(key)) {
      return hit.props() == null ? null : hit.props().get(Property.eventPropName(key));
    }
    return hit.property(key);
  }

  /** Per day: hits by their day, visits by the day they started, into the group {@code bucket} names. */
  static Grouping byDay(Function<LocalDate, String> bucket) {
    return new Grouping() {
      @Override
      public void hit(SequencedVisit visit, HitRow hit, Tallies tallies) {
        tallies.at(bucket.apply(hit.day()), hit.day().toString()).countHit(hit);
      }

      @Override
      public void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies) {
        tallies.at(bucket.apply(visit.day), visit.day.toString()).countVisit(visit);
      }
    };
  }

  /** Per hour: hits by their hour, visits by the hour they started, visitors distinct per hour. */
  static Grouping byHour(Function<Long, String> hourLabel) {
    return new Grouping() {
      @Override
      public void hit(SequencedVisit visit, HitRow hit, Tallies tallies) {
        String hour = hourLabel.apply(hit.timestamp());
        tallies.at(hour, hour).countHit(hit);
      }

      @Override
      public void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies) {
        String hour = hourLabel.apply(visit.start);
        tallies.at(hour, hour).countVisit(visit);
      }
    };
  }

  /**
   * Rows per value of {@code property}: a visit property takes each visit whole (its counted
   * pageviews and events, its visitor), a hit property (page, hostname, event, event:props:key)
   * each counted hit.
   */
  static Grouping byProperty(String property) {
    boolean hitProperty = Property.isHitLevel(property);
    return new Grouping() {
      @Override
      public String visitProperty() {
        return hitProperty ? null : property;
      }

      @Override
      public void hit(SequencedVisit visit, HitRow hit, Tallies tallies) {
        if (!hitProperty) {
          return;
        }
        String value = switch (property) {
          case "page" -> hit.isPageview() ? valueOrNone(hit.property("page")) : null;
          case "hostname" -> hit.isPageview() ? hit.property("hostname") : null;
          case "event" -> hit.isCustomEvent() ? hit.eventName() : null;
          default -> hit.isCustomEvent() ? valueOf(hit, property) : null;
        };
        if (value != null) {
          Tally tally = tallies.at(value, hit.day().toString());
          tally.countHit(hit);
          if (property.equals("page")) {
            tally.countEngagement(visit, hit);
          }
        }
      }

      @Override
      public void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies) {
        String value = hitProperty ? null : visit.valueOf(property);
        if (value == null) {
          return;
        }
        Tally tally = tallies.at(value, visit.day.toString());
        tally.countVisit(visit);
        counted.forEach(tally::count);
        tally.visitors.add(visit.visitorId);
      }
    };
  }

  /**
   * Rows per goal: each counted hit that completes a goal is a completion of it (an event), its
   * visitor a converted visitor; a visit with a completion is a converting visit.
   */
  static Grouping byGoal(List<Goal> goals) {
    Map<String, Goal> byName = new HashMap<>();
    goals.forEach(goal -> byName.put(goal.name(), goal));
    return new Grouping() {
      @Override
      public List<Goal> required() {
        return goals;
      }

      @Override
      public List<Goal> goalsCounted() {
        return goals;
      }

      @Override
      public boolean countsCompletions() {
        return true;
      }

      @Override
      public BiFunction<String, HitRow, BigDecimal> revenue(List<Goal> selected) {
        // Each goal's row has its own revenue.
        return (group, hit) -> byName.containsKey(group) ? byName.get(group).revenueOf(hit) : null;
      }

      @Override
      public void hit(SequencedVisit visit, HitRow hit, Tallies tallies) {
        for (Goal goal : goals) {
          if (goal.completedBy(hit)) {
            tallies.at(goal.name(), hit.day().toString()).countHit(hit);
          }
        }
      }

      @Override
      public void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies) {
        for (Goal goal : goals) {
          if (counted.stream().anyMatch(goal::completedBy)) {
            tallies.at(goal.name(), visit.day.toString()).countVisit(visit);
          }
        }
      }
    };
  }

  /**
   * Rows per funnel step ("0" for the first): the visitors whose visit, started in the period,
   * reached the step ({@link Funnel#stepsReached}), distinct per day as every visitor count.
   */
  static Grouping byFunnelStep(List<java.util.function.Predicate<HitRow>> steps, List<Goal> firstStep) {
    return new Grouping() {
      @Override
      public List<Goal> required() {
        return firstStep;
      }

      @Override
      public void hit(SequencedVisit visit, HitRow hit, Tallies tallies) {}

      @Override
      public void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies) {
        int reached = Funnel.stepsReached(visit.hits, steps);
        for (int step = 0; step < reached; step++) {
          Tally tally = tallies.at(Integer.toString(step), visit.day.toString());
          tally.visits++;
          tally.visitors.add(visit.visitorId);
        }
      }
    };
  }

  static String valueOrNone(String value) {
    return value == null ? "(none)" : value;
  }
}
