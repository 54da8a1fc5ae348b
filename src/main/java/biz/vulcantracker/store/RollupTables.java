package biz.vulcantracker.store;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Writes a rollup to both rollup tables. */
public final class RollupTables implements RollupWriter {

  private final DailyTotalsTable totals;
  private final DailyBreakdownsTable breakdowns;

  public RollupTables(DailyTotalsTable totals, DailyBreakdownsTable breakdowns) {
    this.totals = totals;
    this.breakdowns = breakdowns;
  }

  @Override
  public CompletionStage<Done> write(String siteId, Rollup rollup) {
    return totals.write(siteId, rollup.totals())
        .thenCombine(breakdowns.write(siteId, rollup.breakdowns()), (a, b) -> Done.getInstance());
  }
}
