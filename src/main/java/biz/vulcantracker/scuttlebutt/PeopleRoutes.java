package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.scuttlebutt.mail.InvitationMail;
import biz.vulcantracker.scuttlebutt.people.Members;
import biz.vulcantracker.scuttlebutt.people.People;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.people.ShareLinks;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.store.MemberTables;
import biz.vulcantracker.store.ShareLinkTables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * A site's people and sharing (docs/api.md, "Roles", "Share links"): what a request may do with the
 * site ({@code access}), its members and invitations, its share links and their unlocking; and the
 * admin token's making of the installation's first owner on a headless install.
 */
public final class PeopleRoutes {

  private final ReportAccess access;
  private final People people;
  private final ReportDefinitions definitions;
  private final InvitationMail invitationMail;

  public PeopleRoutes(ReportAccess access, ReportDefinitions definitions, InvitationMail invitationMail) {
    this.access = access;
    this.people = access.people();
    this.definitions = definitions;
    this.invitationMail = invitationMail;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1"), () -> extractRequest(request -> concat(
        path(segment("account").slash("owner"), () -> post(() -> access.admin(request, () ->
            entity(Unmarshaller.entityToString(), body -> respond(() -> {
              JsonNode fields = Json.objectOf(body);
              return people.accounts().signUpFirst(fields.path("email").asText(null), fields.path("password").asText(null))
                  .thenApply(session -> json(Json.MAPPER.createObjectNode().put("email", session.user().email()).put("owner", true))
                      .withStatus(StatusCodes.CREATED));
            }))))),
        pathPrefix(segment("sites").slash(PathMatchers.segment()), siteId -> concat(
            path("access", () -> get(() -> respond(() -> access.authorize(request, siteId, Role.VIEWER).thenApply(grant -> json(
                Json.MAPPER.createObjectNode().put("site", siteId).put("role", grant.role().key())
                    .put("via", grant.via().name().toLowerCase(Locale.ROOT)).put("segment", grant.segment())))))),
            path("members", () -> get(() -> respond(() -> access.authorize(request, siteId, Role.ADMIN)
                .thenCompose(grant -> people.members().members(siteId))
                .thenCompose(members -> people.members().invitations(siteId).thenApply(invitations -> json(members(members, invitations))))))),
            path(segment("members").slash(PathMatchers.segment()), email -> concat(
                patch(() -> access.authorized(request, siteId, Role.ADMIN, grant -> entity(Unmarshaller.entityToString(), body -> respond(() ->
                    people.members().changeRole(siteId, email, Json.objectOf(body).path("role").asText(null))
                        .thenApply(changed -> noContentOr(changed, "no member " + email)))))),
                Directives.delete(() -> respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> {
                  // A member may leave a site; removing someone else takes an admin.
                  boolean leaving = grant.holder().equals("user:" + email.toLowerCase(Locale.ROOT));
                  if (!leaving && !grant.role().atLeast(Role.ADMIN)) {
                    throw new ApiError(StatusCodes.FORBIDDEN, "forbidden", "removing a member takes the admin role");
                  }
                  return people.members().remove(siteId, email);
                }).thenApply(removed -> noContentOr(removed, "no member " + email)))))),
            path("invitations", () -> post(() -> access.authorized(request, siteId, Role.ADMIN, grant ->
                entity(Unmarshaller.entityToString(), body -> respond(() -> invite(siteId, grant, body)))))),
            path(segment("invitations").slash(PathMatchers.segment()), email -> Directives.delete(() ->
                respond(() -> access.authorize(request, siteId, Role.ADMIN).thenCompose(grant -> people.members().withdraw(siteId, email))
                    .thenApply(withdrawn -> noContentOr(withdrawn, "no pending invitation to " + email))))),
            path("shares", () -> concat(
                get(() -> respond(() -> access.authorize(request, siteId, Role.ADMIN).thenCompose(grant -> people.shareLinks().list(siteId))
                    .thenApply(links -> {
                      ObjectNode body = Json.MAPPER.createObjectNode();
                      ArrayNode list = body.putArray("shares");
                      links.forEach(link -> list.add(describe(link)));
                      return json(body);
                    }))),
                post(() -> access.authorized(request, siteId, Role.ADMIN, grant ->
                    entity(Unmarshaller.entityToString(), body -> respond(() -> share(siteId, body))))))),
            path(segment("shares").slash("unlock"), () -> post(() -> entity(Unmarshaller.entityToString(), body -> respond(() -> {
              JsonNode fields = Json.objectOf(body);
              return people.shareLinks().unlock(siteId, fields.path("token").asText(null), fields.path("password").asText(null))
                  .thenApply(token -> json(Json.MAPPER.createObjectNode().put("token", token)
                      .put("expires_in", ShareLinks.UNLOCK_LIFETIME.toSeconds())));
            })))),
            path(segment("shares").slash(PathMatchers.segment()), linkId -> Directives.delete(() ->
                respond(() -> access.authorize(request, siteId, Role.ADMIN).thenCompose(grant -> people.shareLinks().revoke(siteId, linkId))
                    .thenApply(revoked -> noContentOr(revoked, "no share link " + linkId))))))))));
  }

  private CompletionStage<HttpResponse> invite(String siteId, ReportAccess.Grant grant, String body) {
    JsonNode fields = Json.objectOf(body);
    String invitedBy = grant.holder().startsWith("user:") ? grant.holder().substring(5) : grant.via().name().toLowerCase(Locale.ROOT);
    return people.members().invite(siteId, invitedBy, fields.path("email").asText(null), fields.path("role").asText(null))
        .thenApply(invited -> {
          String link = "/account#invite=" + invited.token();
          invitationMail.send(invited.invitation().email(), siteId, invited.invitation().role(), invitedBy, link,
              "<invitation." + RandomSecret.hex(16) + "@vulcan-tracker>");
          return json(Json.MAPPER.createObjectNode()
              .put("email", invited.invitation().email())
              .put("role", invited.invitation().role())
              .put("token", invited.token())
              .put("link", link)
              .put("mailed", invitationMail.enabled())
              .put("expires_at", invited.invitation().createdAt().plus(Members.INVITATION_LIFETIME).toString()))
              .withStatus(StatusCodes.CREATED);
        });
  }

  private CompletionStage<HttpResponse> share(String siteId, String body) {
    JsonNode fields = Json.objectOf(body);
    return definitions.expanded(siteId, fields.path("filters").asText(""))
        .thenCompose(filters -> people.shareLinks().create(siteId, fields.path("label").asText(""), fields.path("password").asText(""), filters))
        .thenApply(made -> json(describe(made.link())
            .put("token", made.token())
            .put("link", "/dashboard/" + siteId + "#key=" + made.token()))
            .withStatus(StatusCodes.CREATED));
  }

  private static ObjectNode members(java.util.List<MemberTables.Member> members, java.util.List<MemberTables.Invitation> invitations) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode memberList = body.putArray("members");
    members.forEach(member -> memberList.addObject().put("email", member.email()).put("role", member.role())
        .put("added_at", member.addedAt().toString()));
    ArrayNode invited = body.putArray("invitations");
    invitations.forEach(invitation -> invited.addObject().put("email", invitation.email()).put("role", invitation.role())
        .put("invited_by", invitation.invitedBy()).put("created_at", invitation.createdAt().toString()));
    return body;
  }

  private static ObjectNode describe(ShareLinkTables.ShareLink link) {
    return Json.MAPPER.createObjectNode().put("id", link.linkId()).put("label", link.label())
        .put("password", !link.passwordHash().isEmpty()).put("filters", link.filters()).put("created_at", link.createdAt().toString());
  }

  private static HttpResponse noContentOr(boolean done, String missing) {
    if (!done) {
      throw new ApiError(StatusCodes.NOT_FOUND, "not_found", missing);
    }
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
  }
}
