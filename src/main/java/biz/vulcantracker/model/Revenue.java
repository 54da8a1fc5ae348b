package biz.vulcantracker.model;

import java.math.BigDecimal;

/**
 * The revenue a custom event may carry ({@code vulcan('Purchase', {revenue: {amount: 19.99, currency:
 * 'EUR'}})}): kept among the event's properties under {@link ReservedProps#AMOUNT} and
 * {@link ReservedProps#CURRENCY}.
 */
public final class Revenue {

  /** Amounts from -10^12 to 10^12, at most 4 decimals: enough for any price, small enough to sum exactly. */
  public static final BigDecimal MAX_AMOUNT = BigDecimal.TEN.pow(12);
  public static final int MAX_SCALE = 4;

  private Revenue() {}

  /** The amount as kept, or null when it is not a decimal number within the bounds. */
  public static BigDecimal amountOf(String text) {
    if (text == null || text.isEmpty() || text.length() > 32) {
      return null;
    }
    try {
      BigDecimal amount = new BigDecimal(text);
      return amount.abs().compareTo(MAX_AMOUNT) <= 0 && amount.scale() <= MAX_SCALE ? amount : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An ISO 4217 code: three capital letters. */
  public static boolean isCurrency(String text) {
    return text != null && text.length() == 3 && text.chars().allMatch(c -> c >= 'A' && c <= 'Z');
  }
}
