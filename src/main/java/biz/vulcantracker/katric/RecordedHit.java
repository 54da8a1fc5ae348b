package biz.vulcantracker.katric;

import biz.vulcantracker.queue.QueuedHit;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

/**
 * A hit as persisted in a {@link SiteEntity.HitsRecorded} event: the persisted schema, kept apart
 * from the queue's wire format so that either can evolve. {@code day} is the day in the site's
 * time zone when the hit was recorded, so a replay counts it on the same day even if the site's
 * zone changes later.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordedHit(
    String hitId,
    long timestamp,
    LocalDate day,
    long visitorId,
    String channel,
    String eventName,
    String url,
    String referrer,
    Integer screenWidth,
    Map<String, String> props,
    Long engagementMs,
    String country,
    String region,
    String city) {

  public static final String PAGEVIEW = "pageview";
  public static final String ENGAGEMENT = "engagement";

  static RecordedHit from(QueuedHit hit, ZoneId zone) {
    return new RecordedHit(
        hit.hitId(),
        hit.timestamp(),
        LocalDate.ofInstant(Instant.ofEpochMilli(hit.timestamp()), zone),
        Long.parseUnsignedLong(hit.visitorId(), 16),
        hit.channel(),
        hit.eventName(),
        hit.url(),
        hit.referrer(),
        hit.screenWidth(),
        hit.props(),
        hit.engagementMs(),
        hit.country(),
        hit.region(),
        hit.city());
  }

  boolean isPageview() {
    return PAGEVIEW.equals(eventName);
  }

  boolean isCustomEvent() {
    return !PAGEVIEW.equals(eventName) && !ENGAGEMENT.equals(eventName);
  }
}
