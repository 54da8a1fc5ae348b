package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.store.RetentionSweep;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The site registry's API (docs/api.md, "Sites"): create, list, read and delete sites, change their
 * settings and rotate their secrets — by the admin token, or by people as their roles allow (any
 * signed-in person creates a site and owns it; admins change settings and secrets; the owner
 * deletes it). A secret is shown once, in the answer that made it; the registry keeps its hash only.
 */
public final class SiteAdminRoutes {

  private static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final int MAX_DOMAINS = 50;

  private final ReportAccess access;
  private final SiteCatalog sites;
  private final SitePurge purge;
  private final RetentionSweep retention;

  public SiteAdminRoutes(ReportAccess access, SiteCatalog sites, SitePurge purge, RetentionSweep retention) {
    this.access = access;
    this.sites = sites;
    this.purge = purge;
    this.retention = retention;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites"), () -> extractRequest(request -> concat(
        pathEnd(() -> concat(
            get(() -> respond(() -> list(request))),
            post(() -> creator(request, creator -> entity(Unmarshaller.entityToString(), body -> respond(() -> create(body, creator))))))),
        path(PathMatchers.segment(), siteId -> concat(
            get(() -> respond(() -> access.authorize(request, siteId, Role.VIEWER).thenApply(grant -> json(describe(grant.site()))))),
            patch(() -> access.authorized(request, siteId, Role.ADMIN, grant ->
                entity(Unmarshaller.entityToString(), body -> respond(() -> update(siteId, body))))),
            Directives.delete(() -> respond(() -> access.authorize(request, siteId, Role.OWNER).thenCompose(grant -> delete(siteId)))))),
        path(PathMatchers.segment().slash("keys"), siteId ->
            post(() -> access.authorized(request, siteId, Role.ADMIN, grant ->
                entity(Unmarshaller.entityToString(), body -> respond(() -> rotate(siteId, body)))))))));
  }

  /**
   * Who may create a site: the admin token (automation; no one owns the site until the admin token
   * gives it members) or any signed-in person (who becomes its owner). Checked before the body is read.
   */
  private Route creator(HttpRequest request, Function<Optional<String>, Route> inner) {
    if (BearerToken.of(request).isPresent()) {
      return access.admin(request, () -> inner.apply(Optional.empty()));
    }
    return ReportAccess.onStage(() -> access.signedIn(request), person -> inner.apply(Optional.of(person.email())));
  }

  /** A site's new secrets, which only the answer that made them carries. */
  private record Secrets(String ingestToken, String reportKey) {
    static Secrets fresh() {
      return new Secrets(secret(), secret());
    }
  }

  private CompletionStage<HttpResponse> create(String body, Optional<String> owner) {
    Secrets secrets = Secrets.fresh();
    Site site = newSite(body, secrets);
    return sites.repository().create(site).thenCompose(created -> {
      if (!created) {
        throw new ApiError(StatusCodes.CONFLICT, "site_exists", "a site '" + site.id() + "' exists already");
      }
      sites.remember(site);
      return owner.isEmpty() ? CompletableFuture.<Void>completedFuture(null) : access.people().members().addOwner(site.id(), owner.get());
    }).thenApply(done -> json(withSecrets(describe(site), secrets)).withStatus(StatusCodes.CREATED));
  }

  /**
   * New secrets for a site: {@code {"rotate": "both"}} (the default), {@code "ingest_token"} or
   * {@code "report_key"}. The old one is refused on this node at once and on the others at their
   * next registry reload.
   */
  private CompletionStage<HttpResponse> rotate(String siteId, String body) {
    String which;
    try {
      JsonNode json = body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
      which = json == null ? "both" : json.path("rotate").asText("both");
    } catch (JsonProcessingException e) {
      throw badRequest("bad_json", "the body is not JSON");
    }
    if (!List.of("both", "ingest_token", "report_key").contains(which)) {
      throw badRequest("bad_rotate", "rotate is both, ingest_token or report_key");
    }
    return sites.repository().find(siteId).thenCompose(found -> {
      Site site = found.orElseThrow(() -> notFound(siteId));
      String ingestToken = which.equals("report_key") ? null : secret();
      String reportKey = which.equals("ingest_token") ? null : secret();
      Site rotated = site.withSecrets(ingestToken == null ? site.ingestTokenHash() : BearerToken.hashOf(ingestToken),
          reportKey == null ? site.reportKeyHash() : BearerToken.hashOf(reportKey));
      return sites.repository().updateSecrets(rotated).thenApply(done -> {
        sites.remember(rotated);
        ObjectNode answer = describe(rotated);
        if (ingestToken != null) {
          answer.put("ingestToken", ingestToken);
        }
        if (reportKey != null) {
          answer.put("reportKey", reportKey);
        }
        return json(answer);
      });
    });
  }

  /**
   * Changes a site's settings: {@code {"retentionDays": n}} (0: kept as long as hits may be old).
   * A shorter retention deletes the days before it at once.
   */
  private CompletionStage<HttpResponse> update(String siteId, String body) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw badRequest("bad_json", "the body is not JSON");
    }
    if (json == null || !json.isObject() || !json.has("retentionDays")) {
      throw badRequest("bad_json", "the body is {\"retentionDays\": n}");
    }
    int days = retentionDays(json);
    return sites.repository().find(siteId).thenCompose(found -> {
      Site site = found.orElseThrow(() -> notFound(siteId)).withRetentionDays(days);
      return sites.repository().updateRetention(site).thenCompose(done -> {
        sites.remember(site);
        return retention.sweep(site);
      }).thenApply(swept -> json(describe(site)));
    });
  }

  private static int retentionDays(JsonNode json) {
    JsonNode days = json.path("retentionDays");
    if (days.isMissingNode()) {
      return 0;
    }
    if (!days.canConvertToInt() || !days.isIntegralNumber() || days.asInt() < 0) {
      throw badRequest("bad_retention", "retentionDays is a whole number of days, 0 to keep data as long as hits may be old");
    }
    return days.asInt();
  }

  /** The admin token: every site; a signed-in person: the sites they have a role on (the installation's owner: every site), with it. */
  private CompletionStage<HttpResponse> list(HttpRequest request) {
    if (BearerToken.of(request).isPresent()) {
      access.requireAdmin(request);
      return sites.repository().findAll().thenApply(all -> json(described(all, site -> null)));
    }
    return access.signedIn(request).thenCompose(person -> {
      if (person.owner()) {
        return sites.repository().findAll().thenApply(all -> json(described(all, site -> Role.OWNER)));
      }
      return access.people().members().sitesOf(person).thenApply(memberships -> {
        Map<String, Role> roles = new HashMap<>();
        memberships.forEach(m -> Role.of(m.role()).ifPresent(role -> roles.put(m.siteId(), role)));
        List<Site> theirs = roles.keySet().stream().map(sites::find).flatMap(Optional::stream).toList();
        return json(described(theirs, site -> roles.get(site.id())));
      });
    });
  }

  private static ArrayNode described(List<Site> all, Function<Site, Role> role) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    all.stream().sorted(Comparator.comparing(Site::id)).forEach(site -> {
      ObjectNode described = describe(site);
      Role theirs = role.apply(site);
      if (theirs != null) {
        described.put("role", theirs.key());
      }
      array.add(described);
    });
    return array;
  }

  private CompletionStage<HttpResponse> delete(String siteId) {
    // Out of the registry first (the edge refuses its hits, consumers skip them), then its data.
    return sites.repository().find(siteId).thenCompose(site -> {
      site.orElseThrow(() -> notFound(siteId));
      return sites.repository().delete(siteId);
    }).thenCompose(done -> {
      sites.forget(siteId);
      return purge.purge(siteId);
    }).thenApply(purged -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
  }

  private static Site newSite(String body, Secrets secrets) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw badRequest("bad_json", "the body is not JSON");
    }
    if (json == null || !json.isObject()) {
      throw badRequest("bad_json", "the body must be a JSON object");
    }
    String id = json.path("id").asText("").toLowerCase(Locale.ROOT);
    if (!SITE_ID.matcher(id).matches()) {
      throw badRequest("bad_site_id", "id is 1 to 100 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
    }
    JsonNode domainsNode = json.path("domains");
    List<String> domains = new ArrayList<>();
    if (domainsNode.isMissingNode()) {
      domains.add(id);
    } else if (domainsNode.isArray() && !domainsNode.isEmpty() && domainsNode.size() <= MAX_DOMAINS) {
      for (JsonNode domain : domainsNode) {
        domains.add(domain.asText("").toLowerCase(Locale.ROOT));
      }
    } else {
      throw badRequest("bad_domains", "domains is a list of 1 to " + MAX_DOMAINS + " host names");
    }
    for (String domain : domains) {
      if (!HOST.matcher(domain).matches()) {
        throw badRequest("bad_domains", "'" + domain + "' is not a host name");
      }
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(json.path("timezone").asText("UTC"));
    } catch (DateTimeException e) {
      throw badRequest("bad_timezone", "timezone must be an IANA zone such as Europe/Berlin");
    }
    return new Site(id, List.copyOf(domains), zone, BearerToken.hashOf(secrets.ingestToken()),
        BearerToken.hashOf(secrets.reportKey()), Instant.now(), retentionDays(json));
  }

  private static ObjectNode describe(Site site) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", site.id());
    ArrayNode domains = node.putArray("domains");
    site.domains().forEach(domains::add);
    node.put("timezone", site.timezone().getId());
    node.put("retentionDays", site.retentionDays());
    node.put("createdAt", site.createdAt().toString());
    return node;
  }

  private static ObjectNode withSecrets(ObjectNode described, Secrets secrets) {
    return described.put("ingestToken", secrets.ingestToken()).put("reportKey", secrets.reportKey());
  }

  private static String secret() {
    return RandomSecret.urlSafe(24);
  }

  private static ApiError notFound(String siteId) {
    return new ApiError(StatusCodes.NOT_FOUND, "unknown_site", "no site '" + siteId + "'");
  }

  private static ApiError badRequest(String code, String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, code, message);
  }
}
