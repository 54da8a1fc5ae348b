package biz.vulcantracker.katric;

import biz.vulcantracker.model.Ledger;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.model.ReservedProps;
import biz.vulcantracker.model.SamePageview;
import biz.vulcantracker.model.VisitRule;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.HourlyTotals;
import biz.vulcantracker.store.Rollup;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.longs.LongIterator;
import it.unimi.dsi.fastutil.longs.LongArrayFIFOQueue;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A site's resident days: every hit of each (its complete set, as the hits table holds it, plus
 * what this entity just added), grouped by visitor id, and the rollup rows computed from them.
 *
 * <p><b>The rows are a function of the set of hits, never of their order.</b> Hits are linked into
 * chains: a visitor's id of one UTC day and the next day's id that names it as previous. A chain's
 * hits, sorted by time (then key), are sequenced into visits by {@link VisitRule}, and the chain
 * contributes to the rows: each counted hit to its day, its local hour and its hit properties; each
 * visit to the day and hour of its first hit and to its visit properties; each id once as a visitor
 * of every row it has a hit or visit in. A change of hits (new ones, a day loaded, a day evicted)
 * recomputes the contribution of every chain it touches and applies the difference, so the rows
 * always equal the sum over the resident chains, whatever the order the hits came in.
 *
 * <p>The rows of a day are exact when the day and one day either side are resident (a visit is
 * followed across one local midnight each way, as the filtered reports follow it); only exact days'
 * rows are written. New hits of a day can change rows two days away (a chain spans three UTC days
 * of ids), so the entity makes {@value #LOAD_RADIUS} days either side resident before it adds them.
 *
 * <p>Custom property keys are chosen by whoever sends events, so a day gives rows of their own to
 * at most {@value #MAX_PROP_KEYS} of them: the ones whose SHA-256 ranks lowest among the day's keys
 * (a bottom-k sample, a function of the day's set of keys, not of which came first). Every event
 * with a key beyond them counts once in {@link #OTHER_PROPS}. A key that leaves the sample as lower
 * ones come takes its carriers' chains with it into the change; the sample only holds its own keys'
 * carriers, so a flood of keys costs memory only as hits do.
 */
final class SiteModel {

  /** Days either side of a new hit's day that must be resident before it is added. */
  static final int LOAD_RADIUS = 3;
  /** Custom property keys with rows of their own, per day. */
  static final int MAX_PROP_KEYS = 100;
  /** The breakdown that counts events with a property key beyond the day's {@value #MAX_PROP_KEYS}, value {@value #OTHER}. */
  static final String OTHER_PROPS = Property.EVENT_PROPS_PREFIX + "(other)";
  static final String OTHER = "(other)";
  private static final long HOUR_MS = Duration.ofHours(1).toMillis();
  private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
  private static final long LIVE_WINDOW_MS = Duration.ofMinutes(LiveReport.MINUTES).toMillis();
  /** The properties of visits, and where a visit's value of each is: its entry or exit page, or a column of its first hit's. */
  private static final String[] VISIT_KEYS = Property.VISIT_KEYS.toArray(String[]::new);
  private static final int ENTRY_PAGE = -1;
  private static final int EXIT_PAGE = -2;
  /** A visit property no hit column holds: no rows. */
  private static final int NO_COLUMN = -3;
  private static final int[] VISIT_KEY_COLUMNS = Property.VISIT_KEYS.stream()
      .mapToInt(key -> switch (key) {
        case "entry_page" -> ENTRY_PAGE;
        case "exit_page" -> EXIT_PAGE;
        default -> ResidentHit.VISIT_COLUMNS.contains(key) ? ResidentHit.VISIT_COLUMNS.indexOf(key) : NO_COLUMN;
      })
      .toArray();

  private final ZoneRules zone;
  private final TreeMap<LocalDate, ResidentDay> days = new TreeMap<>();
  private final SharedValues shared = new SharedValues();
  private final Long2ObjectOpenHashMap<VisitorHits> visitors = new Long2ObjectOpenHashMap<>();
  /** Previous-day id → the ids whose hits name it. */
  private final Long2ObjectOpenHashMap<LongArrayList> nexts = new Long2ObjectOpenHashMap<>();
  private final TreeMap<LocalDate, DayRows> rows = new TreeMap<>();
  private long useCounter;
  /** For the live report: visitors' latest hit times within the last half hour, and pageviews per minute. */
  private final Long2LongOpenHashMap recentVisitors = new Long2LongOpenHashMap();
  private final TreeMap<Long, Integer> minutes = new TreeMap<>();

  SiteModel(ZoneId zone) {
    this.zone = zone.getRules();
  }

  /** The days that must be resident before hits of {@code touched} days are added: {@value #LOAD_RADIUS} either side. */
  static Set<LocalDate> daysAround(Collection<LocalDate> touched) {
    Set<LocalDate> around = new TreeSet<>();
    for (LocalDate day : touched) {
      for (int d = -LOAD_RADIUS; d <= LOAD_RADIUS; d++) {
        around.add(day.plusDays(d));
      }
    }
    return around;
  }

  /** The days of {@link #daysAround} that are not resident. */
  Set<LocalDate> missingFor(Collection<LocalDate> touched) {
    Set<LocalDate> missing = daysAround(touched);
    missing.removeIf(days::containsKey);
    return missing;
  }

  /** The ledger's stored counts of a resident day ({@link Ledger#stored}, {@link Ledger#STORED_BOTS}), or null. */
  Map<String, Long> storedCounts(LocalDate day) {
    ResidentDay resident = days.get(day);
    if (resident == null) {
      return null;
    }
    Map<String, Long> counts = new HashMap<>();
    for (Ledger.IdKind kind : Ledger.IdKind.values()) {
      counts.put(Ledger.stored(kind), resident.stored[kind.ordinal()]);
    }
    counts.put(Ledger.STORED_BOTS, resident.storedBots);
    return counts;
  }

  boolean isResident(LocalDate day) {
    return days.containsKey(day);
  }

  int residentDays() {
    return days.size();
  }

  long residentHits() {
    return days.values().stream().mapToLong(d -> d.keys.size()).sum();
  }

  /** A day read whole from the hits table becomes resident, with every row it has (already stored). */
  void load(LocalDate day, List<HitRow> stored, long now) {
    days.computeIfAbsent(day, d -> new ResidentDay());
    add(stored, now);
  }

  /**
   * Adds the hits not held yet (by key, per day) and returns them; every hit's day must be resident
   * ({@link #missingFor}). The rows change by what the hits change.
   */
  List<HitRow> add(List<HitRow> hits, long now) {
    List<HitRow> added = new ArrayList<>();
    Long2ObjectOpenHashMap<List<ResidentHit>> byVisitor = new Long2ObjectOpenHashMap<>();
    for (HitRow row : hits) {
      ResidentDay day = days.get(row.day());
      if (day == null) {
        throw new IllegalStateException("day " + row.day() + " is not resident");
      }
      ResidentHit hit = ResidentHit.of(row, shared);
      if (!day.keys.add(hit.key)) {
        continue; // this hit is held already: counted once
      }
      day.stored[Ledger.IdKind.ofHitKey(row.hitKey()).ordinal()]++;
      day.storedBots += row.bot() ? 1 : 0;
      day.use = ++useCounter;
      added.add(row);
      byVisitor.computeIfAbsent(hit.visitorId, id -> new ArrayList<>()).add(hit);
      noteLive(hit, now);
    }
    if (byVisitor.isEmpty()) {
      return added;
    }
    LongOpenHashSet changed = new LongOpenHashSet(byVisitor.keySet());
    Set<ResidentDay> resampled = new HashSet<>();
    byVisitor.values().forEach(list -> list.forEach(hit -> {
      if (hit.previousVisitorId != 0) {
        changed.add(hit.previousVisitorId);
      }
      if (hit.props != null) {
        ResidentDay day = days.get(hit.day);
        for (String name : hit.props.keySet()) {
          if (!ReservedProps.isReserved(name) && day.propKeys.offer(name, hit.visitorId, changed)) {
            resampled.add(day);
          }
        }
      }
    }));
    change(changed, () -> {
      resampled.forEach(day -> day.propKeys.publish());
      addHits(byVisitor);
    });
    return added;
  }

  private void addHits(Long2ObjectOpenHashMap<List<ResidentHit>> byVisitor) {
    byVisitor.forEach((id, list) -> {
      VisitorHits visitor = visitors.computeIfAbsent((long) id, VisitorHits::new);
      for (ResidentHit hit : list) {
        visitor.add(hit);
        days.get(hit.day).visitorIds.add(hit.visitorId);
        if (hit.previousVisitorId != 0 && visitor.previous == 0) {
          visitor.previous = hit.previousVisitorId;
          nexts.computeIfAbsent(hit.previousVisitorId, p -> new LongArrayList(1)).add(hit.visitorId);
        }
      }
    });
  }

  /**
   * Evicts the least recently used days, other than {@code keep}, until at most {@code maxDays} are
   * resident. The rows of the days around an evicted one are no longer exact (and not written) until
   * it is loaded again.
   */
  void evictBeyond(int maxDays, Set<LocalDate> keep) {
    while (days.size() > maxDays) {
      LocalDate oldest = null;
      long oldestUse = Long.MAX_VALUE;
      for (Map.Entry<LocalDate, ResidentDay> day : days.entrySet()) {
        if (!keep.contains(day.getKey()) && day.getValue().use < oldestUse) {
          oldest = day.getKey();
          oldestUse = day.getValue().use;
        }
      }
      if (oldest == null) {
        return;
      }
      evict(oldest);
    }
  }

  private void evict(LocalDate dayToGo) {
    ResidentDay day = days.get(dayToGo);
    LongOpenHashSet changed = new LongOpenHashSet(day.visitorIds);
    for (long id : day.visitorIds) {
      VisitorHits visitor = visitors.get(id);
      if (visitor != null && visitor.previous != 0) {
        changed.add(visitor.previous);
      }
    }
    change(changed, () -> {
      for (long id : day.visitorIds) {
        VisitorHits visitor = visitors.get(id);
        if (visitor == null) {
          continue;
        }
        visitor.hits.removeIf(hit -> hit.day.equals(dayToGo));
        if (visitor.hits.isEmpty()) {
          visitors.remove(id);
          if (visitor.previous != 0) {
            LongArrayList named = nexts.get(visitor.previous);
            if (named != null) {
              named.rem(id);
              if (named.isEmpty()) {
                nexts.remove(visitor.previous);
              }
            }
          }
        }
      }
    });
    days.remove(dayToGo);
    rows.remove(dayToGo); // every one of its rows came from its own hits: all zero now
  }

  /** Drops everything: after a failed write, memory may hold hits the table does not. */
  void clear() {
    days.clear();
    visitors.clear();
    nexts.clear();
    rows.clear();
    recentVisitors.clear();
    minutes.clear();
  }

  /**
   * Applies a change to the hits of {@code changed} ids: the contributions of every chain they are
   * linked into are taken out before and put back after, and the rows move by the difference.
   */
  private void change(LongOpenHashSet changed, Runnable mutation) {
    LongOpenHashSet before = chainsOf(changed);
    Contribution delta = new Contribution();
    contribute(before, delta, -1);
    mutation.run();
    before.addAll(changed);
    contribute(chainsOf(before), delta, 1);
    delta.applyTo(rows);
  }

  /**
   * Every held id linked (as previous or next, transitively) to one of {@code ids}, held or not: an
   * id not held yet may already be named as previous by held ones, whose chain its hits will join.
   */
  private LongOpenHashSet chainsOf(LongOpenHashSet ids) {
    LongOpenHashSet chained = new LongOpenHashSet(ids.size());
    LongArrayFIFOQueue queue = new LongArrayFIFOQueue();
    for (LongIterator each = ids.iterator(); each.hasNext(); ) {
      long id = each.nextLong(); // not for (long id : ids): that boxes each id unless the JIT sees through it
      VisitorHits visitor = visitors.get(id);
      LongArrayList named = nexts.get(id);
      // An id linked to none (nearly every one) is its own chain: nothing to search from it.
      if (visitor != null && chained.add(id) && (visitor.previous != 0 || named != null)) {
        queue.enqueue(id);
      }
      if (named != null) {
        for (long next : named) {
          if (visitors.containsKey(next) && chained.add(next)) {
            queue.enqueue(next);
          }
        }
      }
    }
    while (!queue.isEmpty()) {
      long id = queue.dequeueLong();
      VisitorHits visitor = visitors.get(id);
      if (visitor.previous != 0 && visitors.containsKey(visitor.previous) && chained.add(visitor.previous)) {
        queue.enqueue(visitor.previous);
      }
      LongArrayList named = nexts.get(id);
      if (named != null) {
        for (long next : named) {
          if (visitors.containsKey(next) && chained.add(next)) {
            queue.enqueue(next);
          }
        }
      }
    }
    return chained;
  }

  /** Adds {@code sign} × the contribution of the chains made of {@code ids} (a union of whole chains). */
  private void contribute(LongOpenHashSet ids, Contribution into, int sign) {
    LongOpenHashSet done = new LongOpenHashSet();
    List<ResidentHit> timeline = new ArrayList<>();
    for (LongIterator each = ids.iterator(); each.hasNext(); ) {
      long id = each.nextLong();
      if (done.contains(id)) {
        continue;
      }
      timeline.clear();
      if (isAlone(id)) {
        // Nearly every visitor: a chain of one, which no other id's chain can hold.
        addUncounted(visitors.get(id).hits, timeline);
      } else {
        LongOpenHashSet chain = chainsOf(LongOpenHashSet.of(id));
        done.addAll(chain);
        for (long member : chain) {
          addUncounted(visitors.get(member).hits, timeline);
        }
      }
      timeline.sort(ResidentHit::compare);
      contributeChain(timeline, into, sign);
    }
  }

  /** True when a held id names no previous id and none names it: its chain is itself. */
  private boolean isAlone(long id) {
    return visitors.get(id).previous == 0 && !nexts.containsKey(id);
  }

  /** One visitor's hits but the log pageviews its script also sent. */
  private static void addUncounted(List<ResidentHit> hits, List<ResidentHit> timeline) {
    BitSet seen = seenByScript(hits);
    for (int i = 0; i < hits.size(); i++) {
      if (!seen.get(i)) {
        timeline.add(hits.get(i));
      }
    }
  }

  /**
   * Which of one visitor's hits (in time order) are log pageviews its script also sent
   * ({@link SamePageview}, per visitor and day): all traffic counts the script's alone.
   */
  private static BitSet seenByScript(List<ResidentHit> hits) {
    BitSet seen = new BitSet();
    if (!hasScriptPageview(hits)) {
      return seen; // no pageview of the script's: the usual case of a log import, looked at once
    }
    int from = 0;
    while (from < hits.size()) {
      LocalDate day = hits.get(from).day;
      int to = from;
      while (to < hits.size() && hits.get(to).day.equals(day)) {
        to++;
      }
      int offset = from;
      SamePageview.seenByScript(hits.subList(from, to), hit -> hit.timestamp, hit -> isPageviewOf(hit, true),
          hit -> isPageviewOf(hit, false), hit -> hit.page).stream().forEach(i -> seen.set(offset + i));
      from = to;
    }
    return seen;
  }

  private static boolean hasScriptPageview(List<ResidentHit> hits) {
    for (int i = 0; i < hits.size(); i++) {
      if (isPageviewOf(hits.get(i), false)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPageviewOf(ResidentHit hit, boolean log) {
    return hit.kind == ResidentHit.Kind.PAGEVIEW && hit.isFromLog() == log;
  }

  private void contributeChain(List<ResidentHit> timeline, Contribution into, int sign) {
    into.startChain();
    SequencedVisit open = null;
    for (ResidentHit hit : timeline) {
      if (hit.kind == ResidentHit.Kind.BOT) {
        into.row(Cell.total(hit.day))[Contribution.BOTS] += sign;
        into.row(Cell.hour(hit.day, hourOf(hit.timestamp)))[Contribution.BOTS] += sign;
        continue;
      }
      if (open != null && hit.timestamp <= open.last + VisitRule.GAP_MS) {
        open.add(hit);
      } else if (hit.counts()) {
        if (open != null) {
          contributeVisit(open, into, sign);
        }
        open = new SequencedVisit(hit);
      } else {
        continue; // engagement outside a visit counts for nothing
      }
      if (hit.counts()) {
        contributeHit(hit, into, sign);
      }
    }
    if (open != null) {
      contributeVisit(open, into, sign);
    }
  }

  private void contributeHit(ResidentHit hit, Contribution into, int sign) {
    int metric = hit.kind == ResidentHit.Kind.PAGEVIEW ? Contribution.PAGEVIEWS : Contribution.EVENTS;
    hitCell(Cell.total(hit.day), hit, metric, into, sign);
    hitCell(Cell.hour(hit.day, hourOf(hit.timestamp)), hit, metric, into, sign);
    if (hit.kind == ResidentHit.Kind.PAGEVIEW) {
      hitCell(Cell.value(hit.day, "page", hit.page == null ? "(none)" : hit.page), hit, metric, into, sign);
      if (hit.hostname != null) {
        hitCell(Cell.value(hit.day, "hostname", hit.hostname), hit, metric, into, sign);
      }
    } else {
      hitCell(Cell.value(hit.day, "event", hit.event), hit, metric, into, sign);
      if (hit.props != null) {
        Set<String> sampled = days.get(hit.day).propKeys.keys();
        boolean beyond = false;
        for (Map.Entry<String, String> prop : hit.props.entrySet()) {
          if (ReservedProps.isReserved(prop.getKey())) {
            continue; // the revenue: summed by goal reports, no breakdown of its own
          }
          if (sampled.contains(prop.getKey())) {
            hitCell(Cell.value(hit.day, Property.EVENT_PROPS_PREFIX + prop.getKey(), prop.getValue()), hit, metric, into, sign);
          } else {
            beyond = true;
          }
        }
        if (beyond) {
          hitCell(Cell.value(hit.day, OTHER_PROPS, OTHER), hit, metric, into, sign);
        }
      }
    }
  }

  /** One hit in a row: its pageview or event, and its id as a visitor (once per row and chain). */
  private static void hitCell(Cell cell, ResidentHit hit, int metric, Contribution into, int sign) {
    long[] values = into.row(cell);
    values[metric] += sign;
    into.visitor(cell, values, hit.visitorId, sign);
  }

  private void contributeVisit(SequencedVisit visit, Contribution into, int sign) {
    ResidentHit first = visit.first;
    long bounce = visit.isBounce() ? sign : 0;
    long duration = sign * visit.durationMs();
    for (Cell cell : new Cell[] {Cell.total(first.day), Cell.hour(first.day, hourOf(first.timestamp))}) {
      long[] values = into.row(cell);
      values[Contribution.VISITS] += sign;
      values[Contribution.BOUNCES] += bounce;
      values[Contribution.DURATION] += duration;
    }
    for (int i = 0; i < VISIT_KEYS.length; i++) {
      String value = switch (VISIT_KEY_COLUMNS[i]) {
        case ENTRY_PAGE -> visit.entryPage;
        case EXIT_PAGE -> visit.exitPage;
        case NO_COLUMN -> null;
        default -> first.visit.valueAt(VISIT_KEY_COLUMNS[i]);
      };
      if (value == null) {
        continue;
      }
      Cell cell = Cell.value(first.day, VISIT_KEYS[i], value);
      long[] values = into.row(cell);
      values[Contribution.VISITS] += sign;
      values[Contribution.PAGEVIEWS] += sign * (long) visit.pageviews;
      values[Contribution.EVENTS] += sign * (long) visit.events;
      values[Contribution.BOUNCES] += bounce;
      values[Contribution.DURATION] += duration;
      into.visitor(cell, values, first.visitorId, sign);
    }
  }

  /** The start (epoch ms) of the local hour a time falls in: half- and quarter-hour zones included. */
  long hourOf(long timestamp) {
    long offset = zone.getOffset(Instant.ofEpochMilli(timestamp)).getTotalSeconds() * 1000L;
    return Math.floorDiv(timestamp + offset, HOUR_MS) * HOUR_MS - offset;
  }

  /** True when the rows of {@code day} are exact: it and a day either side are resident. */
  boolean isExact(LocalDate day) {
    return days.containsKey(day.minusDays(1)) && days.containsKey(day) && days.containsKey(day.plusDays(1));
  }

  /**
   * The changed rows of the exact days (absolute values) with {@code hits} to write; they are no
   * longer changed after. Rows that fell to zero are written as zeros (the stored row had values)
   * and then forgotten.
   */
  Rollup rollup(List<HitRow> hits, Collection<LocalDate> touched) {
    List<DailyTotals> totals = new ArrayList<>();
    List<HourlyTotals> hours = new ArrayList<>();
    List<BreakdownRow> breakdowns = new ArrayList<>();
    rows.forEach((day, dayRows) -> {
      if (!isExact(day) || dayRows.dirty.isEmpty()) {
        return;
      }
      for (Cell cell : dayRows.dirty) {
        long[] v = dayRows.cells.getOrDefault(cell, Contribution.ZERO);
        if (cell.property() != null) {
          breakdowns.add(new BreakdownRow(day, cell.property(), cell.value(), v[Contribution.VISITORS],
              v[Contribution.VISITS], v[Contribution.PAGEVIEWS], v[Contribution.EVENTS], v[Contribution.BOUNCES],
              v[Contribution.DURATION]));
        } else if (cell.hour() != Cell.NO_HOUR) {
          hours.add(new HourlyTotals(Instant.ofEpochMilli(cell.hour()), v[Contribution.VISITORS], v[Contribution.VISITS],
              v[Contribution.PAGEVIEWS], v[Contribution.EVENTS], v[Contribution.BOUNCES], v[Contribution.DURATION],
              v[Contribution.BOTS]));
        } else {
          totals.add(totalsOf(day, v));
        }
        if (Contribution.isZero(v)) {
          dayRows.cells.remove(cell);
        }
      }
      dayRows.dirty.clear();
    });
    Map<LocalDate, Long> hitDays = new TreeMap<>();
    for (LocalDate day : touched) {
      ResidentDay resident = days.get(day);
      if (resident != null) {
        hitDays.put(day, (long) resident.keys.size());
      }
    }
    return new Rollup(totals, breakdowns, hours, hits, hitDays);
  }

  private static DailyTotals totalsOf(LocalDate day, long[] v) {
    return new DailyTotals(day, v[Contribution.VISITORS], v[Contribution.VISITS], v[Contribution.PAGEVIEWS],
        v[Contribution.EVENTS], v[Contribution.BOUNCES], v[Contribution.DURATION], v[Contribution.BOTS]);
  }

  /** Every row of a day as the model holds it now (exact or not), for tests and the live report. */
  DailyTotals totals(LocalDate day) {
    DayRows dayRows = rows.get(day);
    long[] v = dayRows == null ? Contribution.ZERO : dayRows.cells.getOrDefault(Cell.total(day), Contribution.ZERO);
    return totalsOf(day, v);
  }

  /** The {@code limit} values of {@code property} on {@code day} with the most visitors (then pageviews, then value). */
  List<BreakdownRow> top(LocalDate day, String property, int limit) {
    DayRows dayRows = rows.get(day);
    if (dayRows == null) {
      return List.of();
    }
    List<BreakdownRow> values = new ArrayList<>();
    dayRows.cells.forEach((cell, v) -> {
      if (property.equals(cell.property()) && !Contribution.isZero(v)) {
        values.add(new BreakdownRow(day, property, cell.value(), v[Contribution.VISITORS], v[Contribution.VISITS],
            v[Contribution.PAGEVIEWS], v[Contribution.EVENTS], v[Contribution.BOUNCES], v[Contribution.DURATION]));
      }
    });
    values.sort(Comparator.comparingLong(BreakdownRow::visitors).reversed()
        .thenComparing(Comparator.comparingLong(BreakdownRow::pageviews).reversed())
        .thenComparing(BreakdownRow::value));
    return values.size() > limit ? values.subList(0, limit) : values;
  }

  private void noteLive(ResidentHit hit, long now) {
    if (hit.timestamp < now - LIVE_WINDOW_MS || hit.kind == ResidentHit.Kind.BOT) {
      return;
    }
    recentVisitors.put(hit.visitorId, Math.max(recentVisitors.get(hit.visitorId), hit.timestamp));
    if (hit.kind == ResidentHit.Kind.PAGEVIEW) {
      minutes.merge(Math.floorDiv(hit.timestamp, MINUTE_MS), 1, Integer::sum);
    }
  }

  /** Every resident hit of {@code day} that is no bot, as the alert check reads it (the day must be resident). */
  void forEachHit(LocalDate day, java.util.function.Consumer<AlertCheck.HitRowView> action) {
    for (VisitorHits visitor : visitors.values()) {
      for (ResidentHit hit : visitor.hits) {
        if (hit.day.equals(day) && hit.kind != ResidentHit.Kind.BOT) {
          action.accept(new AlertCheck.HitRowView(hit.timestamp, hit.day, hit.kind == ResidentHit.Kind.PAGEVIEW,
              hit.kind == ResidentHit.Kind.EVENT, hit.event, hit.page));
        }
      }
    }
  }

  /** Visitors with a hit at or after {@code since} (within the last half hour). */
  int visitorsActiveSince(long since) {
    int count = 0;
    for (long last : recentVisitors.values()) {
      count += last >= since ? 1 : 0;
    }
    return count;
  }

  /** The live picture at {@code now}: today in {@code zone}, the top values, the current visitors, the last minutes. */
  LiveReport liveReport(String siteId, long now, ZoneId siteZone, long currentWindowMs) {
    forgetBefore(now - LIVE_WINDOW_MS);
    LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(now), siteZone);
    Map<String, List<BreakdownRow>> top = new HashMap<>();
    for (String property : LiveReport.TOP_PROPERTIES) {
      top.put(property, top(today, property, LiveReport.TOP_SIZE));
    }
    return new LiveReport(siteId, totals(today), top, visitorsActiveSince(now - currentWindowMs), new TreeMap<>(minutes), now, List.of());
  }

  private void forgetBefore(long since) {
    recentVisitors.values().removeIf(last -> last < since);
    long firstMinute = Math.floorDiv(since, MINUTE_MS);
    while (!minutes.isEmpty() && minutes.firstKey() < firstMinute) {
      minutes.pollFirstEntry();
    }
  }

  /**
   * A row of the rollups: a day's totals, one of its local hours, or a value of a property on it. A class, not a record:
   * each hit's contribution looks cells up in hash maps a dozen times, so the hash is computed once,
   * and the strings (shared by {@link ResidentHit}) are compared by reference before by content.
   */
  static final class Cell {
    static final long NO_HOUR = Long.MIN_VALUE;

    private final LocalDate day;
    private final long hour;
    private final String property;
    private final String value;
    private final int hash;

    private Cell(LocalDate day, long hour, String property, String value) {
      this.day = day;
      this.hour = hour;
      this.property = property;
      this.value = value;
      this.hash = 31 * (31 * (31 * day.hashCode() + Long.hashCode(hour)) + Objects.hashCode(property)) + Objects.hashCode(value);
    }

    static Cell total(LocalDate day) {
      return new Cell(day, NO_HOUR, null, null);
    }

    static Cell hour(LocalDate day, long hourStart) {
      return new Cell(day, hourStart, null, null);
    }

    static Cell value(LocalDate day, String property, String value) {
      return new Cell(day, NO_HOUR, property, value);
    }

    LocalDate day() {
      return day;
    }

    long hour() {
      return hour;
    }

    String property() {
      return property;
    }

    String value() {
      return value;
    }

    @Override
    public boolean equals(Object other) {
      return this == other || other instanceof Cell that && hash == that.hash && hour == that.hour
          && same(property, that.property) && same(value, that.value) && (day == that.day || day.equals(that.day));
    }

    private static boolean same(String a, String b) {
      return a == b || a != null && a.equals(b);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "Cell[" + day + ", " + (hour == NO_HOUR ? "" : hour + ", ") + property + "=" + value + "]";
    }
  }

  /** Counter changes per row, the visitors among them by marks so that an id counts once a row. */
  static final class Contribution {
    static final int VISITORS = 0;
    static final int VISITS = 1;
    static final int PAGEVIEWS = 2;
    static final int EVENTS = 3;
    static final int BOUNCES = 4;
    static final int DURATION = 5;
    static final int BOTS = 6;
    static final int METRICS = 7;
    /** Beyond the counters of a change: the chain that last marked a visitor in the row, and its first id there. */
    private static final int PASS = 7;
    private static final int FIRST_ID = 8;
    private static final int SLOTS = 9;
    static final long[] ZERO = new long[METRICS];

    /**
     * Each changed row: its counter changes, then the visitor ids of the current chain counted in it
     * (a row's slot: a chain is nearly always one id, two when a visit crosses UTC midnight). One hash
     * lookup per row serves both: a hit or a visit touches a dozen rows, and looking each up once per
     * counter and again for its visitor marks was a fifth of a log import's CPU (JFR).
     */
    private final Map<Cell, long[]> changes = new HashMap<>();
    private final Map<Cell, LongOpenHashSet> moreMarked = new HashMap<>();
    /** The chain being contributed, numbered from 1: a row whose {@link #PASS} is another chain's has no marks yet. */
    private long chain;

    /** The counters to change of a row (created at zero). */
    long[] row(Cell cell) {
      long[] values = changes.get(cell);
      if (values == null) {
        values = new long[SLOTS];
        changes.put(cell, values);
      }
      return values;
    }

    /** The next contributions are another chain's: its ids are counted afresh in every row. */
    void startChain() {
      chain++;
      moreMarked.clear();
    }

    /** Counts {@code visitorId} as a visitor of the row (whose {@link #row} is {@code values}) once per chain. */
    void visitor(Cell cell, long[] values, long visitorId, int sign) {
      boolean added;
      if (values[PASS] != chain) {
        values[PASS] = chain;
        values[FIRST_ID] = visitorId;
        added = true;
      } else if (values[FIRST_ID] == visitorId) {
        added = false;
      } else {
        added = moreMarked.computeIfAbsent(cell, c -> new LongOpenHashSet(2)).add(visitorId);
      }
      if (added) {
        values[VISITORS] += sign;
      }
    }

    static boolean isZero(long[] values) {
      for (int i = 0; i < METRICS; i++) {
        if (values[i] != 0) {
          return false;
        }
      }
      return true;
    }

    void applyTo(TreeMap<LocalDate, DayRows> rows) {
      changes.forEach((cell, delta) -> {
        if (isZero(delta)) {
          return;
        }
        DayRows dayRows = rows.computeIfAbsent(cell.day(), d -> new DayRows());
        long[] values = dayRows.cells.computeIfAbsent(cell, c -> new long[METRICS]);
        for (int i = 0; i < METRICS; i++) {
          values[i] += delta[i];
        }
        dayRows.dirty.add(cell);
      });
    }
  }

  /**
   * One resident day: the keys of its hits, the ids with hits on it, its sample of property keys, and
   * how many of its hits have each kind of id and are robots' (the ledger's stored counts).
   */
  private static final class ResidentDay {
    final LongOpenHashSet keys = new LongOpenHashSet();
    final long[] stored = new long[Ledger.IdKind.values().length];
    long storedBots;
    final LongOpenHashSet visitorIds = new LongOpenHashSet();
    final PropKeySample propKeys = new PropKeySample();
    long use;
  }

  /**
   * A day's property keys with rows of their own: the {@value #MAX_PROP_KEYS} of lowest rank
   * (SHA-256), each with the ids whose hits carry it. A key once beyond the sample never enters it
   * again while the day is resident (the rank it must beat only falls), so keys beyond are not kept.
   */
  private static final class PropKeySample {
    private final TreeSet<RankedKey> ranked = new TreeSet<>();
    private final Map<String, LongOpenHashSet> carriers = new HashMap<>();
    /** The keys contributions see: the sample as it was before the change being applied, then after it. */
    private Set<String> published = Set.of();

    /**
     * Notes that {@code visitorId} has a hit with {@code name}; true when the sample changed. The ids
     * of a key pushed out go into {@code changed}: their contributions move to {@link #OTHER_PROPS}.
     */
    boolean offer(String name, long visitorId, LongOpenHashSet changed) {
      LongOpenHashSet ids = carriers.get(name);
      if (ids != null) {
        ids.add(visitorId);
        return false;
      }
      RankedKey candidate = new RankedKey(ResidentHit.digest(name), name);
      if (ranked.size() >= MAX_PROP_KEYS) {
        if (candidate.compareTo(ranked.last()) > 0) {
          return false;
        }
        changed.addAll(carriers.remove(ranked.pollLast().name()));
      }
      ranked.add(candidate);
      carriers.put(name, LongOpenHashSet.of(visitorId));
      return true;
    }

    void publish() {
      published = Set.copyOf(carriers.keySet());
    }

    Set<String> keys() {
      return published;
    }
  }

  private record RankedKey(long rank, String name) implements Comparable<RankedKey> {
    @Override
    public int compareTo(RankedKey other) {
      int byRank = Long.compare(rank, other.rank);
      return byRank != 0 ? byRank : name.compareTo(other.name);
    }
  }

  /** One visitor id's resident hits, in {@link ResidentHit#compare} order, and the id it names as previous. */
  private static final class VisitorHits {
    final List<ResidentHit> hits = new ArrayList<>(4);
    long previous;

    VisitorHits(long id) {
      // the id is the map's key; the constructor takes it to be a mapping function
    }

    void add(ResidentHit hit) {
      int at = hits.size();
      while (at > 0 && ResidentHit.compare(hits.get(at - 1), hit) > 0) {
        at--; // nearly always appended: hits mostly come in time order
      }
      hits.add(at, hit);
    }
  }

  /** A day's rows: counters per cell, and the cells changed since the last rollup. */
  private static final class DayRows {
    final Map<Cell, long[]> cells = new HashMap<>();
    final Set<Cell> dirty = new HashSet<>();
  }

  /** A visit being sequenced: its first hit (its properties), span, counts, entry and exit pages. */
  private static final class SequencedVisit {
    final ResidentHit first;
    long last;
    int pageviews;
    int events;
    String entryPage;
    String exitPage;

    SequencedVisit(ResidentHit first) {
      this.first = first;
      this.last = first.timestamp;
      add(first);
    }

    void add(ResidentHit hit) {
      last = Math.max(last, hit.timestamp);
      if (hit.kind == ResidentHit.Kind.PAGEVIEW) {
        pageviews++;
        if (entryPage == null) {
          entryPage = hit.page;
        }
        exitPage = hit.page;
      } else if (hit.kind == ResidentHit.Kind.EVENT) {
        events++;
      }
    }

    boolean isBounce() {
      return VisitRule.isBounce(pageviews, events);
    }

    long durationMs() {
      return VisitRule.durationMs(first.timestamp, last, pageviews, events);
    }
  }
}
