package biz.vulcantracker.beacon;

import biz.vulcantracker.beacon.spool.EdgeSpool;
import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.queue.HitAppender;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import biz.vulcantracker.telemetry.Telemetry;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the edge does with a beacon request, whichever server read it ({@link BeaconRoutes} in Pekko
 * HTTP, or the front's fast path in {@code beacon.front}): rate limit → authorize the site, the
 * page's host and the Origin → the site's budget → anonymize (the client address becomes visitor ids and geo fields,
 * then is dropped) → append to the queue. Nothing reaches the queue unless every hit is valid.
 * Refusals are {@link ApiError}s, thrown or failing the returned stage.
 */
public final class BeaconIntake {

  private static final Logger log = LoggerFactory.getLogger(BeaconIntake.class);
  private static final String CHANNEL = Property.BEACON_ORIGIN;

  private final BeaconSettings settings;
  private final BeaconParser parser;
  private final SiteCatalog sites;
  private final Anonymizer anonymizer;
  private final RateLimiter rateLimiter;
  private final SiteBudget siteBudget;
  private final EdgeSpool queue;
  private final Telemetry telemetry;
  private final LedgerTally ledger;

  public BeaconIntake(BeaconSettings settings, SiteCatalog sites, Anonymizer anonymizer, EdgeSpool queue, Telemetry telemetry,
      LedgerTally ledger) {
    this.ledger = ledger;
    this.settings = settings;
    this.parser = new BeaconParser(settings);
    this.sites = sites;
    this.anonymizer = anonymizer;
    this.rateLimiter = new RateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst());
    this.siteBudget = new SiteBudget(settings.siteBudgetPerSecond(), settings.siteBudgetBurst());
    this.queue = queue;
    this.telemetry = telemetry;
  }

  public BeaconSettings settings() {
    return settings;
  }

  public BeaconParser parser() {
    return parser;
  }

  /** Who sent a request: the peer of the connection and what its headers say. */
  public record Caller(InetAddress peer, Optional<String> forwardedFor, Optional<String> origin, String userAgent) {}

  /**
   * Queues the hits of one request, to Redis through {@code redis} (or to the spool while Redis is
   * away); completes with their number once one of them holds them all. Throws, or fails with, an
   * {@link ApiError} when the request is refused.
   */
  public CompletionStage<Integer> accept(Caller caller, List<BeaconRequest> hits, HitAppender redis) {
    CompletionStage<Integer> accepted;
    try {
      accepted = admit(caller, hits, redis);
    } catch (ApiError refused) {
      countInLedger(hits, refused.code());
      throw refused;
    }
    return accepted.whenComplete((count, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        countInLedger(hits, cause instanceof ApiError error ? error.code() : "queue_unavailable");
      }
    });
  }

  /**
   * A GET's hit, parsed from its query; a malformed one is refused, and counted in the ledger of the
   * registered site its {@code s} names (a malformed body names none it can be trusted for).
   */
  public List<BeaconRequest> parseQuery(Map<String, String> params) {
    try {
      return List.of(parser.fromQuery(params));
    } catch (ApiError malformed) {
      Optional.ofNullable(params.get("s")).flatMap(sites::find).ifPresent(site -> ledger.refused(site, malformed.code(), 1));
      throw malformed;
    }
  }

  /** Counts refused hits in their registered sites' ledgers (a hit naming no registered site is in no ledger). */
  private void countInLedger(List<BeaconRequest> hits, String code) {
    Map<String, Integer> perSite = new HashMap<>();
    hits.stream().filter(hit -> hit.siteId() != null).forEach(hit -> perSite.merge(hit.siteId(), 1, Integer::sum));
    perSite.forEach((siteId, count) -> sites.find(siteId).ifPresent(site -> ledger.refused(site, code, count)));
  }

  private CompletionStage<Integer> admit(Caller caller, List<BeaconRequest> hits, HitAppender redis) {
    InetAddress client = anonymizer.clientOf(caller.peer(), caller.forwardedFor());
    if (!rateLimiter.tryAcquire(client)) {
      throw new ApiError(StatusCodes.TOO_MANY_REQUESTS, "rate_limited", "too many hits from this client; slow down");
    }
    Optional<String> originHost = caller.origin().flatMap(BeaconIntake::hostOf);
    if (caller.origin().isPresent() && originHost.isEmpty()) {
      // "null" (a sandboxed frame, a file: page, a redirect across origins) or unparsable: no site's page.
      throw new ApiError(StatusCodes.FORBIDDEN, "origin_not_allowed", "the request's Origin is not a page of any site");
    }
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
    // Taken per site only once every hit is valid, so a refused request spends nothing.
    Map<String, Integer> perSite = new HashMap<>();
    hits.forEach(hit -> perSite.merge(hit.siteId(), 1, Integer::sum));
    perSite.forEach((siteId, count) -> {
      if (!siteBudget.tryAcquire(siteId, count)) {
        throw new ApiError(StatusCodes.TOO_MANY_REQUESTS, "site_over_budget",
            "site '" + siteId + "' is sent more hits than it may take now; retry later");
      }
    });
    GeoLocator.Location location = anonymizer.locate(client);
    long now = System.currentTimeMillis();
    if (hits.size() == 1) { // every GET, and most POSTs: no need to gather
      return anonymizer.anonymize(incoming(hits.get(0), caller.userAgent(), now), client, location)
          .thenCompose(hit -> queue.append(List.of(hit), redis))
          .thenApply(this::accepted);
    }
    List<CompletableFuture<QueuedHit>> queued = new ArrayList<>(hits.size());
    for (BeaconRequest hit : hits) {
      queued.add(anonymizer.anonymize(incoming(hit, caller.userAgent(), now), client, location));
    }
    // From here on only the visitor ids and the location remain of the address.
    return CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))
        .thenCompose(all -> queue.append(queued.stream().map(CompletableFuture::join).toList(), redis))
        .thenApply(this::accepted);
  }

  private int accepted(int count) {
    telemetry.hitsAccepted(CHANNEL, count);
    return count;
  }

  private static Anonymizer.IncomingHit incoming(BeaconRequest hit, String userAgent, long now) {
    return new Anonymizer.IncomingHit(hit.siteId(), now, CHANNEL, hit.eventName(), hit.url(), hit.referrer(),
        hit.screenWidth(), hit.props(), hit.engagementMs(), hit.clientEventId(), userAgent);
  }

  /**
   * A CORS preflight names no site, so it is allowed for the origins of every registered site;
   * empty when allowed, else the refusal.
   */
  public Optional<ApiError> preflightRefusal(Optional<String> origin) {
    if (origin.flatMap(BeaconIntake::hostOf).filter(sites::isSiteDomain).isEmpty()) {
      return Optional.of(new ApiError(StatusCodes.FORBIDDEN, "origin_not_allowed", "the origin is not a domain of any site"));
    }
    return Optional.empty();
  }

  /** Counts a refused request by the code of its answer. */
  public void refused(String code) {
    telemetry.hitsRejected(CHANNEL, code, 1);
  }

  public ApiError tooLarge() {
    return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is larger than " + settings.maxBodyBytes() + " bytes");
  }

  /** Past validation the only way left to fail is the queue (Redis down, slow or refusing). */
  public ApiError queueUnavailable(Throwable cause) {
    log.warn("Queue unavailable: {}", cause.getClass().getName());
    refused("queue_unavailable");
    return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "queue_unavailable", "the hit could not be queued; retry later");
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
}
