package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Writes a rollup to the rollup tables, its hits to the hits table and its ledger rows, all
 * concurrently, and the days' hit counts after the hits and the breakdown rows: a count never names
 * hits or rows the tables do not have yet, which is what lets the reports keep visit segments and
 * breakdown rows while the counts stay the same.
 */
public final class RollupTables implements RollupWriter {

  private final DailyTotalsTable totals;
  private final DailyBreakdownsTable breakdowns;
  private final HourlyTotalsTable hours;
  private final HitsTable hits;
  private final HitDaysTable hitDays;
  private final LedgerDaysTable ledger;

  public RollupTables(DailyTotalsTable totals, DailyBreakdownsTable breakdowns, HourlyTotalsTable hours, HitsTable hits,
      HitDaysTable hitDays, LedgerDaysTable ledger) {
    this.ledger = ledger;
    this.totals = totals;
    this.breakdowns = breakdowns;
    this.hours = hours;
    this.hits = hits;
    this.hitDays = hitDays;
  }

  @Override
  public CompletionStage<Map<LocalDate, LedgerDay>> ledgerDays(String siteId, List<LocalDate> days) {
    return ledger.read(siteId, days);
  }

  @Override
  public CompletionStage<Done> write(String siteId, Rollup rollup) {
    // The counts after the hits and the breakdown rows, the two the reports keep while the counts stay.
    CompletionStage<Done> versioned = hits.write(siteId, rollup.hits())
        .thenCombine(breakdowns.write(siteId, rollup.breakdowns()), (a, b) -> Done.getInstance())
        .thenCompose(done -> hitDays.write(siteId, rollup.hitDays()));
    return totals.write(siteId, rollup.totals())
        .thenCombine(hours.write(siteId, rollup.hours()), (a, b) -> Done.getInstance())
        .thenCombine(ledger.write(siteId, rollup.ledger()), (a, b) -> Done.getInstance())
        .thenCombine(versioned, (a, b) -> Done.getInstance());
  }

}
