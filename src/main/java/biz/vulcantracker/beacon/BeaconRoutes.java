package biz.vulcantracker.beacon;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.ApiError;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST /api/v1/beacon}: parse → authorize the site and the page's host → anonymize (the
 * client address becomes visitor ids and is dropped) → append to the queue → 204 once Redis has
 * every hit. Nothing reaches Redis unless the whole request is valid.
 */
public final class BeaconRoutes {

  private static final Logger log = LoggerFactory.getLogger(BeaconRoutes.class);
  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);

  private final BeaconSettings settings;
  private final BeaconParser parser;
  private final SiteCatalog sites;
  private final VisitorIds visitorIds;
  private final HitProducer producer;

  public BeaconRoutes(
      BeaconSettings settings, SiteCatalog sites, VisitorIds visitorIds, HitProducer producer) {
    this.settings = settings;
    this.parser = new BeaconParser(settings);
    this.sites = sites;
    this.visitorIds = visitorIds;
    this.producer = producer;
  }

  public Route route() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> path("beacon", () -> concat(
        get(() -> extractRequest(request -> parameterMap(params ->
            answer(request, () -> List.of(parser.fromQuery(params)))))),
        post(() -> extractRequest(request -> extractMaterializer(materializer -> {
          var entity = request.entity();
          if (entity.getContentLengthOption().orElse(0L) > settings.maxBodyBytes()) {
            return complete(tooLarge().toResponse());
          }
          CompletionStage<HttpResponse> response = entity
              .withSizeLimit(settings.maxBodyBytes())
              .toStrict(BODY_READ_TIMEOUT.toMillis(), materializer)
              .thenCompose(strict -> accept(request, parser.fromBody(strict.getData().utf8String())))
              .exceptionally(BeaconRoutes::errorResponse);
          return completeWithFuture(response);
        })))))));
  }

  private Route answer(HttpRequest request, Supplier<List<BeaconRequest>> parse) {
    CompletionStage<HttpResponse> response;
    try {
      response = accept(request, parse.get()).exceptionally(BeaconRoutes::errorResponse);
    } catch (ApiError error) {
      response = CompletableFuture.completedFuture(error.toResponse());
    }
    return completeWithFuture(response);
  }

  private CompletionStage<HttpResponse> accept(HttpRequest request, List<BeaconRequest> hits) {
    for (BeaconRequest hit : hits) {
      Site site = sites.find(hit.siteId()).orElseThrow(() ->
          new ApiError(StatusCodes.FORBIDDEN, "unknown_site", "no site is registered as '" + hit.siteId() + "'"));
      if (!site.acceptsHost(hit.host())) {
        throw new ApiError(StatusCodes.FORBIDDEN, "origin_not_allowed",
            "the page's host '" + hit.host() + "' is not one of the site's domains");
      }
    }
    InetAddress client = clientAddress(request);
    String userAgent = request.getHeader("User-Agent").map(h -> h.value()).orElse("");
    Instant now = Instant.now();
    List<CompletableFuture<QueuedHit>> queued = new ArrayList<>(hits.size());
    for (BeaconRequest hit : hits) {
      queued.add(visitorIds.idsOf(hit.siteId(), client, userAgent, now)
          .thenApply(ids -> toQueued(hit, ids, userAgent, now.toEpochMilli()))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))
        .thenCompose(all -> producer.append(queued.stream().map(CompletableFuture::join).toList()))
        .thenApply(entryIds -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
  }

  private static QueuedHit toQueued(BeaconRequest hit, VisitorIds.Ids ids, String userAgent, long now) {
    return new QueuedHit(
        HitIds.next(now), hit.siteId(), now, "beacon", hit.eventName(), hit.url(), hit.referrer(),
        hit.screenWidth(), hit.props(), hit.engagementMs(), hit.clientEventId(),
        ids.today(), ids.yesterday().orElse(null), userAgent, null, null, null);
  }

  private InetAddress clientAddress(HttpRequest request) {
    InetAddress peer = request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .orElseThrow(() -> new IllegalStateException("pekko.http.server.remote-address-attribute is off"));
    Optional<String> forwardedFor = request.getHeader("X-Forwarded-For").map(h -> h.value());
    return settings.trustedProxies().clientAddress(peer, forwardedFor);
  }

  private ApiError tooLarge() {
    return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "too_large",
        "the body is larger than " + settings.maxBodyBytes() + " bytes");
  }

  private static HttpResponse errorResponse(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof ApiError error) {
      return error.toResponse();
    }
    if (cause instanceof EntityStreamSizeException) {
      return ApiError.response(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is too large");
    }
    // Past validation the only way left to fail is the queue (Redis down, slow or refusing).
    log.warn("Queue unavailable: {}", cause.getClass().getName());
    return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "queue_unavailable",
        "the hit could not be queued; retry later");
  }
}
