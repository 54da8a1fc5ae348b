package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.HitOrder;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.model.SamePageview;
import biz.vulcantracker.model.VisitRule;
import biz.vulcantracker.store.HitRow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rebuilds visits from a scan of the hits table, day partitions in order and within each the hits
 * of one visitor together, with the rules of katric's sequencing: a visit starts with a pageview or
 * custom event, goes on while the gap between hits stays within 30 minutes, and runs across UTC
 * midnight onto the visitor's next-day id (a hit names the id it had the day before).
 *
 * <p>Memory stays with the visits that may still go on: those whose last hit is within 30 minutes of
 * a day's end or of a UTC midnight, and the groups waiting for the visitor's previous-day id further
 * down the same partition. Every other visit is handed on as soon as its visitor's hits are read.
 */
final class VisitSequencer {

  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  private final ZoneId zone;
  private final Consumer<SequencedVisit> out;
  /** Visits that may still go on, by the visitor id a continuation comes under (or names as previous). */
  private final Map<Long, SequencedVisit> held = new HashMap<>();
  /** Hit groups that may continue a visit of the previous-day id they name, not read yet. */
  private final Map<Long, List<List<HitRow>>> waiting = new HashMap<>();
  private List<HitRow> group = new ArrayList<>();
  private LocalDate day;

  VisitSequencer(ZoneId zone, Consumer<SequencedVisit> out) {
    this.zone = zone;
    this.out = out;
  }

  /** The next row of the scan. */
  void accept(HitRow row) {
    if (!group.isEmpty() && (row.visitorId() != group.get(0).visitorId() || !row.day().equals(day))) {
      flushGroup();
    }
    if (!row.day().equals(day)) {
      if (day != null) {
        endDay();
      }
      day = row.day();
    }
    group.add(row);
  }

  /** The scan is over: every visit still held is handed on. */
  void finish() {
    if (day != null) {
      flushGroup();
      endDay();
    }
    held.values().forEach(out);
    held.clear();
  }

  private void flushGroup() {
    List<HitRow> read = group;
    group = new ArrayList<>();
    if (read.isEmpty()) {
      return;
    }
    read.sort(IN_TIME_ORDER);
    // A group is one visitor's hits of one day: the log pageviews its script also sent are the script's in all traffic.
    BitSet seen = seenByScript(read);
    List<HitRow> hits = new ArrayList<>(read.size() - seen.cardinality());
    for (int i = 0; i < read.size(); i++) {
      if (!seen.get(i)) {
        hits.add(read.get(i));
      }
    }
    long visitor = hits.get(0).visitorId();
    SequencedVisit open = held.remove(visitor);
    if (open == null && continuesAcrossUtcMidnight(hits.get(0))) {
      // The visit it may continue is the previous-day id's, whose hits in this partition may not
      // have been read yet: wait for them (or for the partition's end).
      waiting.computeIfAbsent(hits.get(0).previousVisitorId(), id -> new ArrayList<>()).add(hits);
      return;
    }
    sequence(visitor, hits, open);
  }

  /**
   * The order of a visitor's hits the pairing and the sequencing read them in: {@link HitOrder}, as
   * the site model's rollups (the tie's digest computed only for hits of the same millisecond).
   */
  static final Comparator<HitRow> IN_TIME_ORDER =
      Comparator.comparingLong(HitRow::timestamp).thenComparingLong(row -> HitOrder.tieKey(row.hitKey()));

  /** Which of one visitor's hits of one day ({@link #IN_TIME_ORDER}) are log pageviews its script also sent ({@link SamePageview}). */
  static BitSet seenByScript(List<HitRow> visitorDay) {
    return SamePageview.seenByScript(visitorDay, HitRow::timestamp, hit -> isPageviewOf(hit, true), hit -> isPageviewOf(hit, false),
        hit -> hit.property("page"));
  }

  private static boolean isPageviewOf(HitRow hit, boolean log) {
    return hit.isPageview() && Property.LOG_ORIGIN.equals(hit.property(Property.ORIGIN_COLUMN)) == log;
  }

  /** True for a visitor's first hit of a UTC day that may go on with a visit under the previous day's id. */
  private static boolean continuesAcrossUtcMidnight(HitRow first) {
    return first.previousVisitorId() != null && Math.floorMod(first.timestamp(), DAY_MS) <= VisitRule.GAP_MS;
  }

  private void sequence(long visitor, List<HitRow> hits, SequencedVisit open) {
    for (HitRow hit : hits) {
      if (open != null && hit.timestamp() <= open.last + VisitRule.GAP_MS) {
        open.add(hit);
      } else if (hit.isPageview() || hit.isCustomEvent()) {
        if (open != null) {
          out.accept(open);
        }
        open = SequencedVisit.startedBy(hit);
      } // engagement outside a visit counts for nothing, as in katric
    }
    if (open != null && mayGoOn(open)) {
      held.put(visitor, open);
    } else if (open != null) {
      out.accept(open);
    }
    List<List<HitRow>> next = waiting.remove(visitor);
    if (next != null) {
      for (List<HitRow> continuation : next) {
        long nextVisitor = continuation.get(0).visitorId();
        sequence(nextVisitor, continuation, held.remove(visitor));
      }
    }
  }

  /** True when a later hit could still join: within the gap lies the day's end or a UTC midnight. */
  private boolean mayGoOn(SequencedVisit visit) {
    long end = visit.last + VisitRule.GAP_MS;
    return Math.floorDiv(end, DAY_MS) > Math.floorDiv(visit.last, DAY_MS) || localDay(end).isAfter(day);
  }

  private void endDay() {
    // Groups whose previous-day id had no hits in this partition: its visit from an earlier one, if any.
    List<List<HitRow>> orphans = new ArrayList<>();
    waiting.values().forEach(orphans::addAll);
    waiting.clear();
    for (List<HitRow> hits : orphans) {
      sequence(hits.get(0).visitorId(), hits, held.remove(hits.get(0).previousVisitorId()));
    }
    // A held visit whose gap ends within this day can get no more hits from later partitions.
    for (Iterator<SequencedVisit> it = held.values().iterator(); it.hasNext(); ) {
      SequencedVisit visit = it.next();
      if (!localDay(visit.last + VisitRule.GAP_MS).isAfter(day)) {
        out.accept(visit);
        it.remove();
      }
    }
  }

  private LocalDate localDay(long timestamp) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(timestamp), zone);
  }
}
