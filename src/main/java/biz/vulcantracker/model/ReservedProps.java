package biz.vulcantracker.model;

/**
 * Property names of ours among a hit's properties: what the beacon carries besides the sender's own
 * properties — an event's revenue ({@link Revenue}), an engagement hit's scroll depth. They start with
 * {@value #PREFIX}, which a sender's own property names may not, and no property breakdown shows them.
 */
public final class ReservedProps {

  public static final String PREFIX = "$";
  /** An event's revenue: the amount (a decimal number) and its currency (ISO 4217). */
  public static final String AMOUNT = "$amount";
  public static final String CURRENCY = "$currency";
  /** An engagement hit's deepest scroll on its page so far, in percent of the page's height (0–100). */
  public static final String SCROLL_DEPTH = "$scroll_depth";

  private ReservedProps() {}

  public static boolean isReserved(String propName) {
    return propName.startsWith(PREFIX);
  }
}
