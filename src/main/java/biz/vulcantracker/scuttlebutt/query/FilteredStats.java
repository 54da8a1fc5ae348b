package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.ActorAttributes;
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
 *
 * <p>A scan is bounded by its {@link ScanLimits}: it runs on its own dispatcher, so scans can slow
 * each other but not the HTTP server or the live sockets, and it is cancelled (the reads of the
 * table with it) when its time is up.
 */
public final class FilteredStats {

  /** The group that values beyond {@link ScanLimits#maxGroups} fold into. */
  static final String OTHER = "(other)";

  /** Where the hits come from: one day partition of a site, streamed (the hits table). */
  public interface HitSource {
    Source<HitRow, NotUsed> read(String siteId, LocalDate day);
  }

  private final HitSource hits;
  private final ActorSystem<?> system;
  private final ScanLimits limits;

  public FilteredStats(HitSource hits, ActorSystem<?> system, ScanLimits limits) {
    this.hits = hits;
    this.system = system;
    this.limits = limits;
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
    private final int maxGroups;

    Tallies(int maxGroups) {
      this.maxGroups = maxGroups;
    }

    Tally at(String group, String unit) {
      Map<String, Tally> units = groups.get(group);
      if (units == null) {
        units = groups.computeIfAbsent(groups.size() < maxGroups - 1 ? group : OTHER, g -> new HashMap<>());
      }
      return units.computeIfAbsent(unit, u -> new Tally());
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
    if (period.days() > limits.maxDays()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "period_too_long",
          "a report with filters covers at most " + limits.maxDays() + " days");
    }
    Scan scan = new Scan(zone, period, filters, grouping, limits.maxGroups());
    return Source.from(scan.days())
        .flatMapConcat(day -> hits.read(siteId, day))
        .completionTimeout(limits.timeout())
        .toMat(Sink.foreach(scan::accept), (notUsed, done) -> done)
        .withAttributes(ActorAttributes.dispatcher(limits.dispatcher()))
        .run(system)
        .handle((done, failure) -> {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          if (cause instanceof TimeoutException) {
            throw new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "report_too_slow", "the report took longer than "
                + limits.timeout().toSeconds() + " s and was stopped; choose a shorter period or fewer filters");
          }
          if (cause != null) {
            throw new CompletionException(cause);
          }
          return scan.finish();
        });
  }

  /** One report's pass over the hits: the rows in table order in, the tallies per group out. */
  static final class Scan {
    private final Period period;
    private final Tallies tallies;
    private final VisitSequencer sequencer;

    Scan(ZoneId zone, Period period, Filters filters, Grouping grouping, int maxGroups) {
      this.period = period;
      this.tallies = new Tallies(maxGroups);
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
