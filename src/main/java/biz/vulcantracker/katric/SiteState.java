package biz.vulcantracker.katric;

import biz.vulcantracker.CborSerializable;
import biz.vulcantracker.queue.EntryId;
import biz.vulcantracker.store.DailyTotals;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one site's entity: per stream partition the last entry id applied (the watermark
 * that makes redelivery harmless), and per recent day the totals and the exact set of visitor ids.
 *
 * <p>Mutable for speed (a batch must not copy every visitor set); it is only touched by the
 * entity's event handler, and replies carry immutable {@link DailyTotals} copies, never this.
 */
public final class SiteState implements CborSerializable {

  @JsonProperty private final Map<Integer, String> watermarks;
  @JsonProperty private final TreeMap<LocalDate, Day> days;

  @JsonCreator
  SiteState(
      @JsonProperty("watermarks") Map<Integer, String> watermarks,
      @JsonProperty("days") TreeMap<LocalDate, Day> days) {
    this.watermarks = watermarks == null ? new HashMap<>() : new HashMap<>(watermarks);
    this.days = days == null ? new TreeMap<>() : new TreeMap<>(days);
  }

  static SiteState empty() {
    return new SiteState(null, null);
  }

  /** The last entry id of {@code partition} already counted, or null. */
  String watermark(int partition) {
    return watermarks.get(partition);
  }

  /** Counts the event's hits and moves the partition's watermark; drops days beyond {@code daysKept}. */
  SiteState apply(SiteEntity.HitsRecorded event, int daysKept) {
    for (RecordedHit hit : event.hits()) {
      Day day = days.computeIfAbsent(hit.day(), d -> new Day(0, 0, null));
      day.count(hit);
    }
    if (EntryId.isAfter(event.lastEntryId(), watermarks.get(event.partition()))) {
      watermarks.put(event.partition(), event.lastEntryId());
    }
    while (days.size() > daysKept) {
      days.pollFirstEntry();
    }
    return this;
  }

  /** Immutable totals of the given days that the state holds. */
  List<DailyTotals> totals(Collection<LocalDate> wanted) {
    return wanted.stream()
        .distinct()
        .filter(days::containsKey)
        .map(d -> days.get(d).totals(d))
        .toList();
  }

  /** One day's counts in the site's time zone. */
  static final class Day {
    @JsonProperty private long pageviews;
    @JsonProperty private long events;
    @JsonProperty private final Set<Long> visitors;

    @JsonCreator
    Day(
        @JsonProperty("pageviews") long pageviews,
        @JsonProperty("events") long events,
        @JsonProperty("visitors") Set<Long> visitors) {
      this.pageviews = pageviews;
      this.events = events;
      this.visitors = visitors == null ? new HashSet<>() : new HashSet<>(visitors);
    }

    void count(RecordedHit hit) {
      if (hit.isPageview()) {
        pageviews++;
        visitors.add(hit.visitorId());
      } else if (hit.isCustomEvent()) {
        events++;
        visitors.add(hit.visitorId());
      }
    }

    DailyTotals totals(LocalDate day) {
      return new DailyTotals(day, visitors.size(), pageviews, events);
    }
  }
}
