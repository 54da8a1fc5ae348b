package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.HitsTable;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reports with filters, answered from the hits table instead of the rollups: the period's day
 * partitions (and one day either side, for visits across midnight) are scanned as a stream,
 * sequenced back into visits ({@link VisitSequencer}), filtered, and tallied by a {@link Grouping}.
 *
 * <p>Counted as the rollups count: pageviews and custom events on the day (or hour) of the hit,
 * visits with their bounces and durations on the day they started, visitors as distinct ids per day
 * (per hour for hourly series) summed. With filters: a hit counts when its visit matches the visit
 * filters and it matches the hit filters; a visit counts when it matches the visit filters and, if
 * there are hit filters, one of its pageviews or custom events matches them. So with no filters this
 * path gives what the rollups give, which a test holds it to.
 */
public final class FilteredStats {

  private final HitsTable hits;
  private final ActorSystem<?> system;

  public FilteredStats(HitsTable hits, ActorSystem<?> system) {
    this.hits = hits;
    this.system = system;
  }

  /** Where a report puts what it counts: a group (a bucket, a property value) and within it a unit of distinct visitors. */
  interface Grouping {
    /** A counted pageview or custom event of a day in the period, in a matching visit. */
    void hit(SequencedVisit visit, HitRow hit, Tallies tallies);

    /** A matching visit that started in the period, with its counted hits (any day). */
    void visit(SequencedVisit visit, List<HitRow> counted, Tallies tallies);
  }

  /** Counts per group and unit, each with its exact set of visitors. */
  static final class Tallies {
    private final Map<String, Map<String, Tally>> groups = new HashMap<>();

    Tally at(String group, String unit) {
      return groups.computeIfAbsent(group, g -> new HashMap<>()).computeIfAbsent(unit, u -> new Tally());
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
    final LongOpenHashSet visitors = new LongOpenHashSet();
    long visits;
    long pageviews;
    long events;
    long bounces;
    long durationMs;

    /** Counts a pageview or custom event and its visitor. */
    void countHit(HitRow hit) {
      if (hit.isPageview()) {
        pageviews++;
      } else {
        events++;
      }
      visitors.add(hit.visitorId());
    }

    /** Counts a visit: its bounce and its duration. */
    void countVisit(SequencedVisit visit) {
      visits++;
      bounces += visit.isBounce() ? 1 : 0;
      durationMs += visit.durationMs();
    }
  }

  /** Tallies the period's hits of a site under the filters, per group. */
  CompletionStage<Map<String, List<DailyTotals>>> tally(
      String siteId, ZoneId zone, Period period, Filters filters, Grouping grouping) {
    Scan scan = new Scan(zone, period, filters, grouping);
    return Source.from(scan.days())
        .flatMapConcat(day -> hits.read(siteId, day))
        .runWith(Sink.foreach(scan::accept), system)
        .thenApply(done -> scan.finish());
  }

  /** One report's pass over the hits: the rows in table order in, the tallies per group out. */
  static final class Scan {
    private final Period period;
    private final Tallies tallies = new Tallies();
    private final VisitSequencer sequencer;

    Scan(ZoneId zone, Period period, Filters filters, Grouping grouping) {
      this.period = period;
      this.sequencer = new VisitSequencer(zone, visit -> count(visit, period, filters, grouping, tallies));
    }

    /** The day partitions to read, in order: the period and a day either side (visits across midnight). */
    List<LocalDate> days() {
      return period.from().minusDays(1).datesUntil(period.to().plusDays(2)).toList();
    }

    void accept(HitRow row) {
      if (!row.bot()) { // a bot's hit is kept for the count of bots only
        sequencer.accept(row);
      }
    }

    Map<String, List<DailyTotals>> finish() {
      sequencer.finish();
      return tallies.totals();
    }
  }

  private static void count(SequencedVisit visit, Period period, Filters filters, Grouping grouping, Tallies tallies) {
    if (!filters.matchesVisit(visit::valueOf)) {
      return;
    }
    List<HitRow> counted = new ArrayList<>();
    for (HitRow hit : visit.hits) {
      if ((hit.isPageview() || hit.isCustomEvent()) && filters.matchesHit(key -> valueOf(hit, key))) {
        counted.add(hit);
        if (period.contains(hit.day())) {
          grouping.hit(visit, hit, tallies);
        }
      }
    }
    if (period.contains(visit.day) && (filters.hitFilters().isEmpty() || !counted.isEmpty())) {
      grouping.visit(visit, counted, tallies);
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
          tallies.at(value, hit.day().toString()).countHit(hit);
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
        counted.forEach(hit -> {
          if (hit.isPageview()) {
            tally.pageviews++;
          } else {
            tally.events++;
          }
        });
        tally.visitors.add(visit.visitorId);
      }
    };
  }

  private static String valueOrNone(String value) {
    return value == null ? "(none)" : value;
  }
}
