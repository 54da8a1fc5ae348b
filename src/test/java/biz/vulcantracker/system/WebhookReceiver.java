package biz.vulcantracker.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver as a site owner would run one: a real HTTP server on loopback (the JDK's) that
 * keeps every POST it gets, checks its signature itself (HMAC-SHA256 of {@code "<t>.<body>"} under the
 * rule's secret, as docs/api.md describes it, not through Vulcan's code) and answers 204, or 503
 * while it is "down".
 */
final class WebhookReceiver implements AutoCloseable {

  /** One POST: its delivery id, body, whether its signature checked out, the status answered, when it came. */
  record Request(String deliveryId, String body, boolean signatureValid, int status, long receivedAt) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final AtomicBoolean down = new AtomicBoolean();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  static WebhookReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    WebhookReceiver receiver = new WebhookReceiver(server);
    server.createContext("/hook", exchange -> {
      long at = System.currentTimeMillis();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String delivery = exchange.getRequestHeaders().getFirst("X-Vulcan-Delivery");
      boolean valid = receiver.verify(exchange.getRequestHeaders().getFirst("X-Vulcan-Signature"), body);
      int status = receiver.down.get() ? 503 : 204;
      receiver.requests.add(new Request(delivery, body, valid, status, at));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return receiver;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The secret of a rule, as its creation answered it. */
  void secret(String ruleId, String secret) {
    secrets.put(ruleId, secret);
  }

  void down(boolean isDown) {
    down.set(isDown);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests answered 2xx. */
  List<Request> delivered() {
    return requests.stream().filter(request -> request.status() / 100 == 2).toList();
  }

  private boolean verify(String header, String body) {
    try {
      String ruleId = MAPPER.readTree(body).path("alert").path("id").asText();
      String secret = secrets.get(ruleId);
      if (header == null || secret == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
        return false;
      }
      String t = header.substring(2, header.indexOf(','));
      String v1 = header.substring(header.indexOf("v1=") + 3);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(expected, java.util.HexFormat.of().parseHex(v1))
          && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) < 300;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
