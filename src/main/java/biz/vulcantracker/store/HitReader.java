package biz.vulcantracker.store;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where a site entity reads a day's hits back: {@link HitsTable} in production. */
@FunctionalInterface
public interface HitReader {

  /** Every hit of one day (site time zone) of a site, each once. */
  CompletionStage<List<HitRow>> read(String siteId, LocalDate day);
}
