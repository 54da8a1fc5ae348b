package biz.vulcantracker.beacon.front;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.beacon.Anonymizer;
import com.typesafe.config.ConfigFactory;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The front on a real node and Redis, spoken to over raw sockets so that what goes on one
 * connection is exact: pipelined beacons answered in order, a connection that turns from beacons
 * to other requests (relayed to Pekko HTTP, with the client's own address), {@code Connection:
 * close}, a body that arrives in pieces. The node runs without katric: every hit stays in Redis.
 * This class runs the default transport (io_uring where the kernel allows it); {@link
 * EpollFrontServerIT} runs the same on epoll, the fallback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontServerIT {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

  private String prefix;
  private VulcanNode node;
  private RedisClient redisClient;
  private RedisCommands<String, String> redis;
  private long ringsBefore;

  /** The front's {@code vulcan.beacon.front.transport}: this class runs the default. */
  String transport() {
    return "auto";
  }

  /** Whether the front should be on io_uring: by default wherever this kernel allows it. */
  boolean runsOnIoUring() {
    return FrontTransport.IO_URING.isAvailable();
  }

  @BeforeAll
  void start() throws IOException {
    ringsBefore = ioUringRings();
    prefix = IntegrationFixture.freshPrefix("front");
    node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix,
        Map.of("vulcan.roles", "beacon,scuttlebutt", "vulcan.beacon.rate-limit.per-second", 0, "vulcan.beacon.front.transport", transport(),
            // Shorter than production's 10 s so that the slow-client test is short; the rule is the same.
            "vulcan.beacon.front.request-timeout", REQUEST_TIMEOUT.toMillis() + "ms")));
    new ApiClient(node.httpPort()).createSite("front.example", List.of("front.example"), "UTC");
    redisClient = IntegrationFixture.redisClient();
    redis = redisClient.connect().sync();
  }

  @AfterAll
  void stop() {
    redisClient.shutdown();
    node.close();
  }

  @BeforeEach
  void emptyTheStreams() {
    List<String> streams = redis.keys(prefix + ":hits:*");
    if (!streams.isEmpty()) {
      redis.del(streams.toArray(String[]::new));
    }
  }

  @Test
  void runsOnItsTransport() throws IOException {
    try (Socket socket = connect("127.0.0.1")) {
      socket.getOutputStream().write(beacon("/").getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
    }
    // The node runs in this JVM: its io_uring loops are rings among this process's descriptors.
    if (runsOnIoUring()) {
      assertThat(ioUringRings()).isGreaterThan(ringsBefore);
    } else {
      assertThat(ioUringRings()).isLessThanOrEqualTo(ringsBefore);
    }
  }

  @Test
  void answersPipelinedBeaconsInOrder() throws IOException {
    try (Socket socket = connect("127.0.0.1")) {
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 40; i++) { // more than MAX_IN_FLIGHT: reading pauses and resumes
        requests.append(i % 4 == 3 ? badBeacon() : beacon("/page-" + i));
      }
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 40; i++) {
        Response response = Response.read(socket.getInputStream());
        assertThat(response.status()).as("answer %d", i).isEqualTo(i % 4 == 3 ? 400 : 204);
        assertThat(response.header("server")).isEqualTo("vulcan-tracker");
        assertThat(response.header("date")).isNotNull();
      }
    }
    List<String> pages = hits().stream().map(hit -> hit.replaceAll(".*\"url\":\"https://front.example(/page-\\d+)\".*", "$1")).toList();
    assertThat(pages).hasSize(30);
    assertThat(pages).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(0, 40).filter(i -> i % 4 != 3).mapToObj(i -> "/page-" + i).toList());
  }

  @Test
  void relaysTheRestOfAConnectionToPekkoWithTheClientsAddress() throws IOException {
    try (Socket socket = connect("127.0.0.2")) {
      OutputStream out = socket.getOutputStream();
      out.write(beacon("/first").getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);

      out.write("GET /vulcan.js HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Response script = Response.read(socket.getInputStream());
      assertThat(script.status()).isEqualTo(200);
      assertThat(script.header("server")).as("answered by Pekko HTTP").startsWith("pekko-http");
      assertThat(script.body()).contains("sendBeacon");

      out.write(beacon("/second").getBytes(StandardCharsets.US_ASCII));
      Response relayed = Response.read(socket.getInputStream());
      assertThat(relayed.status()).isEqualTo(204);
      assertThat(relayed.header("server")).startsWith("pekko-http");
    }
    try (Socket socket = connect("127.0.0.1")) {
      socket.getOutputStream().write(beacon("/other-address").getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
    }
    Map<String, String> visitorByPage = new java.util.HashMap<>();
    for (String hit : hits()) {
      visitorByPage.put(field(hit, "url"), field(hit, "visitorId"));
    }
    // The same client (127.0.0.2) and browser on both paths: one visitor. Had Pekko taken the
    // front's own loopback address for the client's, the second hit would be another visitor.
    assertThat(visitorByPage.get("https://front.example/second")).isEqualTo(visitorByPage.get("https://front.example/first"));
    assertThat(visitorByPage.get("https://front.example/other-address")).isNotEqualTo(visitorByPage.get("https://front.example/first"));
  }

  @Test
  void closesWhenAsked() throws IOException {
    try (Socket socket = connect("127.0.0.1")) {
      socket.getOutputStream().write(beacon("/bye").replace("Host: x\r\n", "Host: x\r\nConnection: close\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      Response response = Response.read(socket.getInputStream());
      assertThat(response.status()).isEqualTo(204);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(socket.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
    }
  }

  @Test
  void waitsForABodyThatComesInPieces() throws Exception {
    String body = "{\"s\":\"front.example\",\"u\":\"https://front.example/posted\",\"n\":\"Signup\",\"p\":{\"plan\":\"pro\"}}";
    String request = "POST /api/v1/beacon HTTP/1.1\r\nHost: x\r\nUser-Agent: " + UA + "\r\nContent-Type: text/plain\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    try (Socket socket = connect("127.0.0.1")) {
      OutputStream out = socket.getOutputStream();
      byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
      int[] cuts = {10, 60, bytes.length - 20, bytes.length};
      int from = 0;
      for (int cut : cuts) {
        out.write(bytes, from, cut - from);
        out.flush();
        from = cut;
        Thread.sleep(50);
      }
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
    }
    assertThat(hits()).singleElement().satisfies(hit -> assertThat(hit).contains("\"eventName\":\"Signup\"", "\"plan\":\"pro\""));
  }

  @Test
  void refusesABodyOverTheLimitAndSkipsIt() throws IOException {
    // 413 at once, as Pekko's route answers it; the body is skipped and the connection goes on.
    String body = "{\"s\":\"front.example\",\"u\":\"https://front.example/" + "x".repeat(400_000) + "\"}";
    try (Socket socket = connect("127.0.0.1")) {
      OutputStream out = socket.getOutputStream();
      out.write(post(body).getBytes(StandardCharsets.US_ASCII));
      Response refused = Response.read(socket.getInputStream());
      assertThat(refused.status()).isEqualTo(413);
      assertThat(ApiClient.json(refused.body()).path("error").asText()).isEqualTo("too_large");
      out.write(beacon("/after-the-skipped-body").getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
    }
    assertThat(hits()).singleElement().satisfies(hit -> assertThat(hit).contains("/after-the-skipped-body"));
  }

  @Test
  void refusesAHugeBodyAndClosesWithoutLosingTheAnswer() throws IOException {
    // Over a megabyte is not worth skipping: the answer, then the close. The client is still
    // sending; closing at once would reset the connection, and a reset can destroy the answer.
    String body = "x".repeat(3_000_000);
    for (int attempt = 0; attempt < 3; attempt++) {
      try (Socket socket = connect("127.0.0.1")) {
        OutputStream out = socket.getOutputStream();
        try {
          out.write(post(body).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException refusedMidway) {
          // the server stops taking the body once it answered; the answer must still be readable
        }
        Response refused = Response.read(socket.getInputStream());
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.header("connection")).isEqualTo("close");
      }
    }
    assertThat(hits()).isEmpty();
  }

  @Test
  void aClientHoldsAtMostItsShareOfConnections() throws Exception {
    int cap = ConfigFactory.load().getInt("vulcan.beacon.front.max-connections-per-client");
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < cap; i++) {
        Socket socket = connect("127.0.0.7");
        socket.getOutputStream().write(beacon("/held-" + i).getBytes(StandardCharsets.US_ASCII));
        assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
        held.add(socket);
      }
      try (Socket over = connect("127.0.0.7")) {
        int first;
        try {
          first = over.getInputStream().read();
        } catch (IOException reset) {
          first = -1;
        }
        assertThat(first).as("closed as it was accepted").isEqualTo(-1);
      }
      try (Socket other = connect("127.0.0.8")) { // another client is not held up
        other.getOutputStream().write(beacon("/other-client").getBytes(StandardCharsets.US_ASCII));
        assertThat(Response.read(other.getInputStream()).status()).isEqualTo(204);
      }
      held.remove(0).close();
      // The closed connection's place is given back once the front has seen it close.
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (true) {
        int first;
        try (Socket again = connect("127.0.0.7")) {
          again.getOutputStream().write(beacon("/again").getBytes(StandardCharsets.US_ASCII));
          first = again.getInputStream().read();
        } catch (IOException closedAtAccept) { // the close can come as a reset
          first = -1;
        }
        if (first >= 0 || System.nanoTime() > until) {
          assertThat(first).as("a place was given back").isEqualTo('H');
          break;
        }
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    assertThat(metric("vulcan_front_connections_closed_total", "reason=\"too_many_connections\"")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRequestTrickledSlowerThanTheTimeoutClosesItsConnection() throws Exception {
    byte[] request = beacon("/slow").getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = connect("127.0.0.1")) {
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      boolean closed = false;
      // A byte every 200 ms: never idle, so only the request timeout can end it.
      for (int i = 0; i < request.length - 1 && !closed; i++) {
        try {
          out.write(request[i]);
          out.flush();
          Thread.sleep(200);
        } catch (IOException reset) {
          closed = true;
        }
        closed |= System.nanoTime() - start > REQUEST_TIMEOUT.multipliedBy(3).toNanos();
      }
      socket.setSoTimeout((int) REQUEST_TIMEOUT.multipliedBy(2).toMillis());
      assertThat(socket.getInputStream().read()).as("closed, no answer").isEqualTo(-1);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isBetween(REQUEST_TIMEOUT, REQUEST_TIMEOUT.multipliedBy(3));
    }
    assertThat(hits()).isEmpty();
    assertThat(metric("vulcan_front_connections_closed_total", "reason=\"request_timeout\"")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRequestInPiecesWithinTheTimeoutIsAnswered() throws Exception {
    byte[] request = beacon("/pieces").getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = connect("127.0.0.1")) {
      OutputStream out = socket.getOutputStream();
      int pieces = 5;
      for (int i = 0; i < pieces; i++) {
        out.write(request, i * request.length / pieces, (i + 1) * request.length / pieces - i * request.length / pieces);
        out.flush();
        Thread.sleep(REQUEST_TIMEOUT.toMillis() / (2 * pieces));
      }
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
      // The next request has a time of its own.
      Thread.sleep(REQUEST_TIMEOUT.toMillis() * 3 / 4);
      out.write(beacon("/next").getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
    }
    assertThat(hits()).hasSize(2);
  }

  @Test
  void headersBeyondPekkosLimitsAreRefusedAsPekkoRefusesThem() throws IOException {
    String within = beacon("/many-headers").replace("\r\n\r\n", "\r\n" + "X-Pad: y\r\n".repeat(62) + "\r\n");
    String tooMany = beacon("/too-many-headers").replace("\r\n\r\n", "\r\n" + "X-Pad: y\r\n".repeat(63) + "\r\n");
    String tooLong = beacon("/too-long-a-header").replace("\r\n\r\n", "\r\nX-Pad: " + "y".repeat(8193) + "\r\n\r\n");
    try (Socket socket = connect("127.0.0.1")) {
      socket.getOutputStream().write(within.getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(socket.getInputStream()).status()).as("64 headers").isEqualTo(204);
    }
    // Pekko's parser answers 400 for too many headers and 431 for an over-long one.
    for (Map.Entry<String, Integer> refused : Map.of(tooMany, 400, tooLong, 431).entrySet()) {
      try (Socket socket = connect("127.0.0.1")) {
        socket.getOutputStream().write(refused.getKey().getBytes(StandardCharsets.US_ASCII));
        assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(refused.getValue());
      }
    }
    assertThat(hits()).singleElement().satisfies(hit -> assertThat(hit).contains("/many-headers"));
  }

  @Test
  void aLongUserAgentIsCutAtTheEdge() throws IOException {
    // Two User-Agents alike in their first 512 characters and different after: cut, they are one
    // client, so the same visitor id; and neither is queued, only what it was classified as.
    String padded = UA + " " + "x".repeat(Anonymizer.MAX_USER_AGENT_CHARS);
    for (String agent : List.of(padded + "-one-tail", padded + "-another-tail")) {
      try (Socket socket = connect("127.0.0.1")) {
        socket.getOutputStream().write(beacon("/long-agent").replace(UA, agent).getBytes(StandardCharsets.US_ASCII));
        assertThat(Response.read(socket.getInputStream()).status()).isEqualTo(204);
      }
    }
    List<String> queued = hits();
    assertThat(queued).hasSize(2).allSatisfy(hit -> {
      assertThat(hit).doesNotContain("xxxxxxxxxx").doesNotContain("userAgent");
      assertThat(field(hit, "browser")).isEqualTo("Chrome");
    });
    assertThat(field(queued.get(0), "visitorId")).isEqualTo(field(queued.get(1), "visitorId"));
  }

  /** A counter of the node's /metrics with a label, 0 when absent. */
  private long metric(String name, String label) throws Exception {
    String text = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.managementUri() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(line -> line.startsWith(name + "{") && line.contains(label)).mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** This process's open io_uring instances (each one a descriptor linked to {@code anon_inode:[io_uring]}). */
  private static long ioUringRings() throws IOException {
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().equals("anon_inode:[io_uring]");
        } catch (IOException closedMeanwhile) {
          return false;
        }
      }).count();
    }
  }

  private static String post(String body) {
    return "POST /api/v1/beacon HTTP/1.1\r\nHost: x\r\nUser-Agent: " + UA + "\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body;
  }

  private Socket connect(String fromAddress) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String beacon(String path) {
    return "GET /api/v1/beacon?s=front.example&u=https%3A%2F%2Ffront.example" + path.replace("/", "%2F")
        + " HTTP/1.1\r\nHost: x\r\nUser-Agent: " + UA + "\r\n\r\n";
  }

  private static String badBeacon() {
    return "GET /api/v1/beacon?u=https%3A%2F%2Ffront.example%2F HTTP/1.1\r\nHost: x\r\nUser-Agent: " + UA + "\r\n\r\n";
  }

  /** Every queued hit's JSON. */
  private List<String> hits() {
    List<String> all = new ArrayList<>();
    for (String stream : redis.keys(prefix + ":hits:*")) {
      redis.xrange(stream, Range.create("-", "+")).forEach(entry -> all.add(entry.getBody().get("hit")));
    }
    return all;
  }

  private static String field(String json, String name) {
    return ApiClient.json(json).path(name).asText();
  }

  /** One HTTP/1.1 answer read off a socket: status, headers (lower-case names), body by Content-Length. */
  private record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    static Response read(InputStream in) throws IOException {
      String statusLine = line(in);
      Map<String, String> headers = new java.util.HashMap<>();
      for (String line = line(in); !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("the connection closed in the middle of an answer");
        }
        line.write(b);
      }
      return line.toString(StandardCharsets.US_ASCII).stripTrailing();
    }
  }
}
