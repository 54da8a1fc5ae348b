package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A report's date range in the site's time zone, from docs/api.md's {@code period}, {@code date},
 * {@code from} and {@code to}: {@code day} is {@code date} (default today); {@code 7d} and
 * {@code 30d} end with {@code date}; {@code month} is the calendar month of {@code date};
 * {@code 6mo} and {@code 12mo} are that many calendar months ending with it; {@code custom} is
 * {@code from}..{@code to}, both inclusive.
 */
public record Period(LocalDate from, LocalDate to) {

  static final int MAX_CUSTOM_DAYS = 3660;

  long days() {
    return to.toEpochDay() - from.toEpochDay() + 1;
  }

  boolean contains(LocalDate day) {
    return !day.isBefore(from) && !day.isAfter(to);
  }

  public static Period parse(Map<String, String> params, ZoneId zone) {
    String period = params.getOrDefault("period", "day");
    LocalDate date = params.containsKey("date") ? date(params.get("date"), "date") : LocalDate.now(zone);
    return switch (period) {
      case "day" -> new Period(date, date);
      case "7d" -> new Period(date.minusDays(6), date);
      case "30d" -> new Period(date.minusDays(29), date);
      case "month" -> new Period(date.withDayOfMonth(1), date.withDayOfMonth(date.lengthOfMonth()));
      case "6mo" -> months(date, 6);
      case "12mo" -> months(date, 12);
      case "custom" -> custom(params, "from", "to");
      default -> throw new ApiError(StatusCodes.BAD_REQUEST, "bad_period",
          "period must be one of day, 7d, 30d, month, 6mo, 12mo, custom");
    };
  }

  private static Period months(LocalDate date, int count) {
    LocalDate end = date.withDayOfMonth(date.lengthOfMonth());
    return new Period(date.withDayOfMonth(1).minusMonths(count - 1L), end);
  }

  /** The inclusive range of the parameters {@code fromName} and {@code toName}. */
  static Period custom(Map<String, String> params, String fromName, String toName) {
    if (!params.containsKey(fromName) || !params.containsKey(toName)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_period", "a custom period needs " + fromName + " and " + toName);
    }
    LocalDate from = date(params.get(fromName), fromName);
    LocalDate to = date(params.get(toName), toName);
    if (to.isBefore(from)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_period", toName + " is before " + fromName);
    }
    if (from.plusDays(MAX_CUSTOM_DAYS).isBefore(to)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_period", "a custom period is at most " + MAX_CUSTOM_DAYS + " days");
    }
    return new Period(from, to);
  }

  private static LocalDate date(String text, String name) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_date", name + " must be a date like 2026-11-27");
    }
  }
}
