package biz.vulcantracker.beacon;

import java.util.Map;

/**
 * One beacon hit as the tracking script sent it, checked against docs/api.md but not yet authorized
 * (site, origin) nor anonymized.
 */
public record BeaconRequest(
    String siteId,
    String url,
    String host,
    String eventName,
    String referrer,
    Integer screenWidth,
    Map<String, String> props,
    Long engagementMs,
    String clientEventId) {}
