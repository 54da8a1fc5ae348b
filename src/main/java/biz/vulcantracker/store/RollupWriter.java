package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Where a site entity writes its rollups (and reads its ledger rows back): {@link RollupTables} in production. */
@FunctionalInterface
public interface RollupWriter {

  /** Upserts the rollup's absolute values for one site; completes once they are durable. */
  CompletionStage<Done> write(String siteId, Rollup rollup);

  /** The site's ledger rows of these days as last written, those that exist (a writer that keeps no ledger: none). */
  default CompletionStage<Map<LocalDate, LedgerDay>> ledgerDays(String siteId, List<LocalDate> days) {
    return CompletableFuture.completedFuture(Map.of());
  }
}
