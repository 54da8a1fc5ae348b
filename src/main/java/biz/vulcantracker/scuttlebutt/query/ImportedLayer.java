package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.ImportTables;
import biz.vulcantracker.store.Site;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The imported layer of the unfiltered reports: the rows of a site's finished imports for the days
 * before its own data starts (its first day in {@code daily_totals}), as Plausible shows imported
 * Google Analytics data. A day of the site's own never shows imported numbers, so nothing counts
 * twice when an export overlaps the days the site was already tracked.
 */
public final class ImportedLayer {

  /** How long a node reuses a site's list of imports: a finished or deleted import shows within this. */
  private static final Duration FRESH = Duration.ofSeconds(2);

  private final ImportTables tables;
  private final DailyTotalsTable dailyTotals;
  private final AsyncLoadingCache<String, List<String>> finished;

  public ImportedLayer(ImportTables tables, DailyTotalsTable dailyTotals) {
    this.tables = tables;
    this.dailyTotals = dailyTotals;
    this.finished = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(FRESH)
        .buildAsync((siteId, executor) -> tables.imports(siteId).thenApply(ImportedLayer::done).toCompletableFuture());
  }

  private static List<String> done(List<ImportTables.Import> imports) {
    return imports.stream().filter(i -> ImportTables.DONE.equals(i.state())).map(ImportTables.Import::importId).toList();
  }

  /**
   * Takes a list of the site's imports just read from the store: it is at least as new as what this
   * node holds, so a client that saw an import done in it and then asks for reports gets them with
   * the import, even when the writer has not yet told this layer (or wrote on another node).
   */
  public void seen(String siteId, List<ImportTables.Import> imports) {
    finished.put(siteId, CompletableFuture.completedFuture(done(imports)));
  }

  /** Forgets this node's list of the site's imports (one started, finished or deleted here). */
  public void changed(String siteId) {
    finished.synchronous().invalidate(siteId);
  }

  /** The imported daily totals of {@code [from, to]} before the site's own first day. */
  CompletionStage<List<DailyTotals>> days(Site site, LocalDate from, LocalDate to) {
    return read(site, from, to, (importId, last) -> tables.days(site.id(), importId, from, last));
  }

  /** The imported rows of one property's column, as {@link #days}. */
  CompletionStage<List<BreakdownRow>> breakdown(Site site, String column, LocalDate from, LocalDate to) {
    return read(site, from, to, (importId, last) -> tables.breakdown(site.id(), importId, column, from, last));
  }

  private interface Reader<T> {
    CompletionStage<List<T>> read(String importId, LocalDate last);
  }

  private <T> CompletionStage<List<T>> read(Site site, LocalDate from, LocalDate to, Reader<T> reader) {
    return finished.get(site.id()).thenCompose(imports -> {
      if (imports.isEmpty()) {
        return CompletableFuture.completedFuture(List.<T>of());
      }
      return dailyTotals.firstDay(site.id()).thenCompose(ownFirst -> {
        LocalDate last = ownFirst.map(day -> day.minusDays(1)).filter(day -> day.isBefore(to)).orElse(to);
        if (last.isBefore(from)) {
          return CompletableFuture.completedFuture(List.<T>of());
        }
        List<CompletableFuture<List<T>>> reads = imports.stream()
            .map(importId -> reader.read(importId, last).toCompletableFuture()).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
          List<T> all = new ArrayList<>();
          reads.forEach(read -> all.addAll(read.join()));
          return all;
        });
      });
    });
  }
}
