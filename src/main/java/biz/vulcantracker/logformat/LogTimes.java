package biz.vulcantracker.logformat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The three timestamp forms of access logs, read by hand from the line's bytes: {@code $time_local}
 * ({@code 27/Nov/2026:10:15:32 +0530}), {@code $time_iso8601} ({@code 2026-11-27T10:15:32+05:30})
 * and {@code $msec} ({@code 1795766132.123}). By hand because {@code DateTimeFormatter} costs
 * about a microsecond and several objects per line, most of the parser's budget.
 */
final class LogTimes {

  private static final long MS_PER_DAY = 86_400_000L;

  private LogTimes() {}

  /** {@code dd/Mon/yyyy:HH:mm:ss ±hhmm}, or -1. */
  static long timeLocal(byte[] b, int from, int to) {
    if (to - from != 26 || b[from + 2] != '/' || b[from + 6] != '/' || b[from + 11] != ':'
        || b[from + 14] != ':' || b[from + 17] != ':' || b[from + 20] != ' ') {
      return -1;
    }
    int month = month(b[from + 3], b[from + 4], b[from + 5]);
    int sign = b[from + 21] == '+' ? 1 : b[from + 21] == '-' ? -1 : 0;
    int offsetHours = digits(b, from + 22, 2);
    int offsetMinutes = digits(b, from + 24, 2);
    if (month < 0 || sign == 0 || offsetHours < 0 || offsetMinutes < 0) {
      return -1;
    }
    return epochMillis(digits(b, from + 7, 4), month, digits(b, from, 2), digits(b, from + 12, 2),
        digits(b, from + 15, 2), digits(b, from + 18, 2), 0, sign * (offsetHours * 60 + offsetMinutes));
  }

  /** {@code yyyy-MM-ddTHH:mm:ss±hh:mm} fast; other ISO-8601 offsets forms (Z, fractions) the slow way; or -1. */
  static long timeIso8601(byte[] b, int from, int to) {
    if (to - from == 25 && b[from + 4] == '-' && b[from + 7] == '-' && b[from + 10] == 'T'
        && b[from + 13] == ':' && b[from + 16] == ':' && b[from + 22] == ':') {
      int sign = b[from + 19] == '+' ? 1 : b[from + 19] == '-' ? -1 : 0;
      int offsetHours = digits(b, from + 20, 2);
      int offsetMinutes = digits(b, from + 23, 2);
      if (sign != 0 && offsetHours >= 0 && offsetMinutes >= 0) {
        return epochMillis(digits(b, from, 4), digits(b, from + 5, 2), digits(b, from + 8, 2),
            digits(b, from + 11, 2), digits(b, from + 14, 2), digits(b, from + 17, 2), 0,
            sign * (offsetHours * 60 + offsetMinutes));
      }
    }
    try {
      return OffsetDateTime.parse(new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII))
          .toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  /** {@code seconds.millis} since the epoch, or -1. */
  static long msec(byte[] b, int from, int to) {
    int dot = to - 4;
    if (dot <= from || b[dot] != '.') {
      return -1;
    }
    long seconds = 0;
    for (int i = from; i < dot; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9 || dot - from > 12) {
        return -1;
      }
      seconds = seconds * 10 + digit;
    }
    int millis = digits(b, dot + 1, 3);
    return millis < 0 ? -1 : seconds * 1000 + millis;
  }

  /** The value of {@code count} ASCII digits, or -1. */
  static int digits(byte[] b, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static int month(byte a, byte b, byte c) {
    return switch ((a << 16) | (b << 8) | c) {
      case ('J' << 16) | ('a' << 8) | 'n' -> 1;
      case ('F' << 16) | ('e' << 8) | 'b' -> 2;
      case ('M' << 16) | ('a' << 8) | 'r' -> 3;
      case ('A' << 16) | ('p' << 8) | 'r' -> 4;
      case ('M' << 16) | ('a' << 8) | 'y' -> 5;
      case ('J' << 16) | ('u' << 8) | 'n' -> 6;
      case ('J' << 16) | ('u' << 8) | 'l' -> 7;
      case ('A' << 16) | ('u' << 8) | 'g' -> 8;
      case ('S' << 16) | ('e' << 8) | 'p' -> 9;
      case ('O' << 16) | ('c' << 8) | 't' -> 10;
      case ('N' << 16) | ('o' << 8) | 'v' -> 11;
      case ('D' << 16) | ('e' << 8) | 'c' -> 12;
      default -> -1;
    };
  }

  /** Epoch milliseconds of a local date-time at an offset (minutes east of UTC), or -1 if a part is invalid. */
  static long epochMillis(int year, int month, int day, int hour, int minute, int second, int millis, int offsetMinutes) {
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 60) {
      return -1;
    }
    // Days from civil (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
    int y = month <= 2 ? year - 1 : year;
    int era = y / 400;
    int yearOfEra = y - era * 400;
    int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    long epochDay = era * 146_097L + dayOfEra - 719_468L;
    return epochDay * MS_PER_DAY + ((hour * 60L + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  }
}
