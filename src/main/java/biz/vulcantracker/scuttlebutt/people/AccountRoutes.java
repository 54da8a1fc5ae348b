package biz.vulcantracker.scuttlebutt.people;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.optionalCookie;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.store.ApiKeyTables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/account} (docs/api.md, "Accounts", "API keys"): sign-up of the installation's first
 * user, sign-in, the signed-in user, sign-out, password change, opening and accepting an invitation,
 * and the signed-in person's API keys. A session is two cookies: the token,
 * HTTP-only (no script reads it), and the CSRF token, which the dashboard's script reads and sends
 * back as {@code X-CSRF-Token} on every call that changes something; both SameSite=Strict and
 * Secure, so another site's page can neither send them nor read them.
 */
public final class AccountRoutes {

  private static final Logger log = LoggerFactory.getLogger(AccountRoutes.class);
  public static final String SESSION_COOKIE = "vulcan_session";
  public static final String CSRF_COOKIE = "vulcan_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private final Accounts accounts;
  private final Members members;
  private final ApiKeys apiKeys;
  private final ToLongFunction<HttpRequest> clientKey;

  /** @param clientKey the keyed hash of a request's client, which sign-ins are limited by */
  public AccountRoutes(People people, ToLongFunction<HttpRequest> clientKey) {
    this.clientKey = clientKey;
    this.accounts = people.accounts();
    this.members = people.members();
    this.apiKeys = people.apiKeys();
  }

  public Route route() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> pathPrefix("account", () -> concat(
        path("setup", () -> get(() -> respond(() -> accounts.isSetUp()
            .thenApply(setUp -> json(StatusCodes.OK, Json.MAPPER.createObjectNode().put("set_up", setUp), List.of()))))),
        path("signup", () -> post(() -> entity(Unmarshaller.entityToString(), body -> respond(() -> {
          JsonNode fields = fields(body);
          return accounts.signUpFirst(fields.path("email").asText(null), fields.path("password").asText(null))
              .thenApply(session -> signedIn(StatusCodes.CREATED, session));
        })))),
        path("signin", () -> post(() -> extractRequest(request -> entity(Unmarshaller.entityToString(), body -> respond(() -> {
          JsonNode fields = fields(body);
          return accounts.signIn(fields.path("email").asText(null), fields.path("password").asText(null),
                  clientKey.applyAsLong(request))
              .thenApply(session -> signedIn(StatusCodes.OK, session));
        }))))),
        path("signout", () -> post(() -> changing(token -> accounts.signOut(token)
            .thenApply(done -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT).addHeaders(expired()))))),
        path("password", () -> post(() -> entity(Unmarshaller.entityToString(), body -> changing(token -> {
          JsonNode fields = fields(body);
          return accounts.user(token).thenCompose(user -> accounts.changePassword(signedIn(user),
                  fields.path("current").asText(null), fields.path("new").asText(null)))
              .thenApply(done -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
        })))),
        path("me", () -> get(() -> optionalCookie(SESSION_COOKIE, cookie -> respond(() ->
            accounts.user(cookie.map(HttpCookiePair::value).orElse(null)).thenApply(user -> {
              Accounts.User who = signedIn(user);
              return json(StatusCodes.OK, Json.MAPPER.createObjectNode().put("email", who.email()).put("owner", who.owner()), List.of());
            }))))),
        pathPrefix("invitation", () -> concat(
            pathEnd(() -> post(() -> entity(Unmarshaller.entityToString(), body -> respond(() ->
                members.invitation(fields(body).path("token").asText(null)).thenApply(invitation -> json(StatusCodes.OK,
                    Json.MAPPER.createObjectNode().put("site", invitation.siteId()).put("email", invitation.email())
                        .put("role", invitation.role().key()).put("has_account", invitation.hasAccount()), List.of())))))),
            path("accept", () -> post(() -> extractRequest(request -> entity(Unmarshaller.entityToString(), body -> respond(() -> {
              JsonNode fields = fields(body);
              return members.accept(fields.path("token").asText(null), fields.path("password").asText(null),
                      clientKey.applyAsLong(request))
                  .thenApply(session -> signedIn(StatusCodes.OK, session));
            }))))))),
        pathPrefix("keys", () -> concat(
            pathEnd(() -> concat(
                get(() -> optionalCookie(SESSION_COOKIE, cookie -> respond(() ->
                    accounts.user(cookie.map(HttpCookiePair::value).orElse(null)).thenCompose(user -> apiKeys.list(signedIn(user)))
                        .thenApply(keys -> {
                          ObjectNode body = Json.MAPPER.createObjectNode();
                          ArrayNode list = body.putArray("keys");
                          keys.forEach(key -> list.add(describe(key)));
                          return json(StatusCodes.OK, body, List.of());
                        })))),
                post(() -> entity(Unmarshaller.entityToString(), body -> changing(token -> {
                  JsonNode fields = fields(body);
                  List<String> sites = new ArrayList<>();
                  fields.path("sites").forEach(site -> sites.add(site.asText()));
                  return accounts.user(token).thenCompose(user -> apiKeys.create(signedIn(user), fields.path("name").asText(null), sites,
                          fields.path("scope").asText(null)))
                      .thenApply(made -> json(StatusCodes.CREATED, describe(made.key()).put("key", made.token()), List.of()));
                }))))),
            path(PathMatchers.segment(), keyId -> delete(() -> changing(token -> accounts.user(token)
                .thenCompose(user -> apiKeys.revoke(signedIn(user), keyId))
                .thenApply(revoked -> {
                  if (!revoked) {
                    throw new ApiError(StatusCodes.NOT_FOUND, "unknown_key", "you have no API key '" + keyId + "'");
                  }
                  return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
                }))))))))));
  }

  private static ObjectNode describe(ApiKeyTables.ApiKey key) {
    ObjectNode described = Json.MAPPER.createObjectNode().put("id", key.keyId()).put("name", key.name()).put("scope", key.scope())
        .put("created_at", key.createdAt().toString());
    ArrayNode sites = described.putArray("sites");
    key.sites().stream().sorted().forEach(sites::add);
    return described;
  }

  /** A call that changes something: a live session and its CSRF token in {@value #CSRF_HEADER}, else 401/403. */
  private Route changing(Function<String, CompletionStage<HttpResponse>> handler) {
    return optionalCookie(SESSION_COOKIE, cookie -> optionalHeaderValueByName(CSRF_HEADER, csrf -> respond(() -> {
      String token = cookie.map(HttpCookiePair::value).orElseThrow(() ->
          new ApiError(StatusCodes.UNAUTHORIZED, "signed_out", "sign in first"));
      return accounts.checksCsrf(token, csrf.orElse(null)).thenCompose(ok -> {
        if (!ok) {
          throw new ApiError(StatusCodes.FORBIDDEN, "bad_csrf_token", "send the session's CSRF token as " + CSRF_HEADER);
        }
        return handler.apply(token);
      });
    })));
  }

  private static Accounts.User signedIn(Optional<Accounts.User> user) {
    return user.orElseThrow(() -> new ApiError(StatusCodes.UNAUTHORIZED, "signed_out", "sign in first"));
  }

  private static JsonNode fields(String body) {
    return Json.objectOf(body);
  }

  private static HttpResponse signedIn(StatusCode status, Accounts.NewSession session) {
    long maxAge = Accounts.SESSION_LIFETIME.toSeconds();
    ObjectNode body = Json.MAPPER.createObjectNode().put("email", session.user().email()).put("owner", session.user().owner());
    return json(status, body, List.of(
        SetCookie.create(HttpCookie.create(SESSION_COOKIE, session.token()).withPath("/").withHttpOnly(true).withSecure(true)
            .withSameSite(SameSite.Strict).withMaxAge(maxAge)),
        SetCookie.create(HttpCookie.create(CSRF_COOKIE, session.csrfToken()).withPath("/").withSecure(true)
            .withSameSite(SameSite.Strict).withMaxAge(maxAge))));
  }

  private static List<HttpHeader> expired() {
    return List.of(
        SetCookie.create(HttpCookie.create(SESSION_COOKIE, "").withPath("/").withHttpOnly(true).withSecure(true)
            .withSameSite(SameSite.Strict).withMaxAge(0)),
        SetCookie.create(HttpCookie.create(CSRF_COOKIE, "").withPath("/").withSecure(true).withSameSite(SameSite.Strict).withMaxAge(0)));
  }

  private static HttpResponse json(StatusCode status, ObjectNode body, List<HttpHeader> headers) {
    return HttpResponse.create().withStatus(status).addHeaders(headers).withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }

  private static Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
    return completeWithFuture(ApiError.answer(handler, cause -> {
      log.warn("Account call failed", cause);
      return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "store_unavailable", "try again later");
    }));
  }
}
