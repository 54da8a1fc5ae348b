package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What a site entity writes after a batch: its days' totals, the breakdown rows and hours that
 * changed, the batch's hits for the filtered reports, and how many distinct hits each day the batch
 * touched now holds ({@link HitDaysTable}), and the ledger rows of the days it touched ({@link LedgerDaysTable}).
 */
public record Rollup(List<DailyTotals> totals, List<BreakdownRow> breakdowns, List<HourlyTotals> hours, List<HitRow> hits,
    Map<LocalDate, Long> hitDays, List<LedgerDay> ledger) {

  public Rollup(List<DailyTotals> totals, List<BreakdownRow> breakdowns, List<HourlyTotals> hours, List<HitRow> hits,
      Map<LocalDate, Long> hitDays) {
    this(totals, breakdowns, hours, hits, hitDays, List.of());
  }

  /** This rollup with the ledger rows of its batch. */
  public Rollup withLedger(List<LedgerDay> rows) {
    return new Rollup(totals, breakdowns, hours, hits, hitDays, rows);
  }
}
