package biz.vulcantracker.store;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A registered site: its id, the page hosts it accepts hits from, its time zone (days of the
 * reports), and its two secrets: the ingest token (server logs) and the report key (stats API).
 */
public record Site(
    String id,
    List<String> domains,
    ZoneId timezone,
    String ingestToken,
    String reportKey,
    Instant createdAt) {

  /** True when {@code host} (a page URL's host) is one of the site's domains, ignoring case. */
  public boolean acceptsHost(String host) {
    for (String domain : domains) { // a loop, not a stream: every beacon asks
      if (domain.equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }
}
