package biz.vulcantracker.store;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Where a site entity writes its rollups: {@link RollupTables} in production. */
@FunctionalInterface
public interface RollupWriter {

  /** Upserts the rollup's absolute values for one site; completes once they are durable. */
  CompletionStage<Done> write(String siteId, Rollup rollup);
}
