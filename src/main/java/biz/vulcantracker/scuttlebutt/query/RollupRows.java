package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyBreakdownsTable;
import biz.vulcantracker.store.SegmentStore;
import biz.vulcantracker.store.Site;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code daily_breakdowns} rows an unfiltered breakdown reads, kept in this node's memory per
 * (site, property, day) and read from the table only for the days whose rows may have changed: a
 * month of a 300-page site is 9,000 rows, which Cassandra takes tens of milliseconds to hand over
 * on every dashboard load, while the rows of past days stay as they are.
 *
 * <p>A day's rows are a function of the site's hits of that day and of the day either side (visits
 * across midnight), as its {@link biz.vulcantracker.store.VisitSegment} is: kept rows are used while
 * the site is the same incarnation and the counts of those three days in {@code hit_days} are those
 * read before the rows were. The site entity writes a batch's counts after its rows
 * ({@link biz.vulcantracker.store.RollupTables}), so rows read after a count never predate it. A day
 * without a count (no hits, or hits from before counts were kept) is versioned as such: the first
 * hit of it or of a neighbour writes one.
 */
public final class RollupRows {

  /** The version of a day without a count in {@code hit_days}. */
  private static final long NO_COUNT = -1;

  private final DailyBreakdownsTable table;
  private final SegmentStore counts;
  private final Cache<String, KeptDay> memory;
  private final LongAdder fromMemory = new LongAdder();
  private final LongAdder fromTable = new LongAdder();

  /** @param memoryBytes the heap this node's kept rows may take (0: none kept) */
  public RollupRows(DailyBreakdownsTable table, SegmentStore counts, long memoryBytes) {
    this.table = table;
    this.counts = counts;
    this.memory = Caffeine.newBuilder()
        .maximumWeight(memoryBytes)
        .weigher((String key, KeptDay day) -> day.heapBytes())
        .build();
  }

  /** A day's rows and the versions (incarnation, counts of the day before, the day, the day after) they were read under. */
  private record KeptDay(long[] versions, List<BreakdownRow> rows) {
    int heapBytes() {
      int bytes = 64;
      for (BreakdownRow row : rows) {
        bytes += 120 + 2 * row.value().length();
      }
      return bytes;
    }
  }

  /** Days whose rows were found in memory since this node started. */
  public long fromMemory() {
    return fromMemory.sum();
  }

  /** Days whose rows were read from the table since this node started. */
  public long fromTable() {
    return fromTable.sum();
  }

  /** The rows of a property's column for the site's days of {@code [from, to]}. */
  CompletionStage<List<BreakdownRow>> read(Site site, String column, LocalDate from, LocalDate to) {
    long incarnation = site.createdAt().toEpochMilli();
    return counts.counts(site.id(), from.minusDays(1), to.plusDays(1)).thenCompose(known -> {
      List<BreakdownRow> rows = new ArrayList<>();
      Map<LocalDate, long[]> missing = new HashMap<>();
      List<List<LocalDate>> runs = new ArrayList<>();
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        long[] versions = {incarnation, countOf(known, day.minusDays(1)), countOf(known, day), countOf(known, day.plusDays(1))};
        KeptDay kept = memory.getIfPresent(key(site.id(), column, day));
        if (kept != null && Arrays.equals(kept.versions, versions)) {
          fromMemory.increment();
          rows.addAll(kept.rows);
          continue;
        }
        missing.put(day, versions);
        if (runs.isEmpty() || !missing.containsKey(day.minusDays(1))) {
          runs.add(new ArrayList<>());
        }
        runs.get(runs.size() - 1).add(day);
      }
      // Each run of missing days is one range read, the runs at once.
      CompletableFuture<?>[] reads = runs.stream()
          .map(run -> table.read(site.id(), column, run.get(0), run.get(run.size() - 1)).thenAccept(read -> {
            Map<LocalDate, List<BreakdownRow>> byDay = new HashMap<>();
            run.forEach(day -> byDay.put(day, new ArrayList<>()));
            read.forEach(row -> byDay.get(row.day()).add(row));
            byDay.forEach((day, dayRows) -> {
              fromTable.increment();
              memory.put(key(site.id(), column, day), new KeptDay(missing.get(day), List.copyOf(dayRows)));
              synchronized (rows) {
                rows.addAll(dayRows);
              }
            });
          }).toCompletableFuture())
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(reads).thenApply(done -> rows);
    });
  }

  private static long countOf(Map<LocalDate, Long> known, LocalDate day) {
    Long count = known.get(day);
    return count == null ? NO_COUNT : count;
  }

  private static String key(String siteId, String column, LocalDate day) {
    return siteId + '\n' + column + '\n' + day;
  }
}
