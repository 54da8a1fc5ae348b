package biz.vulcantracker.scuttlebutt.digest;

import biz.vulcantracker.scuttlebutt.query.ComparedStats;
import biz.vulcantracker.scuttlebutt.query.Comparison;
import biz.vulcantracker.scuttlebutt.query.Filters;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import biz.vulcantracker.store.Site;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a digest tells: the period's visitors, pageviews, bounce rate and visit duration against the
 * period before, its top pages and sources, and its goals' conversions — read with the stats API's
 * own queries, so a digest and the dashboard never disagree.
 */
public record DigestReport(Site site, DigestPeriod period, Map<String, ComparedStats.Compared> totals, List<StatsQueries.Row> pages,
    List<StatsQueries.Row> sources, List<StatsQueries.Row> goals) {

  static final List<String> TOTALS = List.of("visitors", "pageviews", "bounce_rate", "visit_duration");
  static final int TOP = 5;

  public static CompletionStage<DigestReport> of(StatsQueries queries, ReportDefinitions definitions, Site site, DigestPeriod period) {
    Comparison before = new Comparison("previous_period", period.previous());
    CompletionStage<Map<String, ComparedStats.Compared>> totals = new ComparedStats(queries)
        .aggregate(site, period.period(), before, Filters.NONE, TOTALS);
    CompletionStage<List<StatsQueries.Row>> pages = queries.breakdown(site, period.period(), Filters.NONE, "page",
        List.of("visitors", "pageviews"), TOP, 1);
    CompletionStage<List<StatsQueries.Row>> sources = queries.breakdown(site, period.period(), Filters.NONE, "source",
        List.of("visitors"), TOP, 1);
    CompletionStage<List<StatsQueries.Row>> goals = definitions.goals(site.id()).thenCompose(defined -> defined.isEmpty()
        ? CompletableFuture.completedFuture(List.<StatsQueries.Row>of())
        : queries.breakdown(site, period.period(), Filters.NONE, Filters.GOAL, List.of("visitors", "events", "conversion_rate"), 10, 1));
    return totals.thenCompose(t -> pages.thenCompose(p -> sources.thenCompose(s -> goals.thenApply(g ->
        new DigestReport(site, period, t, p, s, g)))));
  }
}
