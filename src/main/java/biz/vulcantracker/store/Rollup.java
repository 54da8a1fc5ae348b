package biz.vulcantracker.store;

import java.util.List;

/**
 * What a site entity writes after a batch: its days' totals, and the breakdown rows and hours that
 * changed.
 */
public record Rollup(List<DailyTotals> totals, List<BreakdownRow> breakdowns, List<HourlyTotals> hours) {}
