package biz.vulcantracker.store;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Writes a rollup to the rollup tables. */
public final class RollupTables implements RollupWriter {

  private final DailyTotalsTable totals;
  private final DailyBreakdownsTable breakdowns;
  private final HourlyTotalsTable hours;

  public RollupTables(DailyTotalsTable totals, DailyBreakdownsTable breakdowns, HourlyTotalsTable hours) {
    this.totals = totals;
    this.breakdowns = breakdowns;
    this.hours = hours;
  }

  @Override
  public CompletionStage<Done> write(String siteId, Rollup rollup) {
    return totals.write(siteId, rollup.totals())
        .thenCombine(breakdowns.write(siteId, rollup.breakdowns()), (a, b) -> Done.getInstance())
        .thenCombine(hours.write(siteId, rollup.hours()), (a, b) -> Done.getInstance());
  }
}
