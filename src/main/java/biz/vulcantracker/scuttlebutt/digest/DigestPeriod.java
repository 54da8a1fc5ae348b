package biz.vulcantracker.scuttlebutt.digest;

import biz.vulcantracker.scuttlebutt.query.Period;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * The period a digest reports: the last whole week (Monday to Sunday) or month in the site's time
 * zone, the one before it (what it is compared with), and its key in the deliveries table
 * ({@code week:2026-W47}, {@code month:2026-11}).
 */
public record DigestPeriod(Frequency frequency, Period period, Period previous, String key) {

  /** How often a digest comes. */
  public enum Frequency {
    WEEKLY, MONTHLY;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The latest whole period of the frequency before {@code now}, in {@code zone}. */
  public static DigestPeriod latest(Frequency frequency, ZoneId zone, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    if (frequency == Frequency.WEEKLY) {
      LocalDate monday = today.with(DayOfWeek.MONDAY);
      Period week = new Period(monday.minusWeeks(1), monday.minusDays(1));
      Period before = new Period(monday.minusWeeks(2), monday.minusWeeks(1).minusDays(1));
      String key = String.format(Locale.ROOT, "week:%d-W%02d", week.from().get(IsoFields.WEEK_BASED_YEAR),
          week.from().get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      return new DigestPeriod(frequency, week, before, key);
    }
    LocalDate first = today.withDayOfMonth(1);
    Period month = new Period(first.minusMonths(1), first.minusDays(1));
    Period before = new Period(first.minusMonths(2), first.minusMonths(1).minusDays(1));
    return new DigestPeriod(frequency, month, before, "month:" + month.from().format(DateTimeFormatter.ofPattern("yyyy-MM")));
  }

  /** How the period reads in a subject line: "week of 16 Nov 2026" or "November 2026". */
  public String label() {
    return frequency == Frequency.WEEKLY
        ? "week of " + period.from().format(DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH))
        : period.from().format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH));
  }
}
