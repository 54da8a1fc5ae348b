package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.Period;
import biz.vulcantracker.scuttlebutt.query.ScriptCoverage;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/sites/{site}/coverage?period=…} (docs/api.md, "Script coverage"): of the human
 * visits and pageviews the site's access log saw, how many its tracking script saw too, in all and
 * per day, page and browser. Counted from the hits in the key's query lane, as filtered reports are.
 */
public final class CoverageRoutes {

  private final ReportAccess access;
  private final ScriptCoverage coverage;
  private final KeyQuotas quotas;

  public CoverageRoutes(ReportAccess access, ScriptCoverage coverage, KeyQuotas quotas) {
    this.access = access;
    this.coverage = coverage;
    this.quotas = quotas;
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("coverage"), siteId ->
        get(() -> extractRequest(request -> parameterMap(params -> StatsRoutes.respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> {
          grant.requireWholeSite("script coverage");
          Period period = Period.parse(params, grant.site().timezone());
          return quotas.query(grant.holder(), () -> coverage.of(grant.site(), period).thenApply(report -> StatsRoutes.json(json(report))));
        }))))));
  }

  private static ObjectNode json(ScriptCoverage.Report report) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode results = body.putObject("results");
    put(results, report.total());
    ArrayNode days = results.putArray("days");
    report.days().forEach((day, share) -> put(days.addObject().put("date", day.toString()), share));
    groups(results.putArray("pages"), "page", report.pages());
    groups(results.putArray("browsers"), "browser", report.browsers());
    return body;
  }

  private static void groups(ArrayNode into, String key, Map<String, ScriptCoverage.Share> shares) {
    shares.forEach((value, share) -> put(into.addObject().put(key, value), share));
  }

  private static void put(ObjectNode row, ScriptCoverage.Share share) {
    row.put("visits", share.visits()).put("visits_seen_by_script", share.visitsSeen()).put("visit_coverage", share.visitCoverage())
        .put("pageviews", share.pageviews()).put("pageviews_seen_by_script", share.pageviewsSeen())
        .put("pageview_coverage", share.pageviewCoverage());
  }
}
