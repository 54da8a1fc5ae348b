package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.katric.LiveReport;
import biz.vulcantracker.katric.SiteEntity;
import biz.vulcantracker.store.Site;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The live part of the model, asked of the site's entity wherever in the cluster it lives (which
 * reads today back from the hits table first if it has just started). Current visitors are those
 * with a hit in the last five minutes.
 */
public final class LiveModel {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ClusterSharding sharding;

  public LiveModel(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  public CompletionStage<Integer> currentVisitors(Site site) {
    return sharding.entityRefFor(SiteEntity.ENTITY_TYPE_KEY, site.id())
        .<SiteEntity.CurrentVisitors>ask(replyTo ->
            new SiteEntity.GetCurrentVisitors(System.currentTimeMillis(), site.timezone().getId(), replyTo), ASK_TIMEOUT)
        .thenApply(SiteEntity.CurrentVisitors::visitors);
  }

  /** The site's live report (today's cards, top lists, current visitors) in its time zone. */
  public CompletionStage<LiveReport> report(Site site) {
    return sharding.entityRefFor(SiteEntity.ENTITY_TYPE_KEY, site.id())
        .ask(replyTo -> new SiteEntity.GetLiveReport(System.currentTimeMillis(), site.timezone().getId(), replyTo), ASK_TIMEOUT);
  }
}
