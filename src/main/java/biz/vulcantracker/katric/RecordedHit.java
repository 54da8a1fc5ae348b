package biz.vulcantracker.katric;

import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.HitRow;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A hit as persisted in a {@link SiteEntity.HitsRecorded} event: the persisted schema, kept apart
 * from the queue's wire format so that either can evolve. It carries what enrichment derived
 * ({@link Dimensions}) rather than the raw User-Agent, so a replay counts exactly what was counted
 * even after the parsers change; {@code day} is the day in the site's time zone when the hit was
 * recorded, for the same reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordedHit(
    String hitId,
    long timestamp,
    LocalDate day,
    long visitorId,
    Long previousVisitorId,
    String eventName,
    Map<String, String> props,
    Long engagementMs,
    Dimensions dims,
    String clientEventId) {

  public static final String PAGEVIEW = "pageview";
  public static final String ENGAGEMENT = "engagement";

  /**
   * More than the CBOR field names, numbers and headers of a hit take, strings aside: the field names
   * of this record and of {@link Dimensions} are about 230 bytes, its numbers at most 50.
   */
  private static final int FIXED_BYTES = 384;
  /** More than a CBOR string's or map's header takes (at most 5 bytes below 4 GiB). */
  private static final int HEADER_BYTES = 5;

  /**
   * An upper bound of the bytes this hit takes in a serialized message or journal event (Jackson
   * CBOR, with field names), cheap enough to compute for every hit: no message is serialized twice
   * to learn its size. {@code RecordedHitSizeTest} holds it against the real serializer.
   */
  int sizeBound() {
    int bytes = FIXED_BYTES + utf8Bound(hitId) + utf8Bound(eventName) + utf8Bound(clientEventId);
    if (props != null) {
      for (Map.Entry<String, String> prop : props.entrySet()) {
        bytes += utf8Bound(prop.getKey()) + utf8Bound(prop.getValue());
      }
    }
    if (dims != null) {
      bytes += utf8Bound(dims.page()) + utf8Bound(dims.hostname()) + utf8Bound(dims.source()) + utf8Bound(dims.referrer())
          + utf8Bound(dims.utmSource()) + utf8Bound(dims.utmMedium()) + utf8Bound(dims.utmCampaign())
          + utf8Bound(dims.country()) + utf8Bound(dims.region()) + utf8Bound(dims.city()) + utf8Bound(dims.browser())
          + utf8Bound(dims.browserVersion()) + utf8Bound(dims.os()) + utf8Bound(dims.device()) + utf8Bound(dims.screen())
          + utf8Bound(dims.channel());
    }
    return bytes;
  }

  /** At least the UTF-8 length of {@code text} plus its header: 3 bytes per char outside ASCII (a surrogate pair's 4 bytes are under 6). */
  static int utf8Bound(String text) {
    if (text == null) {
      return HEADER_BYTES;
    }
    int bytes = HEADER_BYTES;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return bytes;
  }

  static RecordedHit from(QueuedHit hit, Dimensions dims, ZoneId zone) {
    return new RecordedHit(
        hit.hitId(),
        hit.timestamp(),
        LocalDate.ofInstant(Instant.ofEpochMilli(hit.timestamp()), zone),
        Long.parseUnsignedLong(hit.visitorId(), 16),
        hit.previousVisitorId() == null ? null : Long.parseUnsignedLong(hit.previousVisitorId(), 16),
        hit.eventName(),
        hit.props(),
        hit.engagementMs(),
        dims,
        hit.clientEventId());
  }

  /**
   * The hit as the hits table keeps it, keyed so that a resent client event is the same hit as its
   * first sending; empty for a bot (bots are counted per day, not kept).
   */
  Optional<HitRow> toRow() {
    if (dims == null || dims.bot()) {
      return Optional.empty();
    }
    Map<String, String> properties = new HashMap<>();
    putIfPresent(properties, "page", dims.page());
    putIfPresent(properties, "hostname", dims.hostname());
    putIfPresent(properties, "source", dims.source());
    putIfPresent(properties, "referrer", dims.referrer());
    putIfPresent(properties, "utm_source", dims.utmSource());
    putIfPresent(properties, "utm_medium", dims.utmMedium());
    putIfPresent(properties, "utm_campaign", dims.utmCampaign());
    putIfPresent(properties, "country", dims.country());
    putIfPresent(properties, "region", dims.region());
    putIfPresent(properties, "city", dims.city());
    putIfPresent(properties, "browser", dims.browser());
    putIfPresent(properties, "os", dims.os());
    putIfPresent(properties, "device", dims.device());
    putIfPresent(properties, "screen", dims.screen());
    putIfPresent(properties, "channel", dims.channel());
    return Optional.of(new HitRow(day, visitorId, clientEventId == null ? hitId : "i:" + clientEventId, timestamp,
        previousVisitorId, eventName, properties, props == null ? Map.of() : props));
  }

  private static void putIfPresent(Map<String, String> properties, String name, String value) {
    if (value != null) {
      properties.put(name, value);
    }
  }

  boolean isPageview() {
    return PAGEVIEW.equals(eventName);
  }

  boolean isCustomEvent() {
    return !PAGEVIEW.equals(eventName) && !ENGAGEMENT.equals(eventName);
  }

  boolean isBot() {
    return dims != null && dims.bot();
  }
}
