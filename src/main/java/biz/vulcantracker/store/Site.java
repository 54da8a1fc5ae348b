package biz.vulcantracker.store;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A registered site: its id, the page hosts it accepts hits from, its time zone (days of the
 * reports), and the hashes of its two secrets ({@link biz.vulcantracker.common.BearerToken#hashOf}):
 * the ingest token (server logs) and the report key (stats API). The secrets themselves are shown
 * once, when made, and kept nowhere. {@code retentionDays}: how many days (the site's, today
 * included) its data is kept; 0 keeps it as long as hits may be old ({@code vulcan.katric.max-age}).
 */
public record Site(
    String id,
    List<String> domains,
    ZoneId timezone,
    String ingestTokenHash,
    String reportKeyHash,
    Instant createdAt,
    int retentionDays) {

  /** A site that keeps its data as long as hits may be old. */
  public Site(String id, List<String> domains, ZoneId timezone, String ingestTokenHash, String reportKeyHash, Instant createdAt) {
    this(id, domains, timezone, ingestTokenHash, reportKeyHash, createdAt, 0);
  }

  /** The same site with other secrets' hashes (a rotation). */
  public Site withSecrets(String ingestTokenHash, String reportKeyHash) {
    return new Site(id, domains, timezone, ingestTokenHash, reportKeyHash, createdAt, retentionDays);
  }

  public Site withRetentionDays(int days) {
    return new Site(id, domains, timezone, ingestTokenHash, reportKeyHash, createdAt, days);
  }

  /** The oldest day (in the site's time zone) whose data is kept on {@code today}, if the site has a retention. */
  public java.util.Optional<java.time.LocalDate> oldestKeptDay(java.time.LocalDate today) {
    return retentionDays <= 0 ? java.util.Optional.empty() : java.util.Optional.of(today.minusDays(retentionDays - 1L));
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
