package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.digest.Digests;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.store.DigestTables;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Email digests (docs/api.md, "Email digests"): a signed-in person's weekly and monthly digest of a
 * site, the unsubscribe link every digest carries (a page with a button, and RFC 8058's one-click
 * POST), and the admin token's "look for due digests now".
 */
public final class DigestRoutes {

  private final ReportAccess access;
  /** Empty while this installation sends no mail. */
  private final Optional<Digests> digests;

  public DigestRoutes(ReportAccess access, Optional<Digests> digests) {
    this.access = access;
    this.digests = digests;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1"), () -> extractRequest(request -> concat(
        path(segment("sites").slash(PathMatchers.segment()).slash("digest"), siteId -> concat(
            get(() -> respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> access.signedIn(request))
                .thenCompose(person -> digests().subscription(person.email(), siteId)).thenApply(DigestRoutes::describe))),
            put(() -> access.authorized(request, siteId, Role.VIEWER, grant -> entity(Unmarshaller.entityToString(), body -> respond(() -> {
              JsonNode fields = Json.objectOf(body);
              return access.signedIn(request).thenCompose(person -> digests().subscribe(person.email(), siteId,
                  fields.path("weekly").asBoolean(false), fields.path("monthly").asBoolean(false))).thenApply(DigestRoutes::describe);
            })))))),
        path(segment("digests").slash("unsubscribe"), () -> parameterOptional("token", token -> concat(
            get(() -> complete(page("Stop these emails?", "<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>"))),
            post(() -> respond(() -> digests().unsubscribe(token.orElse(null)).thenApply(done -> done
                ? page("Unsubscribed", "<p>You will get no more of these emails.</p>")
                : page("Nothing to stop", "<p>This link is of no subscription (already stopped?).</p>").withStatus(StatusCodes.NOT_FOUND))))))),
        path(segment("digests").slash("run"), () -> post(() -> access.admin(request, () -> respond(() ->
            digests().deliverDue().thenApply(outcome -> json(Json.MAPPER.createObjectNode()
                .put("sent", outcome.sent()).put("failed", outcome.failed()))))))))));
  }

  private Digests digests() {
    return digests.orElseThrow(() -> new ApiError(StatusCodes.CONFLICT, "mail_off",
        "this installation sends no mail: set VULCAN_SMTP_HOST (docs/api.md, \"Running it\")"));
  }

  private static HttpResponse describe(DigestTables.Subscription subscription) {
    return json(Json.MAPPER.createObjectNode().put("weekly", subscription.weekly()).put("monthly", subscription.monthly()));
  }

  private static HttpResponse page(String title, String body) {
    return HttpResponse.create()
        .withEntity(ContentTypes.TEXT_HTML_UTF8, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
            + "</title></head><body style=\"font-family:system-ui,sans-serif;max-width:480px;margin:40px auto\"><h1>" + title + "</h1>"
            + body + "</body></html>")
        .addHeader(RawHeader.create("Content-Security-Policy", "default-src 'none'; form-action 'self'; style-src 'unsafe-inline'"))
        .addHeader(RawHeader.create("Referrer-Policy", "no-referrer"));
  }

}
