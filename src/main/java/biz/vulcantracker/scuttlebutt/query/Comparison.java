package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.common.ApiError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The {@code compare} parameter of docs/api.md: the earlier period a report's values are set
 * against, and how a value's change is expressed.
 *
 * <ul>
 *   <li>{@code previous_period}: as many days, ending the day before the period starts.
 *   <li>{@code year_over_year}: the same dates a year earlier; February 29 becomes February 28, so a
 *       period across a leap day is compared with one a day shorter.
 *   <li>{@code custom}: {@code compare_from}..{@code compare_to}, inclusive.
 * </ul>
 *
 * A timeseries pairs buckets by position (the first day with the first day), so periods of unequal
 * length leave the later buckets of the longer one without a partner.
 */
public record Comparison(String mode, Period period) {

  /** The comparison the parameters ask for, if any. */
  public static Optional<Comparison> parse(Map<String, String> params, Period period) {
    String mode = params.get("compare");
    if (mode == null || mode.isEmpty()) {
      return Optional.empty();
    }
    Period earlier = switch (mode) {
      case "previous_period" -> new Period(period.from().minusDays(period.days()), period.from().minusDays(1));
      case "year_over_year" -> new Period(period.from().minusYears(1), period.to().minusYears(1));
      case "custom" -> Period.custom(params, "compare_from", "compare_to");
      default -> throw new ApiError(StatusCodes.BAD_REQUEST, "bad_compare", "compare is previous_period, year_over_year or custom");
    };
    return Optional.of(new Comparison(mode, earlier));
  }

  /**
   * The change from {@code earlier} to {@code value}: for a rate ({@code bounce_rate},
   * {@code conversion_rate}) the difference in percentage points, else the relative change in
   * percent, one decimal; from 0 to anything above it is 100, from 0 to 0 is 0 (Plausible's rule).
   */
  public static BigDecimal change(String metric, Number value, Number earlier) {
    BigDecimal now = new BigDecimal(value.toString());
    BigDecimal before = new BigDecimal(earlier.toString());
    if (Metrics.isRate(metric)) {
      return now.subtract(before).setScale(1, RoundingMode.HALF_UP);
    }
    if (before.signum() == 0) {
      return BigDecimal.valueOf(now.signum() == 0 ? 0 : 100).setScale(1, RoundingMode.UNNECESSARY);
    }
    return now.subtract(before).multiply(BigDecimal.valueOf(100)).divide(before, 1, RoundingMode.HALF_UP);
  }
}
