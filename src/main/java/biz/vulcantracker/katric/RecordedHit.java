package biz.vulcantracker.katric;

import biz.vulcantracker.queue.QueuedHit;
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
