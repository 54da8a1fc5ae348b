package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.SegmentStore;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.VisitSegment;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visit segments a report reads: for each day of a period, the visits that started on it
 * ({@link VisitSegment}), from this node's memory, else from the segment store, else built from the
 * hits table and kept in both. A segment is used only for the site it was built for (a site made
 * again under a deleted one's id is another) and while the days' hit counts it was built from are
 * the counts the site entities last wrote ({@code hit_days}); a day whose count is not known
 * (no hit yet, or hits older than the counts) is built each time until a scan has recorded its count.
 *
 * <p>A build reads the days it builds and one either side (the visits across midnight), at most
 * {@value #BUILD_DAYS} days at a time, so what it holds is bounded by a week of a site's visits in
 * columns. Visits are followed from their start day into the next one and across the days a build
 * reads, as the site entity follows them: a visitor whose hits never pause for 30 minutes over more
 * than a day is the one case where a visit's end can depend on which days were built together.
 *
 * <p>A segment is of all traffic, or of one {@linkplain Property#ORIGIN origin}'s hits alone (what
 * the script saw, what the log saw: each keeps the pageviews that all traffic counts once, see
 * {@link biz.vulcantracker.model.SamePageview}). One origin's segments are kept in this node's
 * memory only: they are asked for less, and built from the same read.
 */
public final class VisitSegments {

  private static final Logger log = LoggerFactory.getLogger(VisitSegments.class);

  /** Days one build covers at most (plus the day either side it reads). */
  static final int BUILD_DAYS = 7;
  /** Segments looked up in the store at once. */
  private static final int LOOKUPS = 8;

  /** Where the hits come from: one day partition of a site, streamed (the hits table). */
  public interface HitSource {
    Source<HitRow, NotUsed> read(String siteId, LocalDate day);
  }

  private final HitSource hits;
  private final SegmentStore store;
  private final Cache<String, IndexedSegment> memory;
  private final LongAdder built = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder remembered = new LongAdder();

  /** @param memoryBytes the heap this node's segments may take (0: none kept) */
  public VisitSegments(HitSource hits, SegmentStore store, long memoryBytes) {
    this.hits = hits;
    this.store = store;
    this.memory = Caffeine.newBuilder()
        .maximumWeight(memoryBytes)
        .weigher((String key, IndexedSegment segment) -> (int) Math.min(Integer.MAX_VALUE, segment.heapBytes()))
        .build();
  }

  /** Segments found in this node's memory since it started. */
  public long fromMemory() {
    return remembered.sum();
  }

  /** Segments read from the store since this node started. */
  public long fromStore() {
    return stored.sum();
  }

  /** Segments built from the hits since this node started. */
  public long fromHits() {
    return built.sum();
  }

  /**
   * The segments of the site's days of {@code [from, to]} with hits, in day order, of all traffic
   * ({@code origin} null) or of one origin's hits; builds run on {@code materializer} with
   * {@code attributes} (the scans' dispatcher), each shared by the reports that need the same days meanwhile.
   */
  Source<IndexedSegment, NotUsed> segments(Site site, LocalDate from, LocalDate to, String origin, Materializer materializer,
      Attributes attributes) {
    String siteId = site.id();
    long incarnation = site.createdAt().toEpochMilli();
    Optional<LocalDate> oldestKept = site.oldestKeptDay(LocalDate.now(site.timezone()));
    return Source.completionStage(store.counts(siteId, from.minusDays(1), to.plusDays(1)).thenApply(read -> {
          // Days before the site's retention have no hits by definition: their counts were deleted with them.
          Map<LocalDate, Long> counts = new TreeMap<>(read);
          oldestKept.ifPresent(oldest -> {
            for (LocalDate day = from.minusDays(1); day.isBefore(oldest) && !day.isAfter(to.plusDays(1)); day = day.plusDays(1)) {
              counts.put(day, 0L);
            }
          });
          return counts;
        }))
        .flatMapConcat(counts -> Source.from(from.datesUntil(to.plusDays(1)).filter(day -> counts.get(day) == null || counts.get(day) > 0).toList())
            .mapAsync(LOOKUPS, day -> lookUp(siteId, day, origin, versionsOf(incarnation, counts, day)))
            .fold(new ArrayList<Found>(), (found, one) -> {
              found.add(one);
              return found;
            })
            .flatMapConcat(found -> Source.from(runs(found)))
            .flatMapConcat(run -> run.segment != null ? Source.single(run.segment) : shared(site, run.days, origin, counts, materializer, attributes)));
  }

  /** The {@link VisitSegment#versions} a current segment of {@code day} has, or null when a count is not known. */
  private static long[] versionsOf(long incarnation, Map<LocalDate, Long> counts, LocalDate day) {
    Long before = counts.get(day.minusDays(1));
    Long of = counts.get(day);
    Long after = counts.get(day.plusDays(1));
    return before == null || of == null || after == null ? null : new long[] {incarnation, before, of, after};
  }

  private record Found(LocalDate day, IndexedSegment segment) {}

  /** A segment found, or days to build together. */
  private record Run(IndexedSegment segment, List<LocalDate> days) {}

  private CompletionStage<Found> lookUp(String siteId, LocalDate day, String origin, long[] versions) {
    if (versions == null) {
      return CompletableFuture.completedFuture(new Found(day, null));
    }
    IndexedSegment held = memory.getIfPresent(key(siteId, day, origin));
    if (held != null && held.segment.isBuiltFrom(versions)) {
      remembered.increment();
      return CompletableFuture.completedFuture(new Found(day, held));
    }
    if (origin != null) {
      return CompletableFuture.completedFuture(new Found(day, null));
    }
    return store.read(siteId, day, versions).handle((read, failure) -> {
      if (failure != null) {
        log.warn("Visit segment of site {} day {} not read, built again: {}", siteId, day, String.valueOf(failure.getMessage()));
        return new Found(day, null);
      }
      if (read.isEmpty()) {
        return new Found(day, null);
      }
      stored.increment();
      IndexedSegment segment = new IndexedSegment(read.get());
      memory.put(key(siteId, day, null), segment);
      return new Found(day, segment);
    });
  }

  /** The segments found in order, and the days between them to build, in runs of consecutive days. */
  private static List<Run> runs(List<Found> found) {
    List<Run> runs = new ArrayList<>();
    List<LocalDate> days = new ArrayList<>();
    for (Found one : found) {
      boolean follows = !days.isEmpty() && days.get(days.size() - 1).plusDays(1).equals(one.day);
      if (!days.isEmpty() && (one.segment != null || !follows || days.size() == BUILD_DAYS)) {
        runs.add(new Run(null, days));
        days = new ArrayList<>();
      }
      if (one.segment != null) {
        runs.add(new Run(one.segment, null));
      } else {
        days.add(one.day);
      }
    }
    if (!days.isEmpty()) {
      runs.add(new Run(null, days));
    }
    return runs;
  }

  /**
   * A build in flight: the reports that need the same days from the same counts while it runs wait
   * for it rather than read and sequence the same hits again (a dashboard asks a dozen reports of one
   * period at once). It is cancelled, its reads with it, when the last report waiting for it is gone.
   */
  private static final class SharedBuild {
    final CompletableFuture<List<IndexedSegment>> result = new CompletableFuture<>();
    volatile UniqueKillSwitch killSwitch;
    /** Reports waiting for it; guarded by {@link #building}. */
    int waiting;
  }

  private final Map<String, SharedBuild> building = new HashMap<>();

  private Source<IndexedSegment, NotUsed> shared(Site site, List<LocalDate> days, String origin, Map<LocalDate, Long> counts,
      Materializer materializer, Attributes attributes) {
    List<Long> read = new ArrayList<>();
    days.get(0).minusDays(1).datesUntil(days.get(days.size() - 1).plusDays(2)).forEach(day -> read.add(counts.get(day)));
    String key = site.id() + '\u0000' + site.createdAt().toEpochMilli() + '\u0000' + days + '\u0000' + read + '\u0000' + origin;
    return Source.lazySource(() -> {
      SharedBuild shared;
      boolean first;
      synchronized (building) {
        shared = building.get(key);
        first = shared == null;
        if (first) {
          shared = new SharedBuild();
          building.put(key, shared);
        }
        shared.waiting++;
      }
      if (first) {
        SharedBuild started = shared;
        Pair<UniqueKillSwitch, CompletionStage<List<IndexedSegment>>> run = build(site, days, origin, counts)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.seq(), Keep.both())
            .withAttributes(attributes)
            .run(materializer);
        started.killSwitch = run.first();
        run.second().whenComplete((segments, failure) -> {
          synchronized (building) {
            building.remove(key, started);
          }
          if (failure != null) {
            started.result.completeExceptionally(failure);
          } else {
            started.result.complete(segments);
          }
        });
      }
      SharedBuild waited = shared;
      return Source.completionStage(waited.result)
          .<IndexedSegment>mapConcat(segments -> segments)
          .watchTermination((notUsed, done) -> {
            done.whenComplete((ok, failure) -> leave(key, waited));
            return NotUsed.getInstance();
          });
    }).mapMaterializedValue(notUsed -> NotUsed.getInstance());
  }

  /** A report no longer waits for a build: the last one to go cancels it, unless it is done. */
  private void leave(String key, SharedBuild shared) {
    boolean cancel;
    synchronized (building) {
      shared.waiting--;
      cancel = shared.waiting == 0 && !shared.result.isDone();
      if (cancel) {
        building.remove(key, shared);
      }
    }
    if (cancel && shared.killSwitch != null) {
      shared.killSwitch.abort(new CancellationException("no report waits for this build any more"));
    }
  }

  /** Builds the segments of consecutive days from the hits of those days and one either side, and keeps them. */
  private Source<IndexedSegment, NotUsed> build(Site site, List<LocalDate> days, String origin, Map<LocalDate, Long> counts) {
    String siteId = site.id();
    LocalDate first = days.get(0);
    LocalDate last = days.get(days.size() - 1);
    return Source.from(first.minusDays(1).datesUntil(last.plusDays(2)).toList())
        .flatMapConcat(day -> hits.read(siteId, day))
        .fold(new Build(site.timezone(), site.createdAt().toEpochMilli(), first, last, origin), (build, row) -> {
          build.accept(row);
          return build;
        })
        .mapAsync(1, build -> {
          List<IndexedSegment> segments = new ArrayList<>();
          for (VisitSegment built : build.finish()) {
            if (built.hits() == 0) {
              continue; // no hit that day: no visit started on it, nothing to keep
            }
            IndexedSegment segment = new IndexedSegment(built);
            segments.add(segment);
            this.built.increment();
            memory.put(key(siteId, built.day(), origin), segment);
            if (origin == null) {
              store.write(siteId, built).whenComplete((done, failure) -> {
                if (failure != null) {
                  log.warn("Visit segment of site {} day {} not kept: {}", siteId, built.day(), String.valueOf(failure.getMessage()));
                }
              });
            }
          }
          // Awaited, so that the next report knows these days' counts and finds the segments current.
          Map<LocalDate, Long> unknown = new TreeMap<>(build.seen);
          unknown.keySet().removeAll(counts.keySet());
          return store.backfill(siteId, unknown).handle((done, failure) -> {
            if (failure != null) {
              log.warn("Hit counts of site {} not recorded: {}", siteId, String.valueOf(failure.getMessage()));
            }
            return segments;
          });
        })
        .mapConcat(segments -> segments);
  }

  /**
   * The segments of the days of {@code [first, last]} built from {@code rows}, the hits of those days
   * and one either side in the hits table's order (by day, a visitor's hits of a day together).
   */
  static List<IndexedSegment> built(ZoneId zone, LocalDate first, LocalDate last, String origin, List<HitRow> rows) {
    Build build = new Build(zone, 0, first, last, origin);
    rows.forEach(build::accept);
    return build.finish().stream().map(IndexedSegment::new).toList();
  }

  private static String key(String siteId, LocalDate day, String origin) {
    return siteId + '\u0000' + day + (origin == null ? "" : '\u0000' + origin);
  }

  /**
   * One build's pass over the hits: visits sequenced (of one origin's hits, or all) and sorted into
   * their start days' segments, each day's hits counted (all of them: what {@code hit_days} counts).
   */
  private static final class Build {
    private final long incarnation;
    private final String origin;
    private final VisitSequencer sequencer;
    private final Map<LocalDate, VisitSegment.Builder> builders = new TreeMap<>();
    final Map<LocalDate, Long> seen = new HashMap<>();

    Build(ZoneId zone, long incarnation, LocalDate first, LocalDate last, String origin) {
      this.incarnation = incarnation;
      this.origin = origin;
      for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
        builders.put(day, VisitSegment.builder(day));
      }
      this.sequencer = new VisitSequencer(zone, visit -> {
        VisitSegment.Builder builder = builders.get(visit.day);
        if (builder != null) {
          builder.visit(visit.visitorId);
          visit.hits.forEach(builder::hit);
        }
      });
      for (LocalDate day = first.minusDays(1); !day.isAfter(last.plusDays(1)); day = day.plusDays(1)) {
        seen.put(day, 0L);
      }
    }

    void accept(HitRow row) {
      seen.merge(row.day(), 1L, Long::sum);
      if (origin != null && !origin.equals(row.property(Property.ORIGIN_COLUMN))) {
        return;
      }
      if (row.bot()) { // a bot's hit is kept for the count of bots only
        Optional.ofNullable(builders.get(row.day())).ifPresent(builder -> builder.bot(row.property("browser")));
      } else {
        sequencer.accept(row);
      }
    }

    List<VisitSegment> finish() {
      sequencer.finish();
      List<VisitSegment> segments = new ArrayList<>();
      builders.forEach((day, builder) -> segments.add(builder.build(
          new long[] {incarnation, seen.get(day.minusDays(1)), seen.get(day), seen.get(day.plusDays(1))})));
      return segments;
    }
  }
}
