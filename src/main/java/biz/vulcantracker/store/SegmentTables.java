package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** The segment store of a cluster: counts in {@code hit_days}, segments in {@code visit_segments}. */
public final class SegmentTables implements SegmentStore {

  private final HitDaysTable counts;
  private final VisitSegmentsTable segments;

  public SegmentTables(HitDaysTable counts, VisitSegmentsTable segments) {
    this.counts = counts;
    this.segments = segments;
  }

  @Override
  public CompletionStage<Map<LocalDate, Long>> counts(String siteId, LocalDate from, LocalDate to) {
    return counts.read(siteId, from, to);
  }

  @Override
  public CompletionStage<Done> backfill(String siteId, Map<LocalDate, Long> found) {
    return counts.backfill(siteId, found);
  }

  @Override
  public CompletionStage<Optional<VisitSegment>> read(String siteId, LocalDate day, long[] versions) {
    return segments.read(siteId, day, versions);
  }

  @Override
  public CompletionStage<Done> write(String siteId, VisitSegment segment) {
    return segments.write(siteId, segment);
  }
}
