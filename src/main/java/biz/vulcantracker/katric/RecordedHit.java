package biz.vulcantracker.katric;

import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.HitProperties;
import biz.vulcantracker.store.HitRow;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

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

  /**
   * The CBOR bytes of a hit with every field present, every string empty and every number at its
   * largest (350 measured: field names, headers, numbers), rounded up: what a hit takes beside its
   * strings' contents.
   */
  private static final int SKELETON_BYTES = 352;

  /**
   * An upper bound of the bytes this hit takes in a serialized message or journal event (Jackson
   * CBOR, with field names), cheap enough to compute for every hit: no message is serialized twice
   * to learn its size. {@code HitPartsTest} holds it against the real serializer.
   */
  int sizeBound() {
    int bytes = SKELETON_BYTES + cborBytes(hitId) + cborBytes(eventName) + cborBytes(clientEventId);
    if (props != null) {
      bytes += 8; // a larger map header
      for (Map.Entry<String, String> prop : props.entrySet()) {
        bytes += cborBytes(prop.getKey()) + cborBytes(prop.getValue());
      }
    }
    if (dims != null) {
      bytes += cborBytes(dims.page()) + cborBytes(dims.hostname()) + cborBytes(dims.source()) + cborBytes(dims.referrer())
          + cborBytes(dims.utmSource()) + cborBytes(dims.utmMedium()) + cborBytes(dims.utmCampaign())
          + cborBytes(dims.utmTerm()) + cborBytes(dims.utmContent())
          + cborBytes(dims.country()) + cborBytes(dims.region()) + cborBytes(dims.city()) + cborBytes(dims.browser())
          + cborBytes(dims.browserVersion()) + cborBytes(dims.os()) + cborBytes(dims.osVersion()) + cborBytes(dims.device()) + cborBytes(dims.screen())
          + cborBytes(dims.channel());
    }
    return bytes;
  }

  /** A string's bytes in CBOR: its UTF-8 length and its header (0 for null: the field is left out). */
  static int cborBytes(String text) {
    if (text == null) {
      return 0;
    }
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // A surrogate pair is 4 bytes in UTF-8: 2 for each of its chars.
      length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return length + (length < 24 ? 1 : length < 256 ? 2 : length < 65_536 ? 3 : 5);
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
   * first sending; a bot's hit keeps only its key, time and the bot's name (it is counted, not reported).
   */
  HitRow toRow() {
    String key = clientEventId == null ? hitId : "i:" + clientEventId;
    if (dims == null || dims.bot()) {
      // The bot's name (Yauaa's agent name: Googlebot, curl, …) is kept for the report of bots.
      Map<String, String> family = dims == null || dims.browser() == null ? Map.of() : Map.of("browser", dims.browser());
      return new HitRow(day, visitorId, key, timestamp, null, eventName, family, Map.of(), true);
    }
    String[] values = new String[HitProperties.COLUMNS.size()];
    for (int place = 0; place < values.length; place++) {
      values[place] = dims.valueOf(HitProperties.COLUMNS.get(place));
    }
    return new HitRow(day, visitorId, key, timestamp, previousVisitorId, eventName, HitProperties.of(values),
        props == null ? Map.of() : props, false);
  }

  boolean isPageview() {
    return EventNames.isPageview(eventName);
  }

  boolean isCustomEvent() {
    return EventNames.isCustom(eventName);
  }

  boolean isBot() {
    return dims != null && dims.bot();
  }
}
