package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.model.Ledger;
import biz.vulcantracker.store.LedgerDay;
import biz.vulcantracker.store.LedgerDaysTable;
import biz.vulcantracker.store.Site;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The count ledger of a site's days (docs/api.md, "The ledger"): per day, what became of the hits
 * that reached Vulcan, from the rows the site entity keeps ({@link Ledger}). Counted and bots are the
 * distinct hits the hits table holds; each kind of duplicate is what arrived under that kind of id
 * less what is held of it; refused and skipped are the edge's. Received is their sum.
 */
public final class LedgerReport {

  private final LedgerDaysTable table;

  public LedgerReport(LedgerDaysTable table) {
    this.table = table;
  }

  /** One day of the ledger. */
  public record Day(LocalDate date, long received, long counted, long bots, Map<String, Long> duplicates,
      Map<String, Long> refused, Map<String, Long> skipped) {}

  /** Every day of the period, in order (days with nothing: zeros). */
  public CompletionStage<List<Day>> days(Site site, Period period) {
    return table.read(site.id(), period.from(), period.to()).thenApply(rows -> {
      List<Day> days = new ArrayList<>();
      for (LocalDate date = period.from(); !date.isAfter(period.to()); date = date.plusDays(1)) {
        LedgerDay row = rows.get(date);
        days.add(dayOf(date, row == null ? Map.of() : row.counts()));
      }
      return days;
    });
  }

  static Day dayOf(LocalDate date, Map<String, Long> counts) {
    long stored = 0;
    Map<String, Long> duplicates = new TreeMap<>();
    for (Ledger.IdKind kind : Ledger.IdKind.values()) {
      long held = counts.getOrDefault(Ledger.stored(kind), 0L);
      stored += held;
      // Hits kept from before the ledger was had no arrivals counted: none of them is a duplicate.
      long repeated = Math.max(0, counts.getOrDefault(Ledger.arrived(kind), 0L) - held);
      if (repeated > 0) {
        duplicates.put(kind.key(), repeated);
      }
    }
    long bots = counts.getOrDefault(Ledger.STORED_BOTS, 0L);
    Map<String, Long> refused = withPrefix(counts, Ledger.REFUSED);
    Map<String, Long> skipped = withPrefix(counts, Ledger.SKIPPED);
    withPrefix(counts, Ledger.DUPLICATE).forEach((kind, count) -> duplicates.merge(kind, count, Long::sum));
    long counted = stored - bots;
    long received = counted + bots + sum(duplicates) + sum(refused) + sum(skipped);
    return new Day(date, received, counted, bots, duplicates, refused, skipped);
  }

  private static Map<String, Long> withPrefix(Map<String, Long> counts, String prefix) {
    Map<String, Long> found = new TreeMap<>();
    counts.forEach((key, count) -> {
      if (key.startsWith(prefix) && count > 0) {
        found.put(key.substring(prefix.length()), count);
      }
    });
    return found;
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
