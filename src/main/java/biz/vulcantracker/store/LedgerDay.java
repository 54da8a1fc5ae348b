package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.Map;

/**
 * One row of {@code ledger_days}: a site's ledger counts of one day ({@link biz.vulcantracker.model.Ledger}),
 * as the site entity wrote them with the batch that ends at stream entry {@code batch} of {@code partition},
 * and the counts before that batch.
 */
public record LedgerDay(LocalDate day, Map<String, Long> counts, Map<String, Long> previous, int partition, String batch) {

  /** A day with nothing counted yet. */
  public static LedgerDay empty(LocalDate day) {
    return new LedgerDay(day, Map.of(), Map.of(), 0, null);
  }
}
