package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/sites/{site}/realtime/visitors}: {@code {"visitors": N}}, the last five minutes. */
public final class RealtimeRoutes {

  private final ReportAccess access;
  private final StatsQueries queries;

  public RealtimeRoutes(ReportAccess access, StatsQueries queries) {
    this.access = access;
    this.queries = queries;
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("realtime").slash("visitors"), siteId ->
        get(() -> extractRequest(request -> respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> {
          grant.requireWholeSite("the realtime visitor count");
          return queries.currentVisitors(grant.site()).thenApply(visitors -> json(Json.MAPPER.createObjectNode().put("visitors", visitors)));
        })))));
  }
}
