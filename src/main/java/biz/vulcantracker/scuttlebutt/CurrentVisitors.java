package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.katric.SiteEntity;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * API.md's current visitors (a hit in the last five minutes), asked of the site's entity wherever in
 * the cluster it lives: its open visits are the live part of the model, which the rollups do not hold.
 */
public final class CurrentVisitors {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ClusterSharding sharding;

  public CurrentVisitors(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  public CompletionStage<Integer> of(String siteId) {
    return sharding.entityRefFor(SiteEntity.ENTITY_TYPE_KEY, siteId)
        .<SiteEntity.CurrentVisitors>ask(replyTo -> new SiteEntity.GetCurrentVisitors(System.currentTimeMillis(), replyTo), ASK_TIMEOUT)
        .thenApply(SiteEntity.CurrentVisitors::visitors);
  }
}
