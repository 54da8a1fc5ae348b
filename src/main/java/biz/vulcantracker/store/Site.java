package biz.vulcantracker.store;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A registered site: its id, the page hosts it accepts hits from, its time zone (days of the
 * reports), and the hashes of its two secrets ({@link biz.vulcantracker.common.BearerToken#hashOf}):
 * the ingest token (server logs) and the report key (stats API). The secrets themselves are shown
 * once, when made, and kept nowhere.
 */
public record Site(
    String id,
    List<String> domains,
    ZoneId timezone,
    String ingestTokenHash,
    String reportKeyHash,
    Instant createdAt) {

  /** The same site with other secrets' hashes (a rotation). */
  public Site withSecrets(String ingestTokenHash, String reportKeyHash) {
    return new Site(id, domains, timezone, ingestTokenHash, reportKeyHash, createdAt);
  }

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
