package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.RouteTestBase;
import biz.vulcantracker.beacon.spool.EdgeSpool;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import biz.vulcantracker.telemetry.Telemetry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The beacon endpoint's refusals and CORS answers in Pekko HTTP, through the real intake with the
 * production settings, without a node: each refusal is answered with its status and JSON before
 * anything reaches the queue (the appender here would take it, and must stay empty). Accepted hits,
 * which need Redis for the day's salts, are {@code BeaconContractIT}'s.
 */
class BeaconRoutesTest extends RouteTestBase {

  private static final String SHOP = "shop.example";
  private final List<QueuedHit> appended = new CopyOnWriteArrayList<>();
  private TestRoute route;

  @Override
  protected Config overrides() {
    return ConfigFactory.parseMap(Map.of("vulcan.beacon.spool.max-bytes", "0")); // no spool file for a test
  }

  @BeforeAll
  void buildRoute() {
    ActorSystem<?> typed = Adapter.toTyped(system());
    Config config = system().settings().config();
    BeaconSettings settings = BeaconSettings.create(config);
    SiteCatalog sites = SiteCatalog.of(List.of(new Site(SHOP, List.of(SHOP, "www.shop.example"), ZoneId.of("Europe/Berlin"),
        "ingest-token", "report-key", Instant.EPOCH)));
    RedisConnections redis = RedisConnections.get(typed);
    Anonymizer anonymizer = new Anonymizer(settings.trustedProxies(), new VisitorIds(new DailySalts(typed, settings)),
        GeoLocator.open(settings.geoipDatabase()), biz.vulcantracker.enrich.UserAgentClassifier.shared());
    EdgeSpool spool = EdgeSpool.start(typed, new HitProducer(redis, QueueSettings.create(config)));
    BeaconIntake intake = new BeaconIntake(settings, sites, anonymizer, spool, Telemetry.get(typed), LedgerTally.unsent());
    route = testRoute(new BeaconRoutes(intake, hits -> {
      appended.addAll(hits);
      return CompletableFuture.completedFuture(hits.stream().map(QueuedHit::hitId).toList());
    }, new RequestClients(new RelayedClients(), settings.trustedProxies())).route());
  }

  private static HttpRequest fromClient(HttpRequest request) {
    return request.addAttribute(AttributeKeys.remoteAddress, RemoteAddress.create(new InetSocketAddress("198.51.100.7", 40000)));
  }

  private void refused(HttpRequest request, int status, String code) {
    String body = route.run(fromClient(request))
        .assertStatusCode(status)
        .assertContentType(ContentTypes.APPLICATION_JSON)
        .entityString();
    assertThat(body).startsWith("{\"error\":\"" + code + "\",\"message\":\"");
    assertThat(appended).isEmpty();
  }

  @Test
  void anUnknownSiteIsRefused() {
    refused(HttpRequest.GET("/api/v1/beacon?s=nobody.example&u=https%3A%2F%2Fnobody.example%2F"), 403, "unknown_site");
  }

  @Test
  void aPageOutsideTheSitesDomainsIsRefused() {
    refused(HttpRequest.GET("/api/v1/beacon?s=shop.example&u=https%3A%2F%2Fevil.example%2F"), 403, "origin_not_allowed");
  }

  @Test
  void aForgedOriginIsRefused() {
    refused(HttpRequest.GET("/api/v1/beacon?s=shop.example&u=https%3A%2F%2Fshop.example%2F")
        .addHeader(RawHeader.create("Origin", "https://evil.example")), 403, "origin_not_allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "http://[bad", "shop.example", "file:///index.html"})
  void anOriginThatIsNoSitesPageIsRefused(String origin) {
    refused(HttpRequest.GET("/api/v1/beacon?s=shop.example&u=https%3A%2F%2Fshop.example%2F")
        .addHeader(RawHeader.create("Origin", origin)), 403, "origin_not_allowed");
  }

  @Test
  void everyXForwardedForHeaderIsRead() {
    // In the order they came (addHeader would put each before the others).
    HttpRequest twoHeaders = HttpRequest.GET("/api/v1/beacon").withHeaders(List.of(
        RawHeader.create("X-Forwarded-For", "203.0.113.9"), RawHeader.create("X-Forwarded-For", "198.51.100.20, 10.0.0.2")));
    assertThat(RequestClients.forwardedFor(twoHeaders)).contains("203.0.113.9,198.51.100.20, 10.0.0.2");
    assertThat(RequestClients.forwardedFor(HttpRequest.GET("/api/v1/beacon"))).isEmpty();
  }

  @Test
  void aBeaconWithoutItsPageIsRefused() {
    refused(HttpRequest.GET("/api/v1/beacon?s=shop.example"), 400, "missing_field");
  }

  @Test
  void aBodyOverTheLimitIsRefusedUnread() {
    String big = "{\"s\":\"shop.example\",\"u\":\"https://shop.example/\",\"p\":{\"x\":\"" + "a".repeat(70_000) + "\"}}";
    refused(HttpRequest.POST("/api/v1/beacon").withEntity(ContentTypes.APPLICATION_JSON, big), 413, "too_large");
  }

  @Test
  void aPreflightFromASiteDomainIsAllowedWithTheBeaconHeaders() {
    route.run(fromClient(HttpRequest.create("/api/v1/beacon").withMethod(org.apache.pekko.http.javadsl.model.HttpMethods.OPTIONS)
            .addHeader(RawHeader.create("Origin", "https://www.shop.example"))))
        .assertStatusCode(StatusCodes.NO_CONTENT)
        .assertHeaderExists("Access-Control-Allow-Origin", "https://www.shop.example")
        .assertHeaderExists("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        .assertHeaderExists("Access-Control-Allow-Headers", "Content-Type")
        .assertHeaderExists("Access-Control-Max-Age", "86400")
        .assertHeaderExists("Vary", "Origin");
  }

  @Test
  void aPreflightFromElsewhereIsRefused() {
    refused(HttpRequest.create("/api/v1/beacon").withMethod(org.apache.pekko.http.javadsl.model.HttpMethods.OPTIONS)
        .addHeader(RawHeader.create("Origin", "https://evil.example")), 403, "origin_not_allowed");
  }
}
