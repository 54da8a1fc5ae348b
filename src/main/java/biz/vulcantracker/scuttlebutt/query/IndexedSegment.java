package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.VisitSegment;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * A {@link VisitSegment} with an inverted index, as Druid and Pinot keep one per segment: for each
 * filterable key and each of its values in the segment, the bitmap of the visits that have it
 * (visit keys, the acquisition channel and entry and exit page: the visit's value; page, hostname
 * and event: a hit of the visit's). A report takes the bitmaps of the values its filters match
 * (each distinct value tested once) and rebuilds only the visits in them; visits outside could not
 * have counted.
 */
final class IndexedSegment {

  private static final String ENTRY_PAGE = Property.ENTRY_PAGE.key();
  private static final String EXIT_PAGE = Property.EXIT_PAGE.key();
  private static final String PAGE = "page";
  private static final String EVENT = Property.EVENT.key();
  private static final String CHANNEL = Property.CHANNEL.key();
  /** The columns a visit's channel is worked out from. */
  private static final List<Integer> CHANNEL_COLUMNS = List.of("source", "utm_source", "utm_medium", "utm_campaign", "referrer").stream()
      .map(VisitSegment.VISIT_COLUMNS::indexOf).toList();
  private static final int PAGE_COLUMN = VisitSegment.HIT_COLUMNS.indexOf(PAGE);

  final VisitSegment segment;
  /** Filter key → a value → the visits with it. */
  private final Map<String, Map<String, RoaringBitmap>> index = new HashMap<>();
  /** Each visit's acquisition channel, worked out once per distinct source, UTM tags and referrer. */
  private final String[] channels;
  private final RoaringBitmap all;
  /** The visits with a hit after the segment's day, which a period starting the next day counts hits of. */
  private final RoaringBitmap goingOn = new RoaringBitmap();
  private final LocalDate[] days;
  /** The day of each day offset as a report's unit names it. */
  private final String[] dayLabels;
  /** The id of "pageview" in the dictionary (none: an id no hit has). */
  private final int pageviewId;
  /** Per string id, whether a hit of that event name is a custom event. */
  private final boolean[] custom;
  /** Per visit, what counting it whole takes: its pageviews, custom events, last hit's time, entry and exit page. */
  private final int[] pageviews;
  private final int[] events;
  private final long[] lasts;
  private final int[] entries;
  private final int[] exits;

  IndexedSegment(VisitSegment segment) {
    this.segment = segment;
    int visits = segment.visits();
    this.all = visits == 0 ? new RoaringBitmap() : RoaringBitmap.bitmapOfRange(0, visits);
    int pageview = Integer.MIN_VALUE;
    for (int id = 0; id < segment.strings(); id++) {
      if (EventNames.PAGEVIEW.equals(segment.string(id))) {
        pageview = id;
      }
    }
    this.pageviewId = pageview;
    this.custom = new boolean[segment.strings()];
    for (int id = 0; id < custom.length; id++) {
      custom[id] = EventNames.isCustom(segment.string(id));
    }
    this.pageviews = new int[visits];
    this.events = new int[visits];
    this.lasts = new long[visits];
    this.entries = new int[visits];
    this.exits = new int[visits];
    int maxOffset = 0;
    this.channels = new String[visits];
    Map<List<Integer>, String> channelOf = new HashMap<>();
    for (int v = 0; v < visits; v++) {
      for (int c = 0; c < VisitSegment.VISIT_COLUMNS.size(); c++) {
        add(keyOfColumn(c), segment.visitValue(v, c), v);
      }
      int visit = v;
      List<Integer> origin = CHANNEL_COLUMNS.stream().map(c -> segment.visitValue(visit, c)).toList();
      channels[v] = channelOf.computeIfAbsent(origin, o -> SequencedVisit.channelOf(column -> segment.string(
          segment.visitValue(visit, VISIT_COLUMN.get(column)))));
      addValue(CHANNEL, channels[v], v);
      int entry = VisitSegment.NONE;
      int exit = VisitSegment.NONE;
      for (int h = segment.firstHit(v); h < segment.firstHit(v + 1); h++) {
        for (int c = 0; c < VisitSegment.HIT_COLUMNS.size(); c++) {
          add(VisitSegment.HIT_COLUMNS.get(c), segment.hitValue(h, c), v);
        }
        add(EVENT, segment.event(h), v);
        if (segment.event(h) == pageviewId) {
          exit = segment.hitValue(h, PAGE_COLUMN);
          entry = entry == VisitSegment.NONE ? exit : entry;
          pageviews[v]++;
        } else if (segment.event(h) == VisitSegment.NONE || custom[segment.event(h)]) { // as HitRow.isCustomEvent says
          events[v]++;
        }
        lasts[v] = Math.max(lasts[v], segment.timestamp(h));
        maxOffset = Math.max(maxOffset, segment.dayOffset(h));
      }
      entries[v] = entry;
      exits[v] = exit;
      add(ENTRY_PAGE, entry, v);
      add(EXIT_PAGE, exit, v);
      if (segment.dayOffset(segment.firstHit(v + 1) - 1) > 0) {
        goingOn.add(v);
      }
    }
    index.values().forEach(values -> values.values().forEach(RoaringBitmap::runOptimize));
    this.days = new LocalDate[maxOffset + 1];
    this.dayLabels = new String[maxOffset + 1];
    for (int d = 0; d <= maxOffset; d++) {
      days[d] = segment.day().plusDays(d);
      dayLabels[d] = days[d].toString();
    }
  }

  /** The filter key of each visit column (origin is stored under its first name, channel). */
  private static final List<String> COLUMN_KEYS = VisitSegment.VISIT_COLUMNS.stream()
      .map(column -> Arrays.stream(Property.values()).map(Property::key).filter(key -> column.equals(Property.columnOf(key)))
          .findFirst().orElse(column))
      .toList();
  /** The keys with bitmaps; a filter on another (a derived key, a custom property) selects nothing in advance. */
  private static final Set<String> INDEXED = indexed();

  private static Set<String> indexed() {
    Set<String> keys = new HashSet<>(COLUMN_KEYS);
    keys.addAll(VisitSegment.HIT_COLUMNS);
    keys.addAll(List.of(EVENT, ENTRY_PAGE, EXIT_PAGE, CHANNEL));
    return Set.copyOf(keys);
  }

  private static String keyOfColumn(int column) {
    return COLUMN_KEYS.get(column);
  }

  private void add(String key, int valueId, int visit) {
    if (valueId != VisitSegment.NONE) {
      addValue(key, segment.string(valueId), visit);
    }
  }

  private void addValue(String key, String value, int visit) {
    index.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(value, id -> new RoaringBitmap()).add(visit);
  }

  /**
   * The visits that may count for {@code counting} in {@code period}: those with a hit in the period,
   * the values its filters select (a negated visit filter: the others), a completion of one goal of
   * each goal set, and of one of the grouping's required goals.
   */
  RoaringBitmap candidates(FilteredStats.Counting counting, Period period) {
    RoaringBitmap candidates = period.contains(segment.day()) ? all.clone() : goingOn.clone();
    for (Filters.Filter filter : counting.filters().visitFilters()) {
      RoaringBitmap matching = matching(filter.key(), filter.pattern()::matches);
      if (matching != null) {
        if (filter.negated()) {
          candidates.andNot(matching);
        } else {
          candidates.and(matching);
        }
      }
    }
    for (Filters.Filter filter : counting.filters().hitFilters()) {
      RoaringBitmap matching = filter.negated() ? null : matching(filter.key(), filter.pattern()::matches);
      if (matching != null) { // a visit with no hit of a matching value has no hit the filter selects
        candidates.and(matching);
      }
    }
    for (List<Goal> goals : counting.goalSets()) {
      candidates.and(completing(goals));
    }
    List<Goal> required = counting.grouping().required();
    if (required != null) {
      candidates.and(completing(required));
    }
    return candidates;
  }

  /** The visits with a value of {@code key} the pattern matches, or null when the key is not indexed. */
  private RoaringBitmap matching(String key, Predicate<String> pattern) {
    if (!INDEXED.contains(key)) {
      return null;
    }
    RoaringBitmap matching = new RoaringBitmap();
    Map<String, RoaringBitmap> values = index.get(key);
    if (values != null) {
      for (Map.Entry<String, RoaringBitmap> value : values.entrySet()) {
        if (pattern.test(value.getKey())) {
          matching.or(value.getValue());
        }
      }
    }
    return matching;
  }

  /** The visits with a hit that may complete one of the goals (an event goal: the event; a page goal: a matching page). */
  private RoaringBitmap completing(List<Goal> goals) {
    RoaringBitmap completing = new RoaringBitmap();
    for (Goal goal : goals) {
      completing.or(goal.event() != null ? matching(EVENT, goal.event()::equals) : matching(PAGE, goal.pagePattern()::matches));
    }
    return completing;
  }

  /** Whether the index matches each of these visit filters exactly (its key has bitmaps). */
  boolean indexesAll(List<Filters.Filter> filters) {
    for (Filters.Filter filter : filters) {
      if (!INDEXED.contains(filter.key())) {
        return false;
      }
    }
    return true;
  }

  /** The visit's value of a visit property, as {@link SequencedVisit#valueOf} gives it, from the columns. */
  String visitValue(int v, String property) {
    return switch (property) {
      case "entry_page" -> segment.string(entries[v]);
      case "exit_page" -> segment.string(exits[v]);
      case "channel" -> channels[v];
      default -> {
        Integer column = VISIT_COLUMN.get(Property.columnOf(property));
        yield column == null ? null : segment.string(segment.visitValue(v, column));
      }
    };
  }

  int pageviews(int v) {
    return pageviews[v];
  }

  int events(int v) {
    return events[v];
  }

  long start(int v) {
    return segment.timestamp(segment.firstHit(v));
  }

  long last(int v) {
    return lasts[v];
  }

  /** The visit rebuilt as the reports count it, its hits as rows. */
  SequencedVisit visit(int v) {
    SequencedVisit visit = null;
    for (int h = segment.firstHit(v); h < segment.firstHit(v + 1); h++) {
      HitRow row = hit(v, h);
      if (visit == null) {
        visit = SequencedVisit.startedBy(row);
        visit.knownChannel(channels[v]);
      } else {
        visit.add(row);
      }
    }
    return visit;
  }

  /** Hit {@code h} (of visit {@code v}) as a row. */
  HitRow hit(int v, int h) {
    return new HitRow(days[segment.dayOffset(h)], segment.hitVisitorId(h), "", segment.timestamp(h), null,
        segment.string(segment.event(h)), new Values(v, h), props(h), false);
  }

  /** The hits of visit {@code v}: from this index up to {@link #hitsEnd}. */
  int firstHit(int v) {
    return segment.firstHit(v);
  }

  int hitsEnd(int v) {
    return segment.firstHit(v + 1);
  }

  /** The day of hit {@code h} as a report's unit names it ({@code 2026-11-27}). */
  String dayLabel(int h) {
    return dayLabels[segment.dayOffset(h)];
  }

  LocalDate day(int h) {
    return days[segment.dayOffset(h)];
  }

  private static final int[] NO_GOALS = new int[0];

  /** Which of {@code goals} each hit completes, for one report. */
  Completions completions(List<Goal> goals) {
    return new Completions(goals);
  }

  /**
   * Which of a report's goals each hit completes, by {@link Goal#completedBy}'s rule applied to the
   * columns: each distinct event name and page is tried once, when a hit first has it.
   */
  final class Completions {
    private final List<Goal> goals;
    private final int[][] byEvent = new int[segment.strings()][];
    private final int[][] byPage = new int[segment.strings()][];

    private Completions(List<Goal> goals) {
      this.goals = goals;
    }

    /** The positions (in the goals) of the goals hit {@code h} completes. */
    int[] of(int h) {
      int event = segment.event(h);
      if (event == pageviewId) {
        int page = segment.hitValue(h, PAGE_COLUMN);
        if (page == VisitSegment.NONE) {
          return NO_GOALS;
        }
        if (byPage[page] == null) {
          byPage[page] = matching(goal -> goal.completedByPageview(segment.string(page)));
        }
        return byPage[page];
      }
      if (event == VisitSegment.NONE || !custom[event]) {
        return NO_GOALS; // a custom event without a name completes no event goal
      }
      if (byEvent[event] == null) {
        byEvent[event] = matching(goal -> goal.completedByEvent(segment.string(event)));
      }
      return byEvent[event];
    }

    private int[] matching(Predicate<Goal> completes) {
      int count = 0;
      int[] positions = new int[goals.size()];
      for (int g = 0; g < goals.size(); g++) {
        if (completes.test(goals.get(g))) {
          positions[count++] = g;
        }
      }
      return count == 0 ? NO_GOALS : Arrays.copyOf(positions, count);
    }
  }

  private Map<String, String> props(int h) {
    int start = segment.propStart(h);
    int end = segment.propStart(h + 1);
    if (start == end) {
      return Map.of();
    }
    Map<String, String> props = new HashMap<>();
    for (int p = start; p < end; p++) {
      props.put(segment.string(segment.propKey(p)), segment.string(segment.propValue(p)));
    }
    return props;
  }

  /** About how many bytes of heap this holds: the segment and its bitmaps. */
  long heapBytes() {
    long bytes = segment.heapBytes();
    bytes += 8L * channels.length + 28L * pageviews.length;
    for (Map<String, RoaringBitmap> values : index.values()) {
      for (RoaringBitmap bitmap : values.values()) {
        bytes += 80 + bitmap.getSizeInBytes();
      }
    }
    return bytes;
  }

  private static final Map<String, Integer> HIT_COLUMN = indexOf(VisitSegment.HIT_COLUMNS);
  private static final Map<String, Integer> VISIT_COLUMN = indexOf(VisitSegment.VISIT_COLUMNS);

  private static Map<String, Integer> indexOf(List<String> columns) {
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      positions.put(columns.get(i), i);
    }
    return Map.copyOf(positions);
  }

  /** A hit's stored properties: its own page and hostname, its visit's other columns. */
  private final class Values extends AbstractMap<String, String> {
    private final int visit;
    private final int hit;

    Values(int visit, int hit) {
      this.visit = visit;
      this.hit = hit;
    }

    @Override
    public String get(Object column) {
      Integer c = HIT_COLUMN.get(column);
      if (c != null) {
        return segment.string(segment.hitValue(hit, c));
      }
      c = VISIT_COLUMN.get(column);
      return c == null ? null : segment.string(segment.visitValue(visit, c));
    }

    @Override
    public boolean containsKey(Object column) {
      return get(column) != null;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      Map<String, String> values = new HashMap<>();
      HIT_COLUMN.keySet().forEach(column -> putIfPresent(values, column));
      VISIT_COLUMN.keySet().forEach(column -> putIfPresent(values, column));
      return values.entrySet();
    }

    private void putIfPresent(Map<String, String> values, String column) {
      String value = get(column);
      if (value != null) {
        values.put(column, value);
      }
    }
  }
}
