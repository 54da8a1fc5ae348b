package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.model.SamePageview;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.Site;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Script coverage (docs/api.md, "Script coverage"): of the human visits and pageviews a site's access
 * log saw, the share its tracking script saw too — what script-only analytics misses to ad-blockers,
 * disabled JavaScript and pages left before the script ran. The log's visits are sequenced from the
 * log's hits alone (its view of the site); a log pageview was seen by the script when the
 * same-pageview rule pairs it with one of the script's ({@link SamePageview}), a log visit when one
 * of its pageviews was. Per day (a visit on the day it started, a pageview on its own day), per page
 * (pageviews) and per browser (visits and pageviews).
 *
 * <p>It reads the hits table as the segments' builds do (the period and a day either side, a
 * visitor's hits of a day together) within the same {@link ScanLimits}; what it holds is one
 * visitor's day, the log visits that may still go on and at most {@link ScanLimits#maxGroups} pages
 * and browsers (the rest under {@value FilteredStats#OTHER}).
 */
public final class ScriptCoverage {

  /** Of the log's human visits and pageviews, how many the script saw too. */
  public record Share(long visits, long visitsSeen, long pageviews, long pageviewsSeen) {

    /** Visits seen by the script per visit of the log, in percent with one decimal (0 with none). */
    public double visitCoverage() {
      return percent(visitsSeen, visits);
    }

    public double pageviewCoverage() {
      return percent(pageviewsSeen, pageviews);
    }

    private static double percent(long part, long whole) {
      return whole == 0 ? 0 : Math.round(part * 1000.0 / whole) / 10.0;
    }
  }

  /** The period's coverage: in all, per day (every day of the period), per page and per browser (most log pageviews first). */
  public record Report(Share total, Map<LocalDate, Share> days, Map<String, Share> pages, Map<String, Share> browsers) {}

  private final VisitSegments.HitSource hits;
  private final ActorSystem<?> system;
  private final ScanLimits limits;

  public ScriptCoverage(VisitSegments.HitSource hits, ActorSystem<?> system, ScanLimits limits) {
    this.hits = hits;
    this.system = system;
    this.limits = limits;
  }

  public CompletionStage<Report> of(Site site, Period period) {
    if (period.days() > limits.maxDays()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "period_too_long", "a report of script coverage covers at most " + limits.maxDays() + " days");
    }
    Pass pass = new Pass(site.timezone(), period, limits.maxGroups());
    CompletionStage<Done> scanned = Source.from(period.from().minusDays(1).datesUntil(period.to().plusDays(2)).toList())
        .flatMapConcat(day -> hits.read(site.id(), day))
        .completionTimeout(limits.timeout())
        .toMat(Sink.foreach(pass::accept), (notUsed, done) -> done)
        .withAttributes(ActorAttributes.dispatcher(limits.dispatcher()))
        .run(system);
    return FilteredStats.afterScan(limits, scanned, pass::finish);
  }

  /** A running count of visits and pageviews, and of those the script saw. */
  private static final class Counts {
    long visits;
    long visitsSeen;
    long pageviews;
    long pageviewsSeen;

    void visit(boolean seen) {
      visits++;
      visitsSeen += seen ? 1 : 0;
    }

    void pageview(boolean seen) {
      pageviews++;
      pageviewsSeen += seen ? 1 : 0;
    }

    Share share() {
      return new Share(visits, visitsSeen, pageviews, pageviewsSeen);
    }
  }

  /** One pass over the hits in the table's order: each visitor's day paired, the log's hits sequenced into visits and counted. */
  static final class Pass {
    private final Period period;
    private final int maxGroups;
    private final Counts total = new Counts();
    private final Map<LocalDate, Counts> days = new TreeMap<>();
    private final Map<String, Counts> pages = new LinkedHashMap<>();
    private final Map<String, Counts> browsers = new LinkedHashMap<>();
    /** The log pageviews the script saw, until the visit they are in is counted (by identity: the sequencer hands on the same rows). */
    private final Set<HitRow> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final VisitSequencer logVisits;
    private List<HitRow> visitorDay = new ArrayList<>();

    Pass(ZoneId zone, Period period, int maxGroups) {
      this.period = period;
      this.maxGroups = maxGroups;
      this.logVisits = new VisitSequencer(zone, this::count);
      for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
        days.put(day, new Counts());
      }
    }

    /** The next row of the scan: the period's days and one either side, a visitor's hits of a day together. */
    void accept(HitRow row) {
      if (!visitorDay.isEmpty() && (row.visitorId() != visitorDay.get(0).visitorId() || !row.day().equals(visitorDay.get(0).day()))) {
        pair();
      }
      visitorDay.add(row);
    }

    Report finish() {
      pair();
      logVisits.finish();
      Map<LocalDate, Share> dayShares = new TreeMap<>();
      days.forEach((day, counts) -> dayShares.put(day, counts.share()));
      return new Report(total.share(), dayShares, shares(pages), shares(browsers));
    }

    private void pair() {
      List<HitRow> hits = visitorDay;
      visitorDay = new ArrayList<>();
      hits.sort(VisitSequencer.IN_TIME_ORDER);
      BitSet pairs = VisitSequencer.seenByScript(hits);
      for (int i = 0; i < hits.size(); i++) {
        HitRow hit = hits.get(i);
        if (!hit.bot() && Property.LOG_ORIGIN.equals(hit.property(Property.ORIGIN_COLUMN))) {
          if (pairs.get(i)) {
            seen.add(hit);
          }
          logVisits.accept(hit);
        }
      }
    }

    private void count(SequencedVisit visit) {
      boolean anySeen = false;
      String browser = FilteredStats.valueOrNone(visit.valueOf("browser"));
      for (HitRow hit : visit.hits) {
        boolean hitSeen = seen.remove(hit);
        anySeen |= hitSeen;
        if (hit.isPageview() && period.contains(hit.day())) {
          total.pageview(hitSeen);
          days.get(hit.day()).pageview(hitSeen);
          group(pages, FilteredStats.valueOrNone(hit.property("page"))).pageview(hitSeen);
          group(browsers, browser).pageview(hitSeen);
        }
      }
      if (period.contains(visit.day)) {
        total.visit(anySeen);
        days.get(visit.day).visit(anySeen);
        group(browsers, browser).visit(anySeen);
      }
    }

    private Counts group(Map<String, Counts> groups, String value) {
      Counts counts = groups.get(value);
      if (counts == null) {
        counts = groups.computeIfAbsent(groups.size() < maxGroups - 1 ? value : FilteredStats.OTHER, v -> new Counts());
      }
      return counts;
    }

    private static Map<String, Share> shares(Map<String, Counts> groups) {
      Map<String, Share> shares = new LinkedHashMap<>();
      groups.entrySet().stream()
          .sorted((a, b) -> a.getValue().pageviews != b.getValue().pageviews
              ? Long.compare(b.getValue().pageviews, a.getValue().pageviews) : a.getKey().compareTo(b.getKey()))
          .forEach(entry -> shares.put(entry.getKey(), entry.getValue().share()));
      return shares;
    }
  }
}
