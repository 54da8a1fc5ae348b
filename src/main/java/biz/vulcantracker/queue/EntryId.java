package biz.vulcantracker.queue;

/**
 * Orders Redis stream entry ids ({@code <milliseconds>-<sequence>}) numerically, as Redis does;
 * a string comparison would put "9-0" after "10-0".
 */
public final class EntryId {

  private EntryId() {}

  /** Negative, zero or positive as {@code a} is before, equal to or after {@code b}. */
  public static int compare(String a, String b) {
    int dashA = a.indexOf('-');
    int dashB = b.indexOf('-');
    int byMillis = Long.compareUnsigned(Long.parseUnsignedLong(a.substring(0, dashA)), Long.parseUnsignedLong(b.substring(0, dashB)));
    if (byMillis != 0) {
      return byMillis;
    }
    return Long.compareUnsigned(Long.parseUnsignedLong(a.substring(dashA + 1)), Long.parseUnsignedLong(b.substring(dashB + 1)));
  }

  /** True when {@code id} is after {@code watermark}; every id is after a null watermark. */
  public static boolean isAfter(String id, String watermark) {
    return watermark == null || compare(id, watermark) > 0;
  }
}
