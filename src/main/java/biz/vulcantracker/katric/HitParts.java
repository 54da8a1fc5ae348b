package biz.vulcantracker.katric;

import biz.vulcantracker.katric.SiteEntity.PendingHit;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a site's share of a partition batch into the parts sent to its entity one at a time: in
 * stream order, each at most {@code maxBytes} by {@link PendingHit#sizeBound()}. A backlog read as
 * one batch after a pause would otherwise become one message of megabytes, over Artery's frame size
 * and, persisted, over Cassandra's largest mutation. A hit is never split; one larger than the
 * bound travels alone (the enricher keeps every hit far below the configured bound).
 */
final class HitParts {

  private HitParts() {}

  static List<List<PendingHit>> split(List<PendingHit> hits, long maxBytes) {
    List<List<PendingHit>> parts = new ArrayList<>();
    List<PendingHit> part = new ArrayList<>();
    long bytes = 0;
    for (PendingHit hit : hits) {
      int size = hit.sizeBound();
      if (!part.isEmpty() && bytes + size > maxBytes) {
        parts.add(part);
        part = new ArrayList<>();
        bytes = 0;
      }
      part.add(hit);
      bytes += size;
    }
    if (!part.isEmpty()) {
      parts.add(part);
    }
    return parts;
  }
}
