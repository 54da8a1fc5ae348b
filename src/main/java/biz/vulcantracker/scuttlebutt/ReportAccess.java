package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Who may read what: the admin token reads every site, a site's report key reads that site only.
 * A key of site A asking for site B gets 403 whether or not B exists, so keys cannot probe for
 * site ids. Secrets are compared in constant time.
 */
public final class ReportAccess {

  private final SiteCatalog sites;
  /** The admin token's hash; empty while the admin API is off. The token itself is not kept. */
  private final String adminTokenHash;

  /** The shortest admin token a node starts with: it reads and deletes every site. */
  public static final int MIN_ADMIN_TOKEN_CHARS = 32;

  /** @param adminToken empty while the admin API is off; otherwise at least {@value #MIN_ADMIN_TOKEN_CHARS} characters */
  public ReportAccess(SiteCatalog sites, String adminToken) {
    if (!adminToken.isEmpty() && adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
      throw new IllegalArgumentException("the admin token (VULCAN_ADMIN_TOKEN) must be at least " + MIN_ADMIN_TOKEN_CHARS
          + " characters; make one with: openssl rand -hex 24");
    }
    this.sites = sites;
    this.adminTokenHash = adminToken.isEmpty() ? "" : BearerToken.hashOf(adminToken);
  }

  /** The site, if the request's bearer token may read it; otherwise throws 401/403/404. */
  public Site authorize(HttpRequest request, String siteId) {
    String token = BearerToken.of(request).orElseThrow(() ->
        new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <report key>"));
    return authorize(token, siteId);
  }

  /** The same check for a token given another way (the WebSocket's subprotocol: browsers send no headers there). */
  public Site authorize(String token, String siteId) {
    Optional<Site> site = sites.find(siteId);
    if (isAdmin(token)) {
      return site.orElseThrow(() -> new ApiError(StatusCodes.NOT_FOUND, "unknown_site", "no site '" + siteId + "'"));
    }
    if (site.isEmpty() || !BearerToken.matchesStored(token, site.get().reportKeyHash())) {
      throw new ApiError(StatusCodes.FORBIDDEN, "forbidden", "this key may not read site '" + siteId + "'");
    }
    return site.get();
  }

  /**
   * Who holds an accepted token, for {@link KeyQuotas}: "admin", or the site whose report key it is.
   * Call after {@link #authorize}.
   */
  public String holder(String token, Site site) {
    return isAdmin(token) ? "admin" : "site:" + site.id();
  }

  public String holder(HttpRequest request, Site site) {
    return holder(BearerToken.of(request).orElse(""), site);
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

  /**
   * The inner route for a request with the admin token, else its refusal: checked before a byte of
   * the body is read, so nobody else makes the node read one.
   */
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
}
