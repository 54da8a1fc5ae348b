package biz.vulcantracker.katric;

import biz.vulcantracker.katric.SiteEntity.HitsRecorded;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.Rollup;
import java.util.List;

/** Test access to katric's counting for other packages: what a site entity would write for some hits. */
public final class StateRollups {

  private StateRollups() {}

  /** Counts the hits in batches of {@code batchSize}, in the order given, and returns every rollup row. */
  public static Rollup count(List<RecordedHit> hits, int batchSize, int daysKept) {
    KatricSettings production = SessionsTest.SETTINGS;
    KatricSettings settings = new KatricSettings(production.persistTimeout(), daysKept, production.snapshotEvery(), 100_000,
        production.maxMessageBytes(), production.stallAfter());
    SiteState state = SiteState.empty();
    int entry = 0;
    for (int start = 0; start < hits.size(); start += batchSize) {
      state.apply(new HitsRecorded(0, (++entry) + "-0", hits.subList(start, Math.min(hits.size(), start + batchSize))), settings);
    }
    return state.fullRollup(List.of());
  }

  /** The hits table's row of a hit (empty for a bot). */
  public static java.util.Optional<HitRow> row(RecordedHit hit) {
    return hit.toRow();
  }
}
