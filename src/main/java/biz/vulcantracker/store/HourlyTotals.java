package biz.vulcantracker.store;

import java.time.Instant;

/** One site's totals for one UTC hour (starting at {@code hour}), as absolute values. */
public record HourlyTotals(
    Instant hour, long visitors, long visits, long pageviews, long events, long bounces, long durationMs, long bots) {}
