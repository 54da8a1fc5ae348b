package biz.vulcantracker.beacon;

import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.queue.QueuedHit;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The privacy step, the one place a client's address is used, for both channels (beacons and log
 * lines): the client behind trusted proxies, its location, and its daily-salted visitor ids. What
 * leaves here is a {@link QueuedHit}, which has no field that could hold the address.
 */
public final class Anonymizer {

  /**
   * The longest User-Agent kept, in characters; longer ones are cut. Real browsers' stay under 300
   * (a few apps' reach 400); what is longer is padding meant to make every hit queued, hashed and
   * classified cost more.
   */
  public static final int MAX_USER_AGENT_CHARS = 512;

  /**
   * What a channel read of one hit, everything but the client.
   *
   * @param timestamp when the hit happened (a beacon: when it arrived; a log line: its time), epoch ms
   * @param channel {@code beacon} or {@code log}
   */
  public record IncomingHit(String siteId, long timestamp, String channel, String eventName, String url, String referrer,
      Integer screenWidth, Map<String, String> props, Long engagementMs, String clientEventId, String userAgent) {}

  private final TrustedProxies trustedProxies;
  private final VisitorIds visitorIds;
  private final GeoLocator geo;
  private final UserAgentClassifier agents;

  public Anonymizer(TrustedProxies trustedProxies, VisitorIds visitorIds, GeoLocator geo, UserAgentClassifier agents) {
    this.trustedProxies = trustedProxies;
    this.visitorIds = visitorIds;
    this.geo = geo;
    this.agents = agents;
  }

  /** The client: the peer, or the address a trusted proxy in front of it names. */
  public InetAddress clientOf(InetAddress peer, Optional<String> forwardedFor) {
    return trustedProxies.clientAddress(peer, forwardedFor);
  }

  public GeoLocator.Location locate(InetAddress client) {
    return geo.locate(client);
  }

  /**
   * The hit as it is queued: the client's visitor ids under the salts of the hit's day and the day
   * before, its location, its User-Agent's classification, a new time-ordered hit id; neither the
   * address nor the User-Agent is kept (with the day's salt, the two would let the address be
   * brute-forced from the visitor id).
   */
  public CompletableFuture<QueuedHit> anonymize(IncomingHit hit, InetAddress client, GeoLocator.Location location) {
    return anonymize(hit, client, location, HitIds.next(hit.timestamp()));
  }

  /** The same with a hit id the channel derived (a log line's, from its content). */
  public CompletableFuture<QueuedHit> anonymize(IncomingHit hit, InetAddress client, GeoLocator.Location location, String hitId) {
    String userAgent = hit.userAgent() == null || hit.userAgent().length() <= MAX_USER_AGENT_CHARS
        ? hit.userAgent() : hit.userAgent().substring(0, MAX_USER_AGENT_CHARS);
    UserAgentClassifier.Agent agent = agents.classify(userAgent);
    return visitorIds.idsOf(hit.siteId(), client, userAgent, Instant.ofEpochMilli(hit.timestamp()))
        .thenApply(ids -> new QueuedHit(
            hitId, hit.siteId(), hit.timestamp(), hit.channel(), hit.eventName(), hit.url(),
            hit.referrer(), hit.screenWidth(), hit.props(), hit.engagementMs(), hit.clientEventId(),
            ids.today(), ids.yesterday().orElse(null), null,
            agent.browser(), agent.browserVersion(), agent.os(), agent.osVersion(), agent.device(), agent.bot(),
            location.country(), location.region(), location.city()))
        .toCompletableFuture();
  }
}
