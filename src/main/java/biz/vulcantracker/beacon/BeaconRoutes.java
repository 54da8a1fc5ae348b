package biz.vulcantracker.beacon;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.ApiError;
import biz.vulcantracker.ops.Telemetry;
import biz.vulcantracker.queue.EdgeSpool;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST|OPTIONS /api/v1/beacon}, and the tracking script.
 *
 * <p>A hit: rate limit → parse → authorize the site, the page's host and the Origin → anonymize
 * (the client address becomes visitor ids and geo fields, then is dropped) → append to the queue →
 * 204 once Redis holds every hit. Nothing reaches Redis unless the whole request is valid. Answers
 * to pages of the site carry CORS headers echoing the page's origin.
 */
public final class BeaconRoutes {

  private static final Logger log = LoggerFactory.getLogger(BeaconRoutes.class);
  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);
  private static final String PREFLIGHT_MAX_AGE_SECONDS = "86400";
  private static final String CHANNEL = "beacon";

  private final BeaconSettings settings;
  private final BeaconParser parser;
  private final SiteCatalog sites;
  private final VisitorIds visitorIds;
  private final GeoLocator geo;
  private final RateLimiter rateLimiter;
  private final EdgeSpool queue;
  private final TrackingScript script;
  private final Telemetry telemetry;

  public BeaconRoutes(BeaconSettings settings, SiteCatalog sites, VisitorIds visitorIds, GeoLocator geo, EdgeSpool queue,
      Telemetry telemetry) {
    this.telemetry = telemetry;
    this.settings = settings;
    this.parser = new BeaconParser(settings);
    this.sites = sites;
    this.visitorIds = visitorIds;
    this.geo = geo;
    this.rateLimiter = new RateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst());
    this.queue = queue;
    this.script = new TrackingScript(settings.scriptMaxAge());
  }

  public Route route() {
    return concat(
        script.route(),
        pathPrefix("api", () -> pathPrefix("v1", () -> path("beacon", () -> extractRequest(request -> concat(
            get(() -> parameterMap(params -> answer(request, () -> List.of(parser.fromQuery(params))))),
            post(() -> readBody(request)),
            options(() -> complete(preflight(request)))))))));
  }

  private Route readBody(HttpRequest request) {
    return extractMaterializer(materializer -> {
      var entity = request.entity();
      if (entity.getContentLengthOption().orElse(0L) > settings.maxBodyBytes()) {
        refused(tooLarge().code());
        return complete(tooLarge().toResponse());
      }
      return completeWithFuture(ApiError.answer(() -> entity
          .withSizeLimit(settings.maxBodyBytes())
          .toStrict(BODY_READ_TIMEOUT.toMillis(), materializer)
          .thenCompose(strict -> accept(request, parser.fromBody(strict.getData().utf8String()))),
          this::failureResponse, this::refused));
    });
  }

  private Route answer(HttpRequest request, Supplier<List<BeaconRequest>> parse) {
    return completeWithFuture(ApiError.answer(() -> accept(request, parse.get()), this::failureResponse, this::refused));
  }

  /** Counts a refused request by the code of its answer. */
  private void refused(String code) {
    telemetry.hitsRejected(CHANNEL, code, 1);
  }

  private CompletionStage<HttpResponse> accept(HttpRequest request, List<BeaconRequest> hits) {
    InetAddress client = clientAddress(request);
    if (!rateLimiter.tryAcquire(client)) {
      throw new ApiError(StatusCodes.TOO_MANY_REQUESTS, "rate_limited", "too many hits from this client; slow down");
    }
    Optional<String> originHost = request.getHeader("Origin").map(HttpHeader::value).flatMap(BeaconRoutes::hostOf);
    for (BeaconRequest hit : hits) {
      Site site = sites.find(hit.siteId()).orElseThrow(() ->
          new ApiError(StatusCodes.FORBIDDEN, "unknown_site", "no site is registered as '" + hit.siteId() + "'"));
      if (!site.acceptsHost(hit.host())) {
        throw originNotAllowed(hit.host());
      }
      if (originHost.isPresent() && !site.acceptsHost(originHost.get())) {
        throw originNotAllowed(originHost.get());
      }
    }
    String userAgent = request.getHeader("User-Agent").map(HttpHeader::value).orElse("");
    GeoLocator.Location location = geo.locate(client);
    Instant now = Instant.now();
    List<CompletableFuture<QueuedHit>> queued = new ArrayList<>(hits.size());
    for (BeaconRequest hit : hits) {
      queued.add(visitorIds.idsOf(hit.siteId(), client, userAgent, now)
          .thenApply(ids -> toQueued(hit, ids, userAgent, location, now.toEpochMilli()))
          .toCompletableFuture());
    }
    // From here on only the visitor ids and the location remain of the address.
    return CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))
        .thenCompose(all -> queue.append(queued.stream().map(CompletableFuture::join).toList()))
        .thenApply(count -> {
          telemetry.hitsAccepted(CHANNEL, count);
          return withCors(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT), request);
        });
  }

  private static QueuedHit toQueued(
      BeaconRequest hit, VisitorIds.Ids ids, String userAgent, GeoLocator.Location location, long now) {
    return new QueuedHit(
        HitIds.next(now), hit.siteId(), now, "beacon", hit.eventName(), hit.url(), hit.referrer(),
        hit.screenWidth(), hit.props(), hit.engagementMs(), hit.clientEventId(),
        ids.today(), ids.yesterday().orElse(null), userAgent,
        location.country(), location.region(), location.city());
  }

  /** CORS preflight: allowed for the origins of registered sites (a preflight names no site). */
  private HttpResponse preflight(HttpRequest request) {
    Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
    if (origin.flatMap(BeaconRoutes::hostOf).filter(sites::isSiteDomain).isEmpty()) {
      return ApiError.response(StatusCodes.FORBIDDEN, "origin_not_allowed", "the origin is not a domain of any site");
    }
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT).addHeaders(List.of(
        RawHeader.create("Access-Control-Allow-Origin", origin.get()),
        RawHeader.create("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        RawHeader.create("Access-Control-Allow-Headers", "Content-Type"),
        RawHeader.create("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS),
        RawHeader.create("Vary", "Origin")));
  }

  /** The hits were accepted for a site whose domains include the origin (checked above). */
  private static HttpResponse withCors(HttpResponse response, HttpRequest request) {
    return request.getHeader("Origin")
        .map(origin -> response.addHeaders(List.of(
            RawHeader.create("Access-Control-Allow-Origin", origin.value()),
            RawHeader.create("Vary", "Origin"))))
        .orElse(response);
  }

  private InetAddress clientAddress(HttpRequest request) {
    InetAddress peer = request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .orElseThrow(() -> new IllegalStateException("pekko.http.server.remote-address-attribute is off"));
    Optional<String> forwardedFor = request.getHeader("X-Forwarded-For").map(HttpHeader::value);
    return settings.trustedProxies().clientAddress(peer, forwardedFor);
  }

  private static Optional<String> hostOf(String origin) {
    try {
      return Optional.ofNullable(URI.create(origin).getHost()).map(h -> h.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static ApiError originNotAllowed(String host) {
    return new ApiError(StatusCodes.FORBIDDEN, "origin_not_allowed", "the page's host '" + host + "' is not one of the site's domains");
  }

  private ApiError tooLarge() {
    return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is larger than " + settings.maxBodyBytes() + " bytes");
  }

  private HttpResponse failureResponse(Throwable cause) {
    if (cause instanceof EntityStreamSizeException) {
      refused("too_large");
      return ApiError.response(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is too large");
    }
    // Past validation the only way left to fail is the queue (Redis down, slow or refusing).
    log.warn("Queue unavailable: {}", cause.getClass().getName());
    refused("queue_unavailable");
    return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "queue_unavailable", "the hit could not be queued; retry later");
  }
}
