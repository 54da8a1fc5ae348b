package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.katric.LiveReport;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.Filters;
import biz.vulcantracker.scuttlebutt.query.LiveModel;
import biz.vulcantracker.scuttlebutt.query.Metrics;
import biz.vulcantracker.scuttlebutt.query.Period;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import biz.vulcantracker.store.Site;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * {@code GET /api/v1/sites/{site}/live} with {@code Sec-WebSocket-Protocol: vulcan-live, <report key>}: a WebSocket that first sends a
 * {@code snapshot} of the site's live picture, then an {@code update} after each batch its entity
 * persisted (each with the recent firings of the site's alert rules). A client may send
 * {@code {"type": "filters", "filters": …}}: the aggregate of the messages after it is of those filters.
 *
 * <p>Each socket is a subscriber actor (an {@link ActorSource} subscribed to the site's topic on
 * this node, so the entity may live on any node) feeding a stream that keeps only the latest report
 * when the client is slower than the updates (reports are absolute, nothing is lost by skipping
 * one), also asks for the report every {@code REFRESH} (an update published before the topic knew
 * of a new subscriber is lost; current visitors fall without any hit) and sends at most {@value #MAX_PER_SECOND} messages a second ({@link LatestAtMostEvery}). A client that
 * never reads holds one report, not a queue; when a socket closes its actor stops and the topic
 * forgets it. Protocol pings keep proxies from closing an idle socket
 * ({@code pekko.http.server.websocket.periodic-keep-alive-max-idle}).
 */
public final class LiveRoutes {

  /** The subprotocol of the live report; the key is offered beside it. */
  public static final String PROTOCOL = "vulcan-live";
  static final int MAX_PER_SECOND = 4;
  /** The longest message a client may send (a filters message); longer ones are read and refused. */
  static final int MAX_CLIENT_CHARS = 4_096;
  private static final int SUBSCRIBER_BUFFER = 8;
  /** How often a socket also asks for the report itself (see {@link #socket}). */
  static final Duration REFRESH = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final ReportAccess access;
  private final SiteTopics topics;
  private final LiveModel liveModel;
  private final KeyQuotas quotas;
  private final StatsQueries queries;
  private final ReportDefinitions definitions;
  private final AtomicInteger openSockets = new AtomicInteger();

  public LiveRoutes(ActorSystem<?> system, ReportAccess access, SiteTopics topics, LiveModel liveModel, KeyQuotas quotas,
      StatsQueries queries, ReportDefinitions definitions) {
    this.system = system;
    this.queries = queries;
    this.definitions = definitions;
    this.access = access;
    this.topics = topics;
    this.liveModel = liveModel;
    this.quotas = quotas;
  }

  /** Live sockets open on this node (a gauge for operators and the tests). */
  public int openSockets() {
    return openSockets.get();
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("live"), siteId ->
        get(() -> parameterOptional("token", inUrl -> extractRequest(request -> {
          ReportAccess.Credential credential;
          try {
            if (inUrl.isPresent()) {
              // A URL is logged by proxies and kept in browser history: a key there is a key leaked.
              throw new ApiError(StatusCodes.BAD_REQUEST, "key_in_url",
                  "send the report key as a subprotocol (Sec-WebSocket-Protocol: " + PROTOCOL + ", <key>), never in the URL");
            }
            Optional<String> key = keyOf(request);
            ReportAccess.Credential sent = ReportAccess.Credential.of(request);
            if (key.isEmpty() && sent.session().isEmpty()) {
              throw new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized",
                  "sign in, or send the report key as a subprotocol: Sec-WebSocket-Protocol: " + PROTOCOL + ", <key>");
            }
            if (key.isPresent() && access.isAdmin(key.get())) {
              // The admin token deletes sites: it never travels where a page's script can read it.
              throw new ApiError(StatusCodes.FORBIDDEN, "admin_token_refused", "the live report takes a site's report key, not the admin token");
            }
            credential = new ReportAccess.Credential(key, key.isPresent() ? Optional.empty() : sent.session(), Optional.empty(), false);
          } catch (ApiError error) {
            return complete(error.toResponse());
          }
          return ReportAccess.onStage(() -> access.authorize(credential, siteId, Role.VIEWER), grant -> {
            // The live picture is of all traffic: a share link kept to a segment reads the stats API instead.
            grant.requireWholeSite("the live report");
            checkOrigin(request, grant);
            if (!quotas.hasSocketRoom(grant.holder())) {
              throw tooManySockets();
            }
            return handleWebSocketMessagesForProtocol(socket(grant.site(), grant.holder(), credential), PROTOCOL);
          });
        }))));
  }

  /**
   * The key among the subprotocols the client offers: {@value #PROTOCOL} and the key (a browser's
   * WebSocket can send no header of its own, but it can offer subprotocols). The server answers with
   * {@value #PROTOCOL} alone, so the key is not echoed.
   */
  private static Optional<String> keyOf(HttpRequest request) {
    List<String> offered = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.is("sec-websocket-protocol")) {
        for (String protocol : header.value().split(",")) {
          offered.add(protocol.strip());
        }
      }
    }
    if (!offered.contains(PROTOCOL)) {
      return Optional.empty();
    }
    return offered.stream().filter(protocol -> !protocol.equals(PROTOCOL) && !protocol.isEmpty()).findFirst();
  }

  /**
   * The socket: its place among the key's sockets is taken when it opens (one that lost a race for
   * the last place gets an error message and is closed) and given back when it closes. Its
   * credential is asked again every {@code REFRESH}: a share link or key revoked, a member removed
   * or a report key rotated closes the socket with an {@code access_revoked} message.
   */
  private Flow<Message, Message, NotUsed> socket(Site site, String holder, ReportAccess.Credential credential) {
    LiveView view = new LiveView();
    Source<Message, NotUsed> out = Source.lazySource(() -> {
      if (!quotas.openSocket(holder)) {
        ApiError full = tooManySockets();
        return Source.<Message>single(TextMessage.create(ApiError.json(full.code(), full.getMessage())));
      }
      return reports(site, holder, view).merge(revoked(site, credential), true).watchTermination((notUsed, done) -> {
        openSockets.incrementAndGet();
        done.whenComplete((ok, error) -> {
          openSockets.decrementAndGet();
          quotas.closeSocket(holder);
        });
        return NotUsed.getInstance();
      });
    }).mapMaterializedValue(future -> NotUsed.getInstance());
    Materializer materializer = Materializer.matFromSystem(system);
    // What the client sends is read whole (streamed messages must be drained, or the socket stalls),
    // kept up to MAX_CLIENT_CHARS: a {"type": "filters"} message sets the view's filters.
    // One message at a time: filters sent one after the other apply in that order.
    Sink<Message, ?> in = Flow.<Message>create().mapAsync(1, message -> {
      if (message.isText()) {
        return message.asTextMessage().getStreamedText()
            .runFold(new StringBuilder(), (text, part) -> text.length() + part.length() > MAX_CLIENT_CHARS ? text.append('\u0000') : text.append(part),
                materializer)
            .thenCompose(text -> readFilters(site, text.toString()))
            .thenApply(Optional::of);
      }
      return message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer).thenApply(done -> Optional.<LiveFilters>empty());
    }).to(Sink.foreach(filters -> filters.ifPresent(view::filter)));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  /** One {@code access_revoked} message once the socket's credential is refused (a store that does not answer refuses nothing). */
  private Source<Message, NotUsed> revoked(Site site, ReportAccess.Credential credential) {
    return Source.tick(REFRESH, REFRESH, "check")
        .mapAsync(1, tick -> access.authorize(credential, site.id(), Role.VIEWER).handle((grant, failure) ->
            ApiError.unwrap(failure) instanceof ApiError refusal && (refusal.status().intValue() == 401 || refusal.status().intValue() == 403)))
        .filter(refused -> refused)
        .take(1)
        .map(refused -> (Message) TextMessage.create(ApiError.json("access_revoked", "this socket's credential no longer reads site '"
            + site.id() + "'")))
        .mapMaterializedValue(cancellable -> NotUsed.getInstance());
  }

  private ApiError tooManySockets() {
    return new ApiError(StatusCodes.TOO_MANY_REQUESTS, "too_many_sockets", "this key has as many live sockets open as it may");
  }

  /**
   * The filters a client set with {@code {"type": "filters", "filters": "<the stats API's filters>"}}
   * (saved segments included; {@code ""} for none), or a refusal for ones that do not parse.
   */
  private CompletionStage<LiveFilters> readFilters(Site site, String text) {
    JsonNode message;
    try {
      message = text.indexOf('\u0000') >= 0 ? null : Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      message = null;
    }
    if (message == null || !"filters".equals(message.path("type").asText()) || !message.path("filters").isTextual()) {
      return CompletableFuture.completedFuture(LiveFilters.refused("a client message is {\"type\": \"filters\", \"filters\": \"…\"} of at most "
          + MAX_CLIENT_CHARS + " characters"));
    }
    String filters = message.path("filters").asText();
    // Composed on a completed stage: filters that do not parse are refused by a throw, which becomes a failed stage here.
    return CompletableFuture.completedFuture(filters).thenCompose(asked -> definitions.filters(site.id(), asked))
        .thenApply(parsed -> parsed.isEmpty() ? LiveFilters.NONE : new LiveFilters(filters, parsed, null))
        .exceptionally(error -> {
          Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
          return LiveFilters.refused(cause instanceof ApiError refusal ? refusal.getMessage() : "the filters could not be read");
        });
  }

  /** A socket's filters: none, some, or a refusal of the last ones sent (then the aggregate is of all traffic). */
  private record LiveFilters(String text, Filters parsed, String refusal) {
    static final LiveFilters NONE = new LiveFilters(null, null, null);

    static LiveFilters refused(String why) {
      return new LiveFilters(null, null, why);
    }
  }

  /** One socket's filters, and the report last sent (sent again, filtered anew, when the filters change). */
  private static final class LiveView {
    final AtomicReference<LiveFilters> filters = new AtomicReference<>(LiveFilters.NONE);
    final AtomicReference<LiveReport> last = new AtomicReference<>();
    volatile ActorRef<LiveReport> subscriber;

    void filter(LiveFilters changed) {
      filters.set(changed);
      LiveReport report = last.get();
      if (report != null && subscriber != null) {
        subscriber.tell(report);
      }
    }
  }

  /** The socket's messages: the snapshot, then the updates. */
  private Source<Message, NotUsed> reports(Site site, String holder, LiveView view) {
    Pair<ActorRef<LiveReport>, Source<LiveReport, NotUsed>> subscriber =
        ActorSource.<LiveReport>actorRef(report -> false, report -> Optional.empty(), SUBSCRIBER_BUFFER, OverflowStrategy.dropHead())
            .preMaterialize(system);
    // Subscribed before the snapshot is asked for: an update that is newer than the snapshot waits in the buffer.
    topics.of(site.id()).tell(Topic.subscribe(subscriber.first()));
    view.subscriber = subscriber.first();
    CompletionStage<LiveReport> snapshot = liveModel.report(site);
    // The entity's topic learns of this subscriber through the cluster's receptionist, which takes
    // a moment (seconds on a busy node): an update published meanwhile never arrives. The report is
    // therefore also asked for every REFRESH, which also lets current visitors fall as visits go
    // idle when no hit comes at all.
    Source<LiveReport, ?> refreshes = Source.tick(REFRESH, REFRESH, "refresh")
        .mapAsync(1, tick -> liveModel.report(site).handle((report, failed) -> Optional.ofNullable(report)))
        .filter(Optional::isPresent).map(Optional::get);
    Source<Message, NotUsed> out = Source.completionStage(snapshot).map(report -> new Tagged("snapshot", report))
        .concat(subscriber.second().merge(refreshes).map(report -> new Tagged("update", report)))
        .via(new LatestAtMostEvery<Tagged>(Duration.ofSeconds(1).dividedBy(MAX_PER_SECOND),
            (older, newer) -> older.type().equals("snapshot") ? new Tagged("snapshot", newer.report()) : newer))
        .mapAsync(1, tagged -> render(site, holder, view, tagged));
    return out;
  }

  /**
   * A report as its message: with filters, today's aggregate is the stats API's under them (asked in
   * the key's query lane, as any report); the rest is of all traffic.
   */
  private CompletionStage<Message> render(Site site, String holder, LiveView view, Tagged tagged) {
    view.last.set(tagged.report());
    LiveFilters filters = view.filters.get();
    if (filters.parsed() == null) {
      return CompletableFuture.completedFuture(TextMessage.create(
          LiveReportJson.render(tagged.type(), tagged.report(), System.currentTimeMillis(), null, null, filters.refusal())));
    }
    Period today = Period.parse(Map.of("period", "day", "date", tagged.report().today().day().toString()), site.timezone());
    return quotas.query(holder, () -> queries.aggregate(site, today, filters.parsed(), Metrics.ALL))
        .handle((aggregate, error) -> TextMessage.create(LiveReportJson.render(tagged.type(), tagged.report(), System.currentTimeMillis(),
            error == null ? filters.text() : null, aggregate, error == null ? null : "the filtered aggregate failed: " + error.getMessage())));
  }

  /**
   * Browsers send the page's origin with a WebSocket: it must be this server (the dashboard) or, for
   * a key, one of the site's domains (a live widget on the site); a session's socket only this
   * server. Other clients send none.
   */
  private static void checkOrigin(HttpRequest request, ReportAccess.Grant grant) {
    Site site = grant.site();
    Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
    if (origin.isEmpty()) {
      return;
    }
    String originHost = hostOf(origin.get());
    String ownHost = request.getHeader("Host").map(HttpHeader::value).map(h -> hostOf("http://" + h)).orElse("");
    boolean siteHostAllowed = grant.via() != ReportAccess.Via.SESSION && site.acceptsHost(originHost);
    if (originHost.isEmpty() || !(originHost.equals(ownHost) || siteHostAllowed)) {
      throw new ApiError(StatusCodes.FORBIDDEN, "origin_not_allowed", "this origin may not open the live report of '" + site.id() + "'");
    }
  }

  private static String hostOf(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? "" : host.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private record Tagged(String type, LiveReport report) {}
}
