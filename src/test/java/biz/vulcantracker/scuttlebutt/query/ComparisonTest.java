package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComparisonTest {

  @ParameterizedTest(name = "{0} of {1}..{2} → {3}..{4}")
  @CsvSource({
      "previous_period, 2026-11-27, 2026-11-27, 2026-11-26, 2026-11-26",
      "previous_period, 2026-11-01, 2026-11-30, 2026-10-02, 2026-10-31",
      "previous_period, 2028-03-01, 2028-03-07, 2028-02-23, 2028-02-29",
      // A year before a leap day is February 28: the earlier period is a day shorter.
      "year_over_year,  2028-02-28, 2028-03-01, 2027-02-28, 2027-03-01",
      "year_over_year,  2028-02-29, 2028-02-29, 2027-02-28, 2027-02-28",
      "year_over_year,  2029-02-28, 2029-03-01, 2028-02-28, 2028-03-01"})
  void theEarlierPeriod(String mode, LocalDate from, LocalDate to, LocalDate earlierFrom, LocalDate earlierTo) {
    Comparison comparison = Comparison.parse(Map.of("compare", mode), new Period(from, to)).orElseThrow();
    assertThat(comparison.period()).isEqualTo(new Period(earlierFrom, earlierTo));
  }

  @Test
  void aCustomComparisonTakesItsOwnDates() {
    Period period = new Period(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30));
    assertThat(Comparison.parse(Map.of("compare", "custom", "compare_from", "2025-01-01", "compare_to", "2025-01-10"), period)
        .orElseThrow().period()).isEqualTo(new Period(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 10)));
    assertThat(Comparison.parse(Map.of(), period)).isEmpty();
    assertThatThrownBy(() -> Comparison.parse(Map.of("compare", "custom", "compare_from", "2025-01-01"), period))
        .isInstanceOf(ApiError.class).hasMessageContaining("compare_to");
    assertThatThrownBy(() -> Comparison.parse(Map.of("compare", "last_decade"), period))
        .isInstanceOf(ApiError.class).hasMessageContaining("previous_period");
  }

  @ParameterizedTest(name = "{0}: {1} against {2} → {3}")
  @CsvSource({
      "visitors,        12,   10,   20.0",
      "visitors,        4,    3,    33.3",
      "visitors,        5,    10,   -50.0",
      "visitors,        7,    0,    100.0",
      "visitors,        0,    0,    0.0",
      "views_per_visit, 1.50, 1.20, 25.0",
      // Rates change in percentage points.
      "bounce_rate,     25,   75,   -50.0",
      "conversion_rate, 12.5, 10.0, 2.5"})
  void theChange(String metric, BigDecimal value, BigDecimal earlier, BigDecimal change) {
    assertThat(Comparison.change(metric, value, earlier)).isEqualTo(change);
  }
}
