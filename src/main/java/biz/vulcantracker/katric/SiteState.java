package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import biz.vulcantracker.model.VisitRule;
import biz.vulcantracker.queue.EntryId;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.HourlyTotals;
import biz.vulcantracker.store.Rollup;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2LongLinkedOpenHashMap;
import it.unimi.dsi.fastutil.objects.ObjectOpenHashSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one site's entity, the composite model of its recent traffic:
 * <ul>
 *   <li>per stream partition, the last entry id applied (the watermark that makes redelivery harmless);
 *   <li>per recent day (site time zone): totals, the exact set of visitor ids, and the breakdowns
 *       by every property of docs/api.md; per UTC hour of those days, the same totals;
 *   <li>the open visits, keyed by visitor id, sequenced by hit time with the 30-minute rule;
 *   <li>the ids of the last hour's hits and each day's client event ids, to count a hit once even
 *       when it reached the queue twice.
 * </ul>
 * A visit is closed, and leaves memory, once the site's newest hit is more than the gap (plus a grace
 * for late hits) past the visit's last hit: memory follows current activity, not history. Closing
 * goes by hit time, not wall-clock time, so a replay of the journal rebuilds exactly this state.
 *
 * <p>Mutable for speed (a batch must not copy every visitor set) and held in primitive collections
 * (fastutil) for memory; touched only by the entity's event handler, and replies carry immutable
 * {@link DailyTotals} copies, never this.
 */
public final class SiteState implements CborSerializable {

  static final long HOUR_MS = Duration.ofHours(1).toMillis();
  static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
  static final long LATE_GRACE_MS = Duration.ofMinutes(5).toMillis();
  /** How long (in hit time) a hit id is remembered to drop the same hit queued twice. */
  static final long SEEN_HIT_WINDOW_MS = Duration.ofHours(1).toMillis();

  @JsonProperty private final Map<Integer, String> watermarks;
  @JsonProperty private final TreeMap<LocalDate, Day> days;
  /** Per UTC hour (hours since the epoch): the same counts as a day, for hourly reports. */
  @JsonProperty private final TreeMap<Long, Counts> hours;
  @JsonProperty private final Long2ObjectOpenHashMap<Visit> openVisits;
  @JsonProperty private long newestHit;
  /** Pageviews per minute (minutes since the epoch) of the last half hour of hit time, for live reports. */
  @JsonProperty private final TreeMap<Long, Integer> minutes;
  /** Ids of recent hits with their times, oldest first (a spool replay or a retried log batch). */
  @JsonProperty private final Object2LongLinkedOpenHashMap<String> seenHits;
  /**
   * Breakdown rows changed since the last rollup was taken, per day: what the next rollup writes. A
   * batch's parts are persisted one by one and rolled up once, with the last.
   */
  @JsonIgnore private final Map<LocalDate, Set<String>> touched = new HashMap<>();
  /** Hours changed since the last rollup was taken. */
  @JsonIgnore private final Set<Long> touchedHours = new HashSet<>();

  @JsonCreator
  SiteState(
      @JsonProperty("watermarks") Map<Integer, String> watermarks,
      @JsonProperty("days") TreeMap<LocalDate, Day> days,
      @JsonProperty("hours") TreeMap<Long, Counts> hours,
      @JsonProperty("openVisits") Map<Long, Visit> openVisits,
      @JsonProperty("newestHit") long newestHit,
      @JsonProperty("seenHits") Map<String, Long> seenHits,
      @JsonProperty("minutes") Map<Long, Integer> minutes) {
    this.watermarks = watermarks == null ? new HashMap<>() : new HashMap<>(watermarks);
    this.days = days == null ? new TreeMap<>() : new TreeMap<>(days);
    this.hours = hours == null ? new TreeMap<>() : new TreeMap<>(hours);
    this.openVisits = openVisits == null ? new Long2ObjectOpenHashMap<>() : new Long2ObjectOpenHashMap<>(openVisits);
    this.newestHit = newestHit;
    this.seenHits = seenHits == null ? new Object2LongLinkedOpenHashMap<>() : new Object2LongLinkedOpenHashMap<>(seenHits);
    this.minutes = minutes == null ? new TreeMap<>() : new TreeMap<>(minutes);
  }

  static SiteState empty() {
    return new SiteState(null, null, null, null, 0, null, null);
  }

  /**
   * False for a hit counted before: the same hit id within the last hour of hit time (the same hit
   * queued twice under two entry ids), or a client event id already seen on the hit's day.
   */
  boolean isNew(RecordedHit hit) {
    if (seenHits.containsKey(hit.hitId())) {
      return false;
    }
    Day day = days.get(hit.day());
    return hit.clientEventId() == null || day == null || !day.clientEventIds.contains(hit.clientEventId());
  }

  /** The last entry id of {@code partition} already counted, or null. */
  String watermark(int partition) {
    return watermarks.get(partition);
  }

  int openVisitCount() {
    return openVisits.size();
  }

  /** Visitors whose latest hit is at or after {@code since} (their visits are still open). */
  int visitorsActiveSince(long since) {
    return (int) openVisits.values().stream().filter(visit -> visit.last >= since).count();
  }

  /** Counts the event's hits in hit-time order and moves the partition's watermark. */
  SiteState apply(SiteEntity.HitsRecorded event, KatricSettings settings) {
    List<RecordedHit> byTime = event.hits().stream().sorted(Comparator.comparingLong(RecordedHit::timestamp)).toList();
    for (RecordedHit hit : byTime) {
      count(hit, settings.daysKept(), settings.maxValuesPerDay());
    }
    if (EntryId.isAfter(event.lastEntryId(), watermarks.get(event.partition()))) {
      watermarks.put(event.partition(), event.lastEntryId());
    }
    closeIdleVisits();
    forgetOldHitIds();
    long firstMinute = Math.floorDiv(newestHit, MINUTE_MS) - LiveReport.MINUTES;
    while (!minutes.isEmpty() && minutes.firstKey() <= firstMinute) {
      minutes.pollFirstEntry();
    }
    return this;
  }

  private void count(RecordedHit hit, int daysKept, int cap) {
    if (!days.isEmpty() && hit.day().isBefore(days.lastKey().minusDays(daysKept - 1L))) {
      return; // older than the days this entity still holds; see KatricSettings.daysKept
    }
    seenHits.put(hit.hitId(), hit.timestamp());
    Day day = days.computeIfAbsent(hit.day(), d -> Day.empty());
    if (hit.clientEventId() != null) {
      day.clientEventIds.add(hit.clientEventId());
    }
    long hour = hourOf(hit.timestamp());
    Counts hourCounts = hours.computeIfAbsent(hour, h -> Counts.empty());
    day.counts.count(hit);
    hourCounts.count(hit);
    touchedHours.add(hour);
    if (hit.isBot()) {
      return;
    }
    day.breakdowns.addHit(hit, cap, touchedOn(hit.day()));
    newestHit = Math.max(newestHit, hit.timestamp());
    if (hit.isPageview()) {
      minutes.merge(Math.floorDiv(hit.timestamp(), MINUTE_MS), 1, Integer::sum);
    }

    Visit visit = openVisits.get(hit.visitorId());
    if (visit == null && hit.previousVisitorId() != null) {
      // A visit that began before midnight (UTC) under the previous day's visitor id continues.
      visit = openVisits.remove(hit.previousVisitorId());
      if (visit != null) {
        openVisits.put(hit.visitorId(), visit);
      }
    }
    if (visit != null && visit.covers(hit.timestamp(), VisitRule.GAP_MS)) {
      Day startDay = days.get(visit.day);
      Counts startHour = hours.get(visit.hour);
      if (startDay != null) {
        startDay.remove(visit, cap, touchedOn(visit.day));
      }
      if (startHour != null) {
        startHour.removeVisit(visit);
      }
      visit.add(hit);
      if (startDay != null) {
        startDay.add(visit, cap, touchedOn(visit.day));
      }
      if (startHour != null) {
        startHour.addVisit(visit);
        touchedHours.add(visit.hour);
      }
    } else if (hit.isPageview() || hit.isCustomEvent()) {
      Visit started = Visit.startedBy(hit, hour);
      openVisits.put(hit.visitorId(), started);
      day.add(started, cap, touchedOn(hit.day()));
      hourCounts.addVisit(started);
    }
    while (days.size() > daysKept) {
      days.pollFirstEntry();
    }
    // Hours go with the days: the kept days plus one for time zones behind UTC.
    long firstHour = hourOf(newestHit) - (daysKept + 1L) * 24;
    while (!hours.isEmpty() && hours.firstKey() < firstHour) {
      hours.pollFirstEntry();
    }
  }

  static long hourOf(long timestamp) {
    return Math.floorDiv(timestamp, HOUR_MS);
  }

  private Set<String> touchedOn(LocalDate day) {
    return touched.computeIfAbsent(day, d -> new HashSet<>());
  }

  private void forgetOldHitIds() {
    long before = newestHit - SEEN_HIT_WINDOW_MS;
    var oldest = seenHits.object2LongEntrySet().fastIterator();
    while (oldest.hasNext() && oldest.next().getLongValue() < before) {
      oldest.remove();
    }
  }

  private void closeIdleVisits() {
    long closedBefore = newestHit - VisitRule.GAP_MS - LATE_GRACE_MS;
    openVisits.values().removeIf(visit -> visit.last < closedBefore);
  }

  /** The live picture at {@code now}: today in {@code zone}, the top values, the current visitors, the last minutes. */
  LiveReport liveReport(String siteId, long now, ZoneId zone, long currentWindowMs) {
    LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(now), zone);
    Day day = days.get(today);
    Map<String, List<BreakdownRow>> top = new HashMap<>();
    for (String property : LiveReport.TOP_PROPERTIES) {
      top.put(property, day == null ? List.of() : day.breakdowns.top(today, property, LiveReport.TOP_SIZE));
    }
    DailyTotals totals = day == null ? new DailyTotals(today, 0, 0, 0, 0, 0, 0, 0) : day.totals(today);
    return new LiveReport(siteId, totals, top, visitorsActiveSince(now - currentWindowMs), new TreeMap<>(minutes), now);
  }

  /** Immutable totals of every day the state holds. */
  List<DailyTotals> totals() {
    return days.entrySet().stream().map(e -> e.getValue().totals(e.getKey())).toList();
  }

  /**
   * Every day's totals, the breakdown rows and hours changed since the last rollup was taken
   * (immutable copies), and {@code hits}; what it takes is no longer remembered as changed.
   */
  Rollup changedRollup(List<HitRow> hits) {
    List<BreakdownRow> rows = new ArrayList<>();
    touched.forEach((day, keys) -> {
      Day held = days.get(day);
      if (held != null) {
        rows.addAll(held.breakdowns.rows(day, keys));
      }
    });
    Rollup rollup = new Rollup(totals(), rows, hourly(touchedHours), hits);
    touched.clear();
    touchedHours.clear();
    return rollup;
  }

  private List<HourlyTotals> hourly(Set<Long> which) {
    List<HourlyTotals> rows = new ArrayList<>();
    for (long hour : which) {
      Counts counts = hours.get(hour);
      if (counts != null) {
        rows.add(new HourlyTotals(Instant.ofEpochMilli(hour * HOUR_MS), counts.visitors.size(), counts.visits,
            counts.pageviews, counts.events, counts.bounces, counts.durationMs, counts.bots));
      }
    }
    return rows;
  }

  /**
   * Everything the state holds (immutable copies), for a write after a failed one or a recovery, and
   * {@code hits}; nothing is remembered as changed after it.
   */
  Rollup fullRollup(List<HitRow> hits) {
    List<BreakdownRow> rows = new ArrayList<>();
    days.forEach((day, held) -> rows.addAll(held.breakdowns.rows(day, null)));
    Rollup rollup = new Rollup(totals(), rows, hourly(hours.keySet()), hits);
    touched.clear();
    touchedHours.clear();
    return rollup;
  }

  /** One day of the site's time zone: its counts, breakdowns and client event ids. */
  static final class Day {
    @JsonProperty final Counts counts;
    @JsonProperty final Breakdowns breakdowns;
    /** Client event ids (the script's {@code i}) seen this day: a repeated one counts once. */
    @JsonProperty final ObjectOpenHashSet<String> clientEventIds;

    @JsonCreator
    Day(
        @JsonProperty("counts") Counts counts,
        @JsonProperty("breakdowns") Breakdowns breakdowns,
        @JsonProperty("clientEventIds") Set<String> clientEventIds) {
      this.counts = counts == null ? Counts.empty() : counts;
      this.breakdowns = breakdowns == null ? Breakdowns.empty() : breakdowns;
      this.clientEventIds = clientEventIds == null ? new ObjectOpenHashSet<>() : new ObjectOpenHashSet<>(clientEventIds);
    }

    static Day empty() {
      return new Day(null, null, null);
    }

    void add(Visit visit, int cap, Set<String> touched) {
      counts.addVisit(visit);
      breakdowns.addVisit(visit, cap, touched);
    }

    void remove(Visit visit, int cap, Set<String> touched) {
      counts.removeVisit(visit);
      breakdowns.removeVisit(visit, cap, touched);
    }

    DailyTotals totals(LocalDate day) {
      return new DailyTotals(day, counts.visitors.size(), counts.visits, counts.pageviews, counts.events,
          counts.bounces, counts.durationMs, counts.bots);
    }
  }
}
