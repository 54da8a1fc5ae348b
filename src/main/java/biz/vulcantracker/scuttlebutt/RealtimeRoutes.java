package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.common.Json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/sites/{site}/realtime/visitors}: {@code {"visitors": N}}, the last five minutes. */
public final class RealtimeRoutes {


  private final ReportAccess access;
  private final CurrentVisitors currentVisitors;

  public RealtimeRoutes(ReportAccess access, CurrentVisitors currentVisitors) {
    this.access = access;
    this.currentVisitors = currentVisitors;
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("realtime").slash("visitors"), siteId ->
        get(() -> extractRequest(request -> respond(() -> {
          access.authorize(request, siteId);
          return currentVisitors.of(siteId).thenApply(visitors -> json(Json.MAPPER.createObjectNode().put("visitors", visitors)));
        }))));
  }
}
