package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Where the reports keep the {@link VisitSegment}s they build and find the days' hit counts that
 * say whether one is current: {@link SegmentTables} in production, {@link #NONE} where nothing is
 * kept (every segment is built from the hits each time).
 */
public interface SegmentStore {

  /** The distinct hits of each day of {@code [from, to]} that has a count; a day without one is unknown. */
  CompletionStage<Map<LocalDate, Long>> counts(String siteId, LocalDate from, LocalDate to);

  /** Records counts a scan found for days that had none ({@link HitDaysTable#backfill}). */
  CompletionStage<Done> backfill(String siteId, Map<LocalDate, Long> counts);

  /** The day's segment built from these counts (day before, day, day after), if kept. */
  CompletionStage<Optional<VisitSegment>> read(String siteId, LocalDate day, long[] versions);

  /** Keeps a segment in place of the day's earlier ones. */
  CompletionStage<Done> write(String siteId, VisitSegment segment);

  /** Keeps nothing and knows no counts. */
  SegmentStore NONE = new SegmentStore() {
    @Override
    public CompletionStage<Map<LocalDate, Long>> counts(String siteId, LocalDate from, LocalDate to) {
      return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public CompletionStage<Done> backfill(String siteId, Map<LocalDate, Long> counts) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Optional<VisitSegment>> read(String siteId, LocalDate day, long[] versions) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Done> write(String siteId, VisitSegment segment) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  };
}
