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
