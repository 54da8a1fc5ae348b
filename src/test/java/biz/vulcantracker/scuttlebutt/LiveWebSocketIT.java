package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.katric.LiveReport;
import biz.vulcantracker.scuttlebutt.query.Metrics;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live WebSocket with Java's own WebSocket client: the snapshot, then updates whose numbers are
 * the stats API's; a client that never reads does not make the server buffer; closed sockets are
 * cleaned up; keys and origins are checked before the upgrade.
 */
class LiveWebSocketIT {

  private static VulcanNode node;
  private static ApiClient api;
  private static ApiClient.SiteKeys site;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    IntegrationFixture.avoidMidnight();
    node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("live")));
    api = new ApiClient(node.httpPort());
    site = api.createSite("live.example", List.of("live.example"), "UTC");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSnapshotThenUpdatesThatMatchTheStatsApi() throws Exception {
    Client client = connect(site.reportKey(), null);
    JsonNode snapshot = client.next();
    assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
    assertThat(snapshot.path("date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    assertThat(snapshot.path("aggregate").path("pageviews").asLong()).isZero();
    assertThat(snapshot.path("minutes")).hasSize(30);

    String[][] hits = {{"198.51.100.1", "/"}, {"198.51.100.1", "/pricing"}, {"198.51.100.2", "/"}, {"198.51.100.3", "/blog"},
        {"198.51.100.3", "/"}};
    for (String[] hit : hits) {
      assertThat(api.beaconGet("s=live.example&u=https%3A%2F%2Flive.example" + hit[1].replace("/", "%2F"), hit[0], "Live")
          .statusCode()).isEqualTo(204);
    }
    JsonNode update = client.until(message -> message.path("aggregate").path("pageviews").asLong() == 5);
    assertThat(update.path("type").asText()).isEqualTo("update");

    JsonNode stats = ApiClient.json(api.get("/api/v1/sites/live.example/stats/aggregate?period=day&metrics="
        + String.join(",", Metrics.ALL), site.reportKey())).path("results");
    for (String metric : Metrics.ALL) {
      assertThat(update.path("aggregate").path(metric).asText()).as(metric).isEqualTo(stats.path(metric).path("value").asText());
    }
    assertThat(update.path("current_visitors").asInt()).isEqualTo(3)
        .isEqualTo(ApiClient.json(api.get("/api/v1/sites/live.example/realtime/visitors", site.reportKey())).path("visitors").asInt());
    JsonNode pages = ApiClient.json(api.get("/api/v1/sites/live.example/stats/breakdown?property=page&metrics=visitors,pageviews",
        site.reportKey())).path("results");
    List<JsonNode> livePages = new ArrayList<>();
    update.path("top").path("page").forEach(livePages::add);
    assertThat(livePages).containsExactlyInAnyOrderElementsOf(pages); // ties may come in either order
    long perMinute = 0;
    for (JsonNode minute : update.path("minutes")) {
      perMinute += minute.path("pageviews").asLong();
    }
    assertThat(perMinute).isEqualTo(5);
    client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    eventually(Duration.ofSeconds(10), () -> assertThat(node.liveSockets()).isZero());
  }

  /**
   * A client's filters narrow the aggregate of every message after them to the stats API's under
   * those filters; filters that do not parse are refused in the messages, which keep all traffic.
   */
  @Test
  void aClientsFiltersNarrowItsAggregate() throws Exception {
    ApiClient.SiteKeys filtered = api.createSite("filtered.example", List.of("filtered.example"), "UTC");
    Client client = new Client();
    client.socket = offering(filtered.reportKey()).buildAsync(
        URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/sites/filtered.example/live"), client).join();
    OPEN.add(client.socket);
    assertThat(client.next().path("type").asText()).isEqualTo("snapshot");
    client.socket.sendText("{\"type\": \"filters\", \"filters\": \"page==/pricing|/docs\"}", true).join();
    // By hand: /pricing twice (two visitors), /docs once, / three times.
    String[][] hits = {{"198.51.100.31", "/"}, {"198.51.100.31", "/pricing"}, {"198.51.100.32", "/pricing"}, {"198.51.100.33", "/"},
        {"198.51.100.33", "/docs"}, {"198.51.100.34", "/"}};
    for (String[] hit : hits) {
      assertThat(api.beaconGet("s=filtered.example&u=https%3A%2F%2Ffiltered.example" + hit[1].replace("/", "%2F"), hit[0], "Live")
          .statusCode()).isEqualTo(204);
    }
    JsonNode update = client.until(message -> message.path("filters").asText().equals("page==/pricing|/docs")
        && message.path("aggregate").path("pageviews").asLong() == 3);
    assertThat(update.path("aggregate").path("visitors").asLong()).isEqualTo(3);
    JsonNode stats = ApiClient.json(api.get("/api/v1/sites/filtered.example/stats/aggregate?period=day&filters="
        + java.net.URLEncoder.encode("page==/pricing|/docs", java.nio.charset.StandardCharsets.UTF_8) + "&metrics="
        + String.join(",", Metrics.ALL), filtered.reportKey())).path("results");
    for (String metric : Metrics.ALL) {
      assertThat(update.path("aggregate").path(metric).asText()).as(metric).isEqualTo(stats.path(metric).path("value").asText());
    }
    // Back to all traffic, then filters that do not parse (and a message that is no filters message).
    client.socket.sendText("{\"type\": \"filters\", \"filters\": \"\"}", true).join();
    client.until(message -> !message.has("filters") && message.path("aggregate").path("pageviews").asLong() == 6);
    client.socket.sendText("{\"type\": \"filters\", \"filters\": \"page~/docs\"}", true).join();
    JsonNode refused = client.until(message -> message.has("filters_error"));
    assertThat(refused.path("aggregate").path("pageviews").asLong()).isEqualTo(6);
    client.socket.sendText("x".repeat(LiveRoutes.MAX_CLIENT_CHARS + 1), true).join();
    client.socket.sendText("{\"type\": \"filters\", \"filters\": \"page==/docs\"}", true).join();
    assertThat(client.until(message -> message.path("filters").asText().equals("page==/docs")).path("aggregate").path("pageviews")
        .asLong()).isEqualTo(1);
  }

  @Test
  void aClientThatNeverReadsIsNotBufferedFor() throws Exception {
    Client reader = connect(site.reportKey(), null);
    reader.next();
    WebSocket stalled = offering(site.reportKey())
        .buildAsync(liveUri(), new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket webSocket) {
            // never request(): no message is ever read, the server's writes back up
          }
        }).join();
    OPEN.add(stalled);
    eventually(Duration.ofSeconds(10), () -> assertThat(node.liveSockets()).isEqualTo(2));

    ActorRef<Topic.Command<LiveReport>> publisher =
        node.system().systemActorOf(LiveReport.topic("live.example"), "test-live-publisher", Props.empty());
    // Until the publisher's topic has found the subscribers' topic through the receptionist.
    eventually(Duration.ofSeconds(10), () -> {
      publisher.tell(Topic.publish(report(0)));
      assertThat(reader.poll(200)).isNotNull();
    });
    long before = usedHeapAfterGc();
    int published = 20_000; // about 10 KB of JSON each: 200 MB if anything queued them
    for (int i = 1; i <= published; i++) {
      publisher.tell(Topic.publish(report(i)));
    }
    Thread.sleep(3_000);
    long growth = usedHeapAfterGc() - before;
    assertThat(growth).as("heap growth in bytes").isLessThan(64L * 1024 * 1024);
    // The reading client got the latest, not every one (at most 4 a second).
    JsonNode last = reader.until(message -> message.path("current_visitors").asInt() == published);
    assertThat(last.path("top").path("page")).hasSize(10);

    stalled.abort();
    reader.socket.abort();
    eventually(Duration.ofSeconds(15), () -> assertThat(node.liveSockets()).isZero());
  }

  @Test
  void keysAndOriginsAreCheckedBeforeTheUpgrade() {
    ApiClient.SiteKeys other = api.createSite("other-live.example", List.of("other-live.example"), "UTC");
    assertHandshakeStatus(() -> connect(null, null), 401);
    assertHandshakeStatus(() -> connect("wrong", null), 403);
    assertHandshakeStatus(() -> connect(other.reportKey(), null), 403);
    assertHandshakeStatus(() -> connect(site.reportKey(), "https://evil.example"), 403);
    // Never the admin token, and never a key in the URL.
    assertHandshakeStatus(() -> connect(IntegrationFixture.ADMIN_TOKEN, null), 403);
    assertHandshakeStatus(() -> HTTP.newWebSocketBuilder().buildAsync(
        URI.create(liveUri() + "?token=" + site.reportKey()), new WebSocket.Listener() {}).join(), 400);
    Client fromTheSite = connect(site.reportKey(), "https://live.example");
    assertThat(fromTheSite.next().path("type").asText()).isEqualTo("snapshot");
    fromTheSite.socket.abort();
  }

  private static LiveReport report(int marker) {
    Map<String, List<BreakdownRow>> top = new HashMap<>();
    for (String property : LiveReport.TOP_PROPERTIES) {
      List<BreakdownRow> rows = new ArrayList<>();
      for (int r = 0; r < 10; r++) {
        rows.add(new BreakdownRow(LocalDate.now(), property, "/" + marker + "/" + r + "/" + "x".repeat(240), 1, 1, 1, 0, 0, 0));
      }
      top.put(property, rows);
    }
    return new LiveReport("live.example", new DailyTotals(LocalDate.now(), 1, 1, 1, 0, 0, 0, 0), top, marker, Map.of(),
        System.currentTimeMillis(), List.of());
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static void assertHandshakeStatus(Runnable connect, int status) {
    assertThatThrownBy(connect::run)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(WebSocketHandshakeException.class)
        .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(status));
  }

  private static URI liveUri() {
    return URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/sites/live.example/live");
  }

  /** A builder that offers the key as the live report's subprotocol asks (none when {@code token} is null). */
  private static WebSocket.Builder offering(String token) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder();
    return token == null ? builder : builder.subprotocols(LiveRoutes.PROTOCOL, token);
  }

  private static Client connect(String token, String origin) {
    Client client = new Client();
    WebSocket.Builder builder = offering(token);
    if (origin != null) {
      builder.header("Origin", origin);
    }
    client.socket = builder.buildAsync(liveUri(), client).join();
    OPEN.add(client.socket);
    return client;
  }

  /** Sockets a test opened; closed after it, so that a failed test leaves none for the next one to count. */
  private static final List<WebSocket> OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void closeSockets() {
    OPEN.forEach(WebSocket::abort);
    OPEN.clear();
    eventually(Duration.ofSeconds(10), () -> assertThat(node.liveSockets()).isZero());
  }

  /** Collects whole text messages. */
  private static final class Client implements WebSocket.Listener {
    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(ApiClient.json(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    JsonNode poll(long millis) {
      try {
        return messages.poll(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    JsonNode next() {
      JsonNode message = poll(10_000);
      assertThat(message).as("a message within 10 s").isNotNull();
      return message;
    }

    JsonNode until(java.util.function.Predicate<JsonNode> wanted) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        JsonNode message = poll(500);
        if (message != null && wanted.test(message)) {
          return message;
        }
      }
      throw new AssertionError("no such message within 30 s");
    }
  }
}
