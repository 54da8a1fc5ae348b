package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.Funnel;
import biz.vulcantracker.scuttlebutt.query.Goal;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.Segment;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * A site's goals, funnels, segments and alert rules (docs/api.md, "Goals", "Funnels", "Segments", "Alerts"): listed by whoever
 * reads the site's reports (the dashboard shows them), created and deleted by its admins and owner (and the admin token).
 */
public final class DefinitionRoutes {

  private final ReportAccess access;
  private final ReportDefinitions definitions;
  private final Consumer<String> alertsChanged;

  /** @param alertsChanged told the site id after one of its alert rules was made or deleted (its entity reads them again) */
  public DefinitionRoutes(ReportAccess access, ReportDefinitions definitions, Consumer<String> alertsChanged) {
    this.access = access;
    this.definitions = definitions;
    this.alertsChanged = alertsChanged;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()), siteId -> extractRequest(request ->
        concat(
            kind(request, siteId, "goals", definitions::goals, Goal::toJson, definitions::addGoal, definitions::deleteGoal),
            kind(request, siteId, "funnels", definitions::funnels, Funnel::toJson, definitions::addFunnel, definitions::deleteFunnel),
            kind(request, siteId, "segments", definitions::segments, Segment::toJson, definitions::addSegment,
                definitions::deleteSegment),
            // An alert's answer to its creation carries its webhook's signing secret, shown this once.
            kind(request, siteId, "alerts", definitions::alerts, alert -> alert.toJson(false), alert -> alert.toJson(true),
                (site, body) -> definitions.addAlert(site, body).thenApply(alert -> {
                  alertsChanged.accept(site);
                  return alert;
                }),
                (site, id) -> definitions.deleteAlert(site, id).thenApply(deleted -> {
                  alertsChanged.accept(site);
                  return deleted;
                })))));
  }

  private <T> Route kind(HttpRequest request, String siteId, String name, Function<String, CompletionStage<List<T>>> list,
      Function<T, ObjectNode> describe, BiFunction<String, String, CompletionStage<T>> add,
      BiFunction<String, String, CompletionStage<Boolean>> delete) {
    return kind(request, siteId, name, list, describe, describe, add, delete);
  }

  private <T> Route kind(HttpRequest request, String siteId, String name, Function<String, CompletionStage<List<T>>> list,
      Function<T, ObjectNode> describe, Function<T, ObjectNode> describeCreated, BiFunction<String, String, CompletionStage<T>> add,
      BiFunction<String, String, CompletionStage<Boolean>> delete) {
    return pathPrefix(name, () -> concat(
        pathEnd(() -> concat(
            get(() -> respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> list.apply(siteId)
                .thenApply(all -> {
                  ObjectNode body = Json.MAPPER.createObjectNode();
                  ArrayNode items = body.putArray(name);
                  all.forEach(item -> items.add(describe.apply(item)));
                  return json(body);
                })))),
            post(() -> access.authorized(request, siteId, Role.ADMIN, grant -> entity(Unmarshaller.entityToString(), body -> respond(() ->
                add.apply(siteId, body).thenApply(item -> HttpResponse.create().withStatus(StatusCodes.CREATED)
                    .withEntity(ContentTypes.APPLICATION_JSON, describeCreated.apply(item).toString())))))))),
        path(PathMatchers.segment(), id -> Directives.delete(() -> access.authorized(request, siteId, Role.ADMIN, grant -> respond(() ->
            delete.apply(siteId, id).thenApply(deleted -> {
              if (!deleted) {
                throw new ApiError(StatusCodes.NOT_FOUND, "not_found", "site '" + siteId + "' has no such item of " + name);
              }
              return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            })))))));
  }
}
