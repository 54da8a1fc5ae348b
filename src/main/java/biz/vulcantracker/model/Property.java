package biz.vulcantracker.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The properties a report can break hits down by and filter on (docs/api.md, "Reports"), in the
 * order the API lists them. The one list: the hits table's columns, a visit's breakdowns, the
 * stats API's accepted keys and the export's files all derive from it. A key is stored under its
 * {@linkplain #columnOf column}, the same name but for one renamed key.
 */
public enum Property {
  PAGE("page", Level.HIT),
  ENTRY_PAGE("entry_page", Level.VISIT_ONLY),
  EXIT_PAGE("exit_page", Level.VISIT_ONLY),
  HOSTNAME("hostname", Level.HIT),
  SOURCE("source", Level.VISIT),
  REFERRER("referrer", Level.VISIT),
  UTM_SOURCE("utm_source", Level.VISIT),
  UTM_MEDIUM("utm_medium", Level.VISIT),
  UTM_CAMPAIGN("utm_campaign", Level.VISIT),
  /** A campaign's keyword and its ad or link: stored with every hit, counted from the hits. */
  UTM_TERM("utm_term", Level.STORED),
  UTM_CONTENT("utm_content", Level.STORED),
  COUNTRY("country", Level.VISIT),
  REGION("region", Level.VISIT),
  CITY("city", Level.VISIT),
  BROWSER("browser", Level.VISIT),
  /** The browser and its major version ("Chrome 131"): stored with every hit, counted from the hits. */
  BROWSER_VERSION("browser_version", Level.STORED),
  OS("os", Level.VISIT),
  /** The operating system and its major version ("Android 14"): stored with every hit, counted from the hits. */
  OS_VERSION("os_version", Level.STORED),
  DEVICE("device", Level.VISIT),
  SCREEN("screen", Level.VISIT),
  EVENT("event", Level.EVENT_NAME),
  /**
   * Where the hit came in: {@code beacon} (the tracking script) or {@code log} (an access log).
   * Stored under its first name, {@code channel}, which the acquisition channel has taken in reports.
   */
  ORIGIN("origin", Property.ORIGIN_COLUMN, Level.VISIT),
  /** The acquisition channel (Organic Search, Email, …): derived from a visit's source and UTM tags when a report runs. */
  CHANNEL("channel", null, Level.DERIVED);

  /** Where a property's value comes from, which decides what it can be counted with. */
  private enum Level {
    /** Each hit has its own value (a visit has several pages): only visitors, pageviews, events. */
    HIT,
    /** Every hit carries it, and a visit's value is its first hit's. */
    VISIT,
    /**
     * Every hit carries it and a visit's value is its first hit's, but it has no rollup rows: the
     * reports count it from the hits (a drill-down asked for far less often than it would cost
     * every batch to roll up).
     */
    STORED,
    /** Known only for a whole visit (its first and last pageview). */
    VISIT_ONLY,
    /** The hit's event name itself. */
    EVENT_NAME,
    /** A visit's, computed from its stored properties when a report runs: no column, no rollup. */
    DERIVED
  }

  /** The {@link #ORIGIN} of a hit of the tracking script, and of an access log's line. */
  public static final String BEACON_ORIGIN = "beacon";
  public static final String LOG_ORIGIN = "log";
  /** The column hits store their {@link #ORIGIN} under. */
  public static final String ORIGIN_COLUMN = "channel";

  /** The prefix of a custom event property's key: {@code event:props:<name>}. */
  public static final String EVENT_PROPS_PREFIX = "event:props:";

  /** Every key, in the API's order. */
  public static final List<String> KEYS = keys(Arrays.stream(values()).toList());
  /** The columns whose value every hit carries: the hits table's properties. */
  public static final List<String> HIT_COLUMNS =
      columns(Arrays.stream(values()).filter(p -> p.level == Level.HIT || p.level == Level.VISIT || p.level == Level.STORED).toList());
  /** The columns that have one value per visit: what the rollups break a visit down by. */
  public static final List<String> VISIT_KEYS =
      columns(Arrays.stream(values()).filter(p -> p.level == Level.VISIT || p.level == Level.VISIT_ONLY).toList());
  /** The keys of single hits rather than visits: only visitors, pageviews and events are counted for them. */
  public static final Set<String> HIT_LEVEL_KEYS = Arrays.stream(values())
      .filter(p -> p.level == Level.HIT || p.level == Level.EVENT_NAME)
      .map(Property::key).collect(Collectors.toUnmodifiableSet());

  // Looked up for every visit a report scans.
  private static final Map<String, Property> BY_KEY =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Property::key, p -> p));

  private final String key;
  private final String column;
  private final Level level;

  Property(String key, Level level) {
    this(key, key, level);
  }

  Property(String key, String column, Level level) {
    this.key = key;
    this.column = column;
    this.level = level;
  }

  public String key() {
    return key;
  }

  public static Optional<Property> of(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /**
   * The name a report key's values are stored under (in the hits table and the rollups): the key
   * itself but for {@code origin}; null for a derived key. Other keys (event properties) are their own.
   */
  public static String columnOf(String key) {
    return of(key).map(p -> p.column).orElse(key);
  }

  /**
   * Whether a key has rollup rows: every one but the derived and the {@linkplain Level#STORED
   * stored-only} keys; a custom event property's key has them for a day's sample of keys.
   */
  public static boolean hasRollup(String key) {
    return of(key).map(p -> p.level != Level.DERIVED && p.level != Level.STORED).orElse(key.startsWith(EVENT_PROPS_PREFIX));
  }

  /** A key of a custom event property ({@code event:props:<name>}, the name not empty and not one of {@link ReservedProps}'). */
  public static boolean isEventProp(String key) {
    return key.startsWith(EVENT_PROPS_PREFIX) && key.length() > EVENT_PROPS_PREFIX.length()
        && !ReservedProps.isReserved(eventPropName(key));
  }

  /** The name of a custom event property's key. */
  public static String eventPropName(String key) {
    return key.substring(EVENT_PROPS_PREFIX.length());
  }

  /** Counted per hit: a property of single hits, or a custom event property. */
  public static boolean isHitLevel(String key) {
    return HIT_LEVEL_KEYS.contains(key) || key.startsWith(EVENT_PROPS_PREFIX);
  }

  private static List<String> keys(List<Property> properties) {
    return properties.stream().map(Property::key).toList();
  }

  private static List<String> columns(List<Property> properties) {
    return properties.stream().map(p -> p.column).toList();
  }
}
