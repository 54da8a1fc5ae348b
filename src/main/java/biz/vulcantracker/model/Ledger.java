package biz.vulcantracker.model;

import java.util.regex.Pattern;

/**
 * The count ledger's lines (docs/api.md, "The ledger"): per site and day, what became of every hit
 * that reached Vulcan. The edge names what it refused or skipped; the site entity counts what
 * arrived through the queue, by the kind of id that makes a hit the same hit again, and what the
 * hits table holds of it. A day's duplicates are its arrivals less the distinct hits kept, so they
 * are exact whatever was redelivered or retried: arrivals are counted once per queue entry (the
 * entity's journal), the distinct hits are a function of the hits table.
 */
public final class Ledger {

  /** The kinds of hit id: a hit that arrives again under the same one is a duplicate. */
  public enum IdKind {
    /** A beacon's own UUIDv7 (a retried request, a replayed spool). */
    HIT_ID("hit_id"),
    /** The id the tracking script gives an event it may send twice. */
    CLIENT_EVENT_ID("client_event_id"),
    /** A log line's content and position (a file sent again). */
    LOG_LINE("log_line");

    private final String key;

    IdKind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** The kind of a stored hit's key ({@code i:} a client event id, {@code log-} a log line's id). */
    public static IdKind ofHitKey(String hitKey) {
      if (hitKey.startsWith("i:")) {
        return CLIENT_EVENT_ID;
      }
      return hitKey.startsWith("log-") ? LOG_LINE : HIT_ID;
    }
  }

  /** Entries of hits of this kind the site entity took from the queue. */
  public static String arrived(IdKind kind) {
    return ARRIVED[kind.ordinal()];
  }

  /** Distinct hits of this kind the hits table holds. */
  public static String stored(IdKind kind) {
    return STORED[kind.ordinal()];
  }

  /** The keys made once: a site entity names one for every hit it counts. */
  private static final String[] ARRIVED = keys("arrived:");
  private static final String[] STORED = keys("stored:");

  private static String[] keys(String prefix) {
    return java.util.Arrays.stream(IdKind.values()).map(kind -> prefix + kind.key()).toArray(String[]::new);
  }

  /** Distinct hits of robots the hits table holds (of any kind). */
  public static final String STORED_BOTS = "stored:bots";

  public static final String REFUSED = "refused:";
  public static final String SKIPPED = "skipped:";
  public static final String DUPLICATE = "duplicate:";
  /** The lines of a log batch sent again (its id seen before): queued nothing. */
  public static final String REPEATED_LOG_BATCH = DUPLICATE + "log_batch";

  /** A request refused at the edge, by the code of its answer. */
  public static String refused(String code) {
    return REFUSED + code;
  }

  /** A log line not queued, by the rule that skipped it or the code of its rejection. */
  public static String skipped(String rule) {
    return SKIPPED + rule;
  }

  /** The keys an edge may send: its own codes, never input. */
  private static final Pattern EDGE_KEY = Pattern.compile("(refused|skipped):[a-z_]{1,40}|duplicate:log_batch");

  /** Whether a key read from the queue is one an edge sends (a bounded set: the state that keeps them stays small). */
  public static boolean isEdgeKey(String key) {
    return EDGE_KEY.matcher(key).matches();
  }

  private Ledger() {}
}
