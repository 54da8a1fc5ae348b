package biz.vulcantracker.store;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Where a site entity writes its daily totals: {@link DailyTotalsTable} in production. */
@FunctionalInterface
public interface DailyTotalsWriter {

  /** Upserts the given days' absolute totals of one site; completes once they are durable. */
  CompletionStage<Done> write(String siteId, List<DailyTotals> days);
}
