package biz.vulcantracker.store;

import java.time.LocalDate;

/** One site's totals for one day of its time zone, as absolute values. */
public record DailyTotals(LocalDate day, long visitors, long pageviews, long events) {}
