package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the chunks of a scan, in table order (day, bucket, key), back into hits as the filtered
 * reports read them: each hit once, a visitor's hits of a day next to each other. One bucket is
 * held at a time; it is complete once the scan moves past it.
 */
final class HitChunkScan {

  private final Map<String, HitRow> bucket = new HashMap<>();
  private LocalDate day;
  private int bucketNumber = -1;

  /** Takes the next chunk; returns the hits of the bucket it ended, if it ended one. */
  List<HitRow> accept(HitChunk chunk) {
    List<HitRow> ended = List.of();
    if (chunk.bucket() != bucketNumber || !chunk.day().equals(day)) {
      ended = finish();
      day = chunk.day();
      bucketNumber = chunk.bucket();
    }
    for (HitRow hit : chunk.hits()) {
      // The same hit in two chunks: a batch redelivered and split differently. The same values.
      bucket.putIfAbsent(hit.hitKey() + '\u0000' + hit.visitorId(), hit);
    }
    return ended;
  }

  /** The hits of the bucket held, ordered by visitor and hit key; the scan is over. */
  List<HitRow> finish() {
    List<HitRow> hits = new ArrayList<>(bucket.values());
    bucket.clear();
    hits.sort(Comparator.comparingLong(HitRow::visitorId).thenComparing(HitRow::hitKey));
    return hits;
  }
}
