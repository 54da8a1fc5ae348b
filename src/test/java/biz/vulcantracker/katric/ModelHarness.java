package biz.vulcantracker.katric;

import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.HourlyTotals;
import biz.vulcantracker.store.Rollup;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A site's {@link SiteModel} driven as its entity drives it, synchronously: each batch's days (and
 * the days around them) made resident from an in-memory hits table, the hits added, the new hits
 * and the changed rows of exact days written (upserted into maps, as Cassandra would), the least
 * recently used days evicted beyond the production window. What the maps hold at the end is what
 * the rollup tables would hold.
 */
public final class ModelHarness {

  private final SiteModel model;
  private final int residentDays;
  private final Map<LocalDate, List<HitRow>> table = new TreeMap<>();
  private final Map<LocalDate, DailyTotals> totals = new TreeMap<>();
  private final Map<Instant, HourlyTotals> hours = new TreeMap<>();
  private final Map<String, BreakdownRow> breakdowns = new TreeMap<>();
  private int loads;

  public ModelHarness(ZoneId zone) {
    this(zone, SessionsTest.SETTINGS.residentDays());
  }

  ModelHarness(ZoneId zone, int residentDays) {
    this.model = new SiteModel(zone);
    this.residentDays = residentDays;
  }

  /** One batch, as a consumer would send it (a single part). */
  public void record(List<RecordedHit> batch) {
    List<HitRow> rows = batch.stream().map(RecordedHit::toRow).toList();
    Set<LocalDate> touched = new HashSet<>();
    rows.forEach(row -> touched.add(row.day()));
    for (LocalDate day : model.missingFor(touched)) {
      model.load(day, new ArrayList<>(table.getOrDefault(day, List.of())), 0);
      loads++;
    }
    List<HitRow> added = model.add(rows, 0);
    Rollup rollup = model.rollup(added, touched);
    added.forEach(row -> table.computeIfAbsent(row.day(), d -> new ArrayList<>()).add(row));
    rollup.totals().forEach(row -> totals.put(row.day(), row));
    rollup.hours().forEach(row -> hours.put(row.hour(), row));
    rollup.breakdowns().forEach(row -> breakdowns.put(row.day() + "\u0000" + row.property() + "\u0000" + row.value(), row));
    model.evictBeyond(residentDays, SiteModel.daysAround(touched));
  }

  /** Every written day's totals, days without traffic left out. */
  public List<DailyTotals> totals() {
    return totals.values().stream().filter(t -> t.visitors() + t.pageviews() + t.events() + t.bots() > 0).toList();
  }

  /** Every written hour, hours without traffic left out. */
  public List<HourlyTotals> hours() {
    return hours.values().stream().filter(h -> h.visitors() + h.pageviews() + h.events() + h.bots() > 0).toList();
  }

  /** Every written breakdown row that counts something. */
  public List<BreakdownRow> breakdowns() {
    return breakdowns.values().stream().filter(r -> r.visitors() + r.visits() + r.pageviews() + r.events() > 0).toList();
  }

  /** The hits table: each hit once. */
  public List<HitRow> table() {
    return table.values().stream().flatMap(List::stream).toList();
  }

  int loads() {
    return loads;
  }

  SiteModel model() {
    return model;
  }
}
