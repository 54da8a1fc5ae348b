package biz.vulcantracker.queue;

/**
 * Orders Redis stream entry ids ({@code <milliseconds>-<sequence>}) numerically, as Redis does (a
 * string comparison would put "9-0" after "10-0"), and the ids of the items of an entry that holds
 * several ({@link ChunkEntry}): {@code <milliseconds>-<sequence>.<index>}, after the entries before
 * theirs and before the entries after it, in their order within it: every check of an entity that
 * compares an item with a watermark or a mark (what a batch already counted) holds for items as for
 * entries, whichever parts a chunk's items travel in.
 */
public final class EntryId {

  private EntryId() {}

  /** The id of the item at {@code index} (from 0) of the entry {@code entryId}. */
  public static String item(String entryId, int index) {
    return entryId + '.' + index;
  }

  /** Negative, zero or positive as {@code a} is before, equal to or after {@code b}. */
  public static int compare(String a, String b) {
    int dashA = a.indexOf('-');
    int dashB = b.indexOf('-');
    int dotA = a.indexOf('.', dashA + 1);
    int dotB = b.indexOf('.', dashB + 1);
    int byMillis = Long.compareUnsigned(number(a, 0, dashA), number(b, 0, dashB));
    if (byMillis != 0) {
      return byMillis;
    }
    int bySequence = Long.compareUnsigned(number(a, dashA + 1, dotA < 0 ? a.length() : dotA),
        number(b, dashB + 1, dotB < 0 ? b.length() : dotB));
    if (bySequence != 0) {
      return bySequence;
    }
    // An entry's own id before its items (they are never compared with each other in practice).
    return Long.compare(dotA < 0 ? -1 : number(a, dotA + 1, a.length()), dotB < 0 ? -1 : number(b, dotB + 1, b.length()));
  }

  /** True when {@code id} is after {@code watermark}; every id is after a null watermark. */
  public static boolean isAfter(String id, String watermark) {
    return watermark == null || compare(id, watermark) > 0;
  }

  /** The unsigned decimal number in {@code text[from, to)}: ids are compared once per hit, without substrings. */
  private static long number(String text, int from, int to) {
    if (from >= to || to - from > 20) {
      throw new NumberFormatException("not a stream entry id: " + text);
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        throw new NumberFormatException("not a stream entry id: " + text);
      }
      value = value * 10 + digit; // unsigned 64-bit arithmetic: exact up to Redis's largest id part
    }
    return value;
  }
}
