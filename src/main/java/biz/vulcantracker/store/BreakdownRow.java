package biz.vulcantracker.store;

import java.time.LocalDate;

/**
 * One value of one property on one day of a site (site time zone), as absolute values. For
 * properties of a visit (source, entry page, browser, …) the visit counts go to the visit's value;
 * for properties of a hit (page, hostname, event, event properties) only visitors, pageviews and
 * events are counted.
 */
public record BreakdownRow(
    LocalDate day, String property, String value,
    long visitors, long visits, long pageviews, long events, long bounces, long durationMs) {}
