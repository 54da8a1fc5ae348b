package biz.vulcantracker.store;

import java.time.LocalDate;

/**
 * One site's totals for one day of its time zone, as absolute values. Visits count on the day they
 * started; {@code durationMs} sums the durations of the visits that were not bounces.
 */
public record DailyTotals(
    LocalDate day, long visitors, long visits, long pageviews, long events, long bounces, long durationMs, long bots) {}
