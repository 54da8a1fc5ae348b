package biz.vulcantracker.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One hit as it travels through the stream, already anonymized by the edge: the visitor is a
 * keyed hash and the IP is gone (there is no field that could hold it). This is the queue's wire
 * schema; the persisted events and the report DTOs are separate types.
 *
 * @param hitId unique, time-ordered id given by the edge (UUIDv7)
 * @param siteId the site the hit belongs to
 * @param timestamp when the hit happened, epoch milliseconds UTC
 * @param channel {@code beacon} or {@code log}
 * @param eventName {@code pageview}, {@code engagement} or a custom event name
 * @param url the full page URL
 * @param referrer document.referrer, or null
 * @param screenWidth screen width in CSS pixels, or null
 * @param props custom properties, or null
 * @param engagementMs visible time on the page (engagement hits), or null
 * @param clientEventId the client's own event id, or null
 * @param visitorId keyed hash of (salt of the hit's UTC day, site, IP, User-Agent), 16 hex digits
 * @param previousVisitorId the same hash with the previous day's salt, to continue a visit across
 *     midnight; null when that salt is gone
 * @param userAgent the raw User-Agent: written by edges before the classification moved to the edge,
 *     read for such entries only; an edge now queues the classification (the fields below) instead,
 *     so no User-Agent waits in Redis next to a visitor id
 * @param browser the User-Agent's browser (Yauaa, at the edge), or null
 * @param browserVersion its major version, or null
 * @param os its operating system, or null
 * @param osVersion the operating system's major version, or null (also on entries queued before it was)
 * @param device its device class, or null
 * @param bot whether it is a robot (null on entries that carry a raw User-Agent instead)
 * @param country ISO country code from GeoIP, or null
 * @param region region name from GeoIP, or null
 * @param city city name from GeoIP, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueuedHit(
    String hitId,
    String siteId,
    long timestamp,
    String channel,
    String eventName,
    String url,
    String referrer,
    Integer screenWidth,
    Map<String, String> props,
    Long engagementMs,
    String clientEventId,
    String visitorId,
    String previousVisitorId,
    String userAgent,
    String browser,
    String browserVersion,
    String os,
    String osVersion,
    String device,
    Boolean bot,
    String country,
    String region,
    String city) {

  /** An entry as edges wrote it before they classified the User-Agent (kept for those entries and for tests). */
  public QueuedHit(String hitId, String siteId, long timestamp, String channel, String eventName, String url, String referrer,
      Integer screenWidth, Map<String, String> props, Long engagementMs, String clientEventId, String visitorId,
      String previousVisitorId, String userAgent, String country, String region, String city) {
    this(hitId, siteId, timestamp, channel, eventName, url, referrer, screenWidth, props, engagementMs, clientEventId,
        visitorId, previousVisitorId, userAgent, null, null, null, null, null, null, country, region, city);
  }

  /** Whether the edge classified the User-Agent (else {@link #userAgent} holds it raw). */
  public boolean isClassified() {
    return bot != null;
  }
}
