package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.scuttlebutt.people.AccountRoutes;
import biz.vulcantracker.scuttlebutt.people.Accounts;
import biz.vulcantracker.scuttlebutt.people.ApiKeys;
import biz.vulcantracker.scuttlebutt.people.People;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.people.ShareLinks;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may do what with a site (docs/api.md, "Access"). A request shows one credential:
 * <ul>
 *   <li>the admin token (automation): everything, every site;
 *   <li>a site's report key: that site's reports (a viewer);
 *   <li>a person's session cookie: their {@link Role} on the site — changes also need the session's
 *       CSRF token in {@value AccountRoutes#CSRF_HEADER};
 *   <li>a person's API key: the lesser of its scope and the person's role, on the sites it was made for;
 *   <li>a share link's token (or its unlock token): the site's reports, kept to the link's segment.
 * </ul>
 * A credential that reaches nothing of site B gets 403 whether or not B exists, so no credential
 * probes for site ids. Secrets are compared in constant time; the report key and the admin token
 * are checked in memory, the rest with one or two reads of the store.
 */
public final class ReportAccess {

  /** How a request was let in: what its quota is kept under and what the dashboard shows it. */
  public enum Via { ADMIN_TOKEN, REPORT_KEY, SESSION, API_KEY, SHARE_LINK }

  /**
   * What a request may do with a site: its role, who holds it (for {@link KeyQuotas}; never a
   * secret) and the filters every report it reads is kept to ({@code ""}: none).
   */
  public record Grant(Site site, Role role, String holder, String segment, Via via) {

    /** The request's own filters, kept within the grant's segment. */
    public String filters(String requested) {
      if (segment.isEmpty()) {
        return requested;
      }
      return requested == null || requested.isBlank() ? segment : segment + ";" + requested;
    }

    /** Refuses a report that cannot be kept to a segment (one over the whole site) when the grant has one. */
    public void requireWholeSite(String report) {
      if (!segment.isEmpty()) {
        throw new ApiError(StatusCodes.FORBIDDEN, "segment_only", "this share link shows a segment of the site; " + report
            + " covers the whole site");
      }
    }
  }

  /**
   * A request's credential: its bearer token (or the key a WebSocket offers), its session cookie
   * and CSRF header, and whether it changes something (then a session needs its CSRF token).
   */
  public record Credential(Optional<String> bearer, Optional<String> session, Optional<String> csrf, boolean changes) {

    public static Credential of(HttpRequest request) {
      Optional<String> session = request.getHeader(Cookie.class).flatMap(cookies -> {
        for (HttpCookiePair pair : cookies.getCookies()) {
          if (pair.name().equals(AccountRoutes.SESSION_COOKIE)) {
            return Optional.of(pair.value());
          }
        }
        return Optional.empty();
      });
      boolean safe = request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD);
      return new Credential(BearerToken.of(request), session,
          request.getHeader(AccountRoutes.CSRF_HEADER).map(h -> h.value()), !safe);
    }
  }

  private final SiteCatalog sites;
  /** The admin token's hash; empty while the admin API is off. The token itself is not kept. */
  private final String adminTokenHash;
  private final People people;

  /** The shortest admin token a node starts with: it reads and deletes every site. */
  public static final int MIN_ADMIN_TOKEN_CHARS = 32;

  /** @param adminToken empty while the admin API is off; otherwise at least {@value #MIN_ADMIN_TOKEN_CHARS} characters */
  public ReportAccess(SiteCatalog sites, String adminToken, People people) {
    if (!adminToken.isEmpty() && adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new IllegalArgumentException("the admin token (VULCAN_ADMIN_TOKEN) must be at least " + MIN_ADMIN_TOKEN_CHARS
          + " characters; make one with: openssl rand -hex 24");
    }
    this.sites = sites;
    this.adminTokenHash = adminToken.isEmpty() ? "" : BearerToken.hashOf(adminToken);
    this.people = people;
  }

  public People people() {
    return people;
  }

  /** What the request may do with the site if it may do at least {@code needed}; otherwise a 401/403/404 failure. */
  public CompletionStage<Grant> authorize(HttpRequest request, String siteId, Role needed) {
    return authorize(Credential.of(request), siteId, needed);
  }

  public CompletionStage<Grant> authorize(Credential credential, String siteId, Role needed) {
    CompletionStage<Grant> grant;
    try {
      grant = grant(credential, siteId);
    } catch (ApiError refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return grant.thenApply(granted -> {
      if (!granted.role().atLeast(needed)) {
        throw new ApiError(StatusCodes.FORBIDDEN, "forbidden", "this needs the " + needed.key() + " role on site '" + siteId
            + "'; this " + describe(granted.via()) + " has the " + granted.role().key() + " role");
      }
      return granted;
    });
  }

  /**
   * The inner route for a request that may do {@code needed} with the site, else its refusal:
   * checked before a byte of the body is read, so nobody else makes the node read one.
   */
  public Route authorized(HttpRequest request, String siteId, Role needed, Function<Grant, Route> inner) {
    return onStage(() -> authorize(request, siteId, needed), inner);
  }

  /**
   * The inner route of what the stage completes with; a refusal (an {@link ApiError} the stage
   * fails with or {@code inner} throws) is answered as such, any other failure 503.
   */
  public static <T> Route onStage(Supplier<CompletionStage<T>> stage, Function<T, Route> inner) {
    return Directives.onComplete(stage, result -> {
      try {
        if (result.isSuccess()) {
          return inner.apply(result.get());
        }
        throw result.failed().get();
      } catch (Throwable failure) {
        return Directives.complete(ApiError.unwrap(failure) instanceof ApiError refused ? refused.toResponse()
            : ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "store_unavailable", "try again later"));
      }
    });
  }

  private CompletionStage<Grant> grant(Credential credential, String siteId) {
    Optional<Site> site = sites.find(siteId);
    if (credential.bearer().isPresent()) {
      String token = credential.bearer().get();
      if (isAdmin(token)) {
        Site found = site.orElseThrow(() -> new ApiError(StatusCodes.NOT_FOUND, "unknown_site", "no site '" + siteId + "'"));
        return done(new Grant(found, Role.OWNER, "admin", "", Via.ADMIN_TOKEN));
      }
      if (site.isEmpty()) {
        throw forbidden(siteId);
      }
      if (BearerToken.matchesStored(token, site.get().reportKeyHash())) {
        return done(new Grant(site.get(), Role.VIEWER, "site:" + siteId, "", Via.REPORT_KEY));
      }
      if (ApiKeys.looksLikeKey(token)) {
        return people.apiKeys().grant(token, siteId, people.accounts()).thenApply(key -> key
            .map(k -> new Grant(site.get(), k.role(), "key:" + k.keyId(), "", Via.API_KEY))
            .orElseThrow(() -> forbidden(siteId)));
      }
      if (ShareLinks.looksLikeLink(token)) {
        return people.shareLinks().grant(siteId, token).thenApply(link -> link
            .map(l -> new Grant(site.get(), Role.VIEWER, "share:" + siteId + "/" + l.linkId(), l.filters(), Via.SHARE_LINK))
            .orElseThrow(() -> forbidden(siteId)));
      }
      throw forbidden(siteId);
    }
    if (credential.session().isEmpty()) {
      throw new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized",
          "sign in, or send Authorization: Bearer <report key, API key or share link token>");
    }
    return person(credential).thenCompose(who -> {
      if (site.isEmpty()) {
        throw who.owner() ? new ApiError(StatusCodes.NOT_FOUND, "unknown_site", "no site '" + siteId + "'") : forbidden(siteId);
      }
      return people.members().roleOf(who, siteId).thenApply(role -> role
          .map(r -> new Grant(site.get(), r, "user:" + who.email(), "", Via.SESSION))
          .orElseThrow(() -> forbidden(siteId)));
    });
  }

  /** The signed-in person of a request's session (401 without one); changes need the CSRF token. */
  public CompletionStage<Accounts.User> signedIn(HttpRequest request) {
    return person(Credential.of(request));
  }

  private CompletionStage<Accounts.User> person(Credential credential) {
    if (credential.session().isEmpty()) {
      return CompletableFuture.failedFuture(new ApiError(StatusCodes.UNAUTHORIZED, "signed_out", "sign in first"));
    }
    String session = credential.session().get();
    CompletionStage<Boolean> csrfChecked = credential.changes()
        ? people.accounts().checksCsrf(session, credential.csrf().orElse(null))
        : CompletableFuture.completedFuture(true);
    return csrfChecked.thenCompose(csrfOk -> {
      if (!csrfOk) {
        throw new ApiError(StatusCodes.FORBIDDEN, "bad_csrf_token", "send the session's CSRF token as " + AccountRoutes.CSRF_HEADER);
      }
      return people.accounts().user(session);
    }).thenApply(user -> user.orElseThrow(() -> new ApiError(StatusCodes.UNAUTHORIZED, "signed_out", "sign in first")));
  }

  /** Throws unless the request carries the admin token (403 while no admin token is configured). */
  public void requireAdmin(HttpRequest request) {
    if (adminTokenHash.isEmpty()) {
      throw new ApiError(StatusCodes.FORBIDDEN, "admin_disabled", "the admin API is off until VULCAN_ADMIN_TOKEN is set");
    }
    String token = BearerToken.of(request).orElseThrow(() ->
        new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <admin token>"));
    if (!isAdmin(token)) {
      throw new ApiError(StatusCodes.FORBIDDEN, "forbidden", "this token is not the admin token");
    }
  }

  /** The inner route for a request with the admin token, else its refusal (before the body is read). */
  public Route admin(HttpRequest request, Supplier<Route> inner) {
    try {
      requireAdmin(request);
    } catch (ApiError refused) {
      return Directives.complete(refused.toResponse());
    }
    return inner.get();
  }

  public boolean isAdmin(String token) {
    return !adminTokenHash.isEmpty() && BearerToken.matchesStored(token, adminTokenHash);
  }

  private static String describe(Via via) {
    return switch (via) {
      case ADMIN_TOKEN -> "admin token";
      case REPORT_KEY -> "report key";
      case SESSION -> "account";
      case API_KEY -> "API key";
      case SHARE_LINK -> "share link";
    };
  }

  private static ApiError forbidden(String siteId) {
    return new ApiError(StatusCodes.FORBIDDEN, "forbidden", "this credential may not read site '" + siteId + "'");
  }

  private static CompletionStage<Grant> done(Grant grant) {
    return CompletableFuture.completedFuture(grant);
  }
}
