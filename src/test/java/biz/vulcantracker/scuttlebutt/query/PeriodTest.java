package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeriodTest {

  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

  @ParameterizedTest(name = "{0} of {1} (from={2}, to={3}) → {4}..{5}")
  @CsvSource(nullValues = "-", value = {
      "day,    2026-11-27, -,          -,          2026-11-27, 2026-11-27",
      "7d,     2026-11-27, -,          -,          2026-11-21, 2026-11-27",
      "30d,    2026-11-27, -,          -,          2026-10-29, 2026-11-27",
      "month,  2026-02-10, -,          -,          2026-02-01, 2026-02-28",
      "6mo,    2026-11-27, -,          -,          2026-06-01, 2026-11-30",
      "12mo,   2026-11-27, -,          -,          2025-12-01, 2026-11-30",
      "custom, -,          2026-01-01, 2026-01-31, 2026-01-01, 2026-01-31"})
  void coversTheDaysOfApiMd(String period, String date, String from, String to, LocalDate first, LocalDate last) {
    assertThat(Period.parse(params(period, date, from, to), ZONE)).isEqualTo(new Period(first, last));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "-", value = {
      "unknown period,      week,   -,          -,          -,          bad_period",
      "bad date,            day,    27.11.2026, -,          -,          bad_date",
      "custom without to,   custom, -,          2026-01-01, -,          bad_period",
      "custom backwards,    custom, -,          2026-02-01, 2026-01-01, bad_period"})
  void rejectsWhatItCannotRead(String name, String period, String date, String from, String to, String error) {
    assertThatThrownBy(() -> Period.parse(params(period, date, from, to), ZONE))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(error));
  }

  /** The query parameters of a request, leaving out those given as null. */
  private static Map<String, String> params(String period, String date, String from, String to) {
    Map<String, String> params = new HashMap<>();
    params.put("period", period);
    if (date != null) params.put("date", date);
    if (from != null) params.put("from", from);
    if (to != null) params.put("to", to);
    return params;
  }
}
