package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What a site entity writes after a batch: its days' totals, the breakdown rows and hours that
 * changed, the batch's hits for the filtered reports, and how many distinct hits each day the batch
 * touched now holds ({@link HitDaysTable}).
 */
public record Rollup(List<DailyTotals> totals, List<BreakdownRow> breakdowns, List<HourlyTotals> hours, List<HitRow> hits,
    Map<LocalDate, Long> hitDays) {}
