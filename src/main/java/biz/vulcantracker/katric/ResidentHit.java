package biz.vulcantracker.katric;

import biz.vulcantracker.model.HitOrder;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.HitProperties;
import biz.vulcantracker.store.HitRow;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A hit as a site's resident model holds it (a {@link HitRow} in about a tenth of the memory): its
 * key as a 64-bit digest, its strings and its visit values shared with every other hit of its
 * model that has the same ones ({@link SharedValues}). A site holds a few days of hits this way, so
 * the bytes per hit are the model's size.
 */
final class ResidentHit {

  enum Kind { PAGEVIEW, EVENT, OTHER, BOT }

  /** The properties whose value a visit takes from its first hit and has rollup rows of (all but page, hostname and the stored-only). */
  static final List<String> VISIT_COLUMNS =
      Property.HIT_COLUMNS.stream().filter(Property.VISIT_KEYS::contains).toList();
  /** Where the page, the hostname and each of {@link #VISIT_COLUMNS} stand in {@link HitProperties#COLUMNS}. */
  private static final int PAGE_PLACE = HitProperties.placeOf("page");
  private static final int HOSTNAME_PLACE = HitProperties.placeOf("hostname");
  private static final int[] VISIT_COLUMN_PLACES = VISIT_COLUMNS.stream().mapToInt(HitProperties::placeOf).toArray();
  /** Where {@link Property#ORIGIN_COLUMN} stands in {@link #VISIT_COLUMNS}. */
  private static final int ORIGIN_INDEX = VISIT_COLUMNS.indexOf(Property.ORIGIN_COLUMN);

  /** The {@link SharedValues} slot of each value a hit holds. */
  private static final int DAY_SLOT = 0;
  private static final int EVENT_SLOT = 1;
  private static final int PAGE_SLOT = 2;
  private static final int HOSTNAME_SLOT = 3;
  private static final int VISIT_SLOT = 4;
  private static final int FIRST_COLUMN_SLOT = 5;

  static {
    if (FIRST_COLUMN_SLOT + VISIT_COLUMNS.size() > SharedValues.SLOTS) {
      throw new IllegalStateException("more visit columns than SharedValues has slots");
    }
  }

  final long timestamp;
  /**
   * The first 64 bits of the SHA-256 of the hit key: a day of a million hits has two with the same
   * digest with a chance of about 3 in 100 million, and no one can aim a key at another's without
   * breaking SHA-256.
   */
  final long key;
  final long visitorId;
  /** The visitor's id under the previous UTC day's salt, or 0 when the hit named none. */
  final long previousVisitorId;
  final LocalDate day;
  final Kind kind;
  /** A custom event's name, else null. */
  final String event;
  final String page;
  final String hostname;
  final VisitValues visit;
  /** A custom event's properties, or null. */
  final Map<String, String> props;

  private ResidentHit(HitRow row, SharedValues shared) {
    this.timestamp = row.timestamp();
    this.key = digest(row.hitKey());
    this.visitorId = row.visitorId();
    this.previousVisitorId = row.previousVisitorId() == null ? 0 : row.previousVisitorId();
    this.day = shared.shared(DAY_SLOT, row.day());
    this.kind = row.bot() ? Kind.BOT : row.isPageview() ? Kind.PAGEVIEW : row.isCustomEvent() ? Kind.EVENT : Kind.OTHER;
    this.event = kind == Kind.EVENT ? shared.shared(EVENT_SLOT, row.eventName()) : null;
    this.page = shared.shared(PAGE_SLOT, valueAt(row, PAGE_PLACE));
    this.hostname = shared.shared(HOSTNAME_SLOT, valueAt(row, HOSTNAME_PLACE));
    String[] values = new String[VISIT_COLUMNS.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = shared.shared(FIRST_COLUMN_SLOT + i, valueAt(row, VISIT_COLUMN_PLACES[i]));
    }
    this.visit = shared.shared(VISIT_SLOT, new VisitValues(values));
    this.props = kind == Kind.EVENT && row.props() != null && !row.props().isEmpty() ? row.props() : null;
  }

  /** The row's value of the column at {@code place} of {@link HitProperties#COLUMNS}: by place when it holds them so. */
  private static String valueAt(HitRow row, int place) {
    return row.properties() instanceof HitProperties columns ? columns.at(place) : row.property(HitProperties.COLUMNS.get(place));
  }

  /** The row as held, its values shared with the model's other hits through {@code shared}. */
  static ResidentHit of(HitRow row, SharedValues shared) {
    return new ResidentHit(row, shared);
  }

  /** The first 64 bits of the SHA-256 of {@code text}: the hit key's is the hit's {@link #key} and its tie-breaker ({@link HitOrder}). */
  static long digest(String text) {
    return HitOrder.tieKey(text);
  }

  /** True for a hit of an access log (its origin), false for one of the script. */
  boolean isFromLog() {
    return visit.fromLog;
  }

  boolean counts() {
    return kind == Kind.PAGEVIEW || kind == Kind.EVENT;
  }

  /** {@link HitOrder}: the order the filtered reports' scans sequence the same hits in. */
  static int compare(ResidentHit a, ResidentHit b) {
    return HitOrder.compare(a.timestamp, a.key, b.timestamp, b.key);
  }

  /** A hit's values of {@link #VISIT_COLUMNS}, in that order; one instance per distinct set. */
  static final class VisitValues {
    private final String[] values;
    private final int hash;
    /**
     * The origin is a log: asked of every hit of a chain twice per change, so held as a field of this
     * shared (and so cached) instance rather than read through its array and compared each time.
     */
    final boolean fromLog;

    VisitValues(String[] values) {
      this.values = values;
      this.hash = Arrays.hashCode(values);
      this.fromLog = Property.LOG_ORIGIN.equals(values[ORIGIN_INDEX]);
    }

    /** The value of {@link #VISIT_COLUMNS}' column {@code index}. */
    String valueAt(int index) {
      return values[index];
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof VisitValues that && hash == that.hash && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
