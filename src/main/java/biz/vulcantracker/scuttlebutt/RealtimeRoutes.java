package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.katric.SiteEntity;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/sites/{site}/realtime/visitors}: the visitors of the last five minutes, asked
 * of the site's entity wherever in the cluster it lives (its open visits are the live part of the
 * model; the rollups only hold what has been counted into days).
 */
public final class RealtimeRoutes {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ReportAccess access;
  private final ClusterSharding sharding;

  public RealtimeRoutes(ReportAccess access, ClusterSharding sharding) {
    this.access = access;
    this.sharding = sharding;
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("realtime").slash("visitors"), siteId ->
        get(() -> extractRequest(request -> respond(() -> {
          access.authorize(request, siteId);
          return sharding.entityRefFor(SiteEntity.ENTITY_TYPE_KEY, siteId)
              .<SiteEntity.CurrentVisitors>ask(replyTo -> new SiteEntity.GetCurrentVisitors(System.currentTimeMillis(), replyTo), ASK_TIMEOUT)
              .thenApply(current -> json(MAPPER.createObjectNode().put("visitors", current.visitors())));
        }))));
  }
}
