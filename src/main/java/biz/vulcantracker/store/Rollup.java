package biz.vulcantracker.store;

import java.util.List;

/**
 * What a site entity writes after a batch: its days' totals, the breakdown rows and hours that
 * changed, and the batch's hits for the filtered reports.
 */
public record Rollup(List<DailyTotals> totals, List<BreakdownRow> breakdowns, List<HourlyTotals> hours, List<HitRow> hits) {}
