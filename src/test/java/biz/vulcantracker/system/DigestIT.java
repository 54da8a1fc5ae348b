package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.BrowserScripts;
import biz.vulcantracker.IntegrationFixture;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weekly digests through a node kill, against a real SMTP server (GreenMail) and real Redis and
 * Cassandra: two people subscribe to a site whose last two weeks come from an access log; the node
 * looks for due digests and, while its SMTP connection is held open, is killed (the claims it made
 * are checked to be its own and unsent: the kill hit the work). A new node takes the orphaned
 * deliveries over: each person gets their digest exactly once, however often nodes look again. The
 * digest's figures are those worked out from the log lines here; its HTML part is rendered in
 * Chromium (screenshot target/digest.png); its unsubscribe link ends the subscription.
 */
class DigestIT {

  private static final String SITE = "digest.example";
  private static final String PASSWORD = "a long enough secret";
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  @TempDir
  Path directory;

  @Test
  void eachDigestOnceThroughANodeKill() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("digest");
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    List<NodeProcess> nodes = new ArrayList<>();
    try (HeldSmtp gate = new HeldSmtp(smtp.getSmtp().getPort()); CqlSession cql = IntegrationFixture.cqlSession()) {
      Map<String, String> mail = Map.of("VULCAN_SMTP_HOST", "127.0.0.1", "VULCAN_SMTP_PORT", Integer.toString(gate.port()),
          "VULCAN_SMTP_STARTTLS", "off", "VULCAN_MAIL_FROM", "Vulcan <digests@vulcan.test>");
      int seed = NodeProcess.freePort();
      NodeProcess first = NodeProcess.start("digest-0", "beacon,katric,scuttlebutt", prefix, seed, seed, directory, mail);
      nodes.add(first);
      first.awaitReady(Duration.ofMinutes(3));
      ApiClient api = new ApiClient(first.httpPort);
      ApiClient.SiteKeys site = api.createSite(SITE, List.of(SITE), "UTC");

      // Two people subscribe to the weekly digest: the owner and an invited viewer.
      send(api, "POST", "/api/v1/account/owner", "{\"email\":\"owner@example.com\",\"password\":\"" + PASSWORD + "\"}",
          IntegrationFixture.ADMIN_TOKEN, null);
      String owner = signIn(api);
      String invitation = ApiClient.json(send(api, "POST", "/api/v1/sites/" + SITE + "/invitations",
          "{\"email\":\"viewer@example.com\",\"role\":\"viewer\"}", IntegrationFixture.ADMIN_TOKEN, null)).path("token").asText();
      String viewer = cookie(send(api, "POST", "/api/v1/account/invitation/accept", "{\"token\":\"" + invitation + "\",\"password\":\""
          + PASSWORD + "\"}", null, null));
      // The invitation was mailed too: its connection is held like any other (and dies with the node).
      eventually(Duration.ofSeconds(30), () -> assertThat(gate.held()).isEqualTo(1));
      for (String session : List.of(owner, viewer)) {
        HttpResponse<String> subscribed = send(api, "PUT", "/api/v1/sites/" + SITE + "/digest", "{\"weekly\":true}", null, session);
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
      }

      // Last week: six people, each on one day, open / and one more page; the week before: four, one page each.
      LocalDate monday = LocalDate.now(ZoneOffset.UTC).with(DayOfWeek.MONDAY);
      LocalDate lastWeek = monday.minusWeeks(1);
      List<String> second = List.of("/pricing", "/blog", "/pricing", "/docs", "/pricing", "/blog");
      StringBuilder lines = new StringBuilder();
      List<String[]> views = new ArrayList<>(); // (week, address and browser, page)
      for (int i = 0; i < 6; i++) {
        LocalDate day = lastWeek.plusDays(i);
        for (String page : List.of("/", second.get(i))) {
          lines.append(line("198.51.100." + (10 + i), "Reader" + i, day, 10, i, page));
          views.add(new String[] {"last", "198.51.100." + (10 + i) + "/" + day, page});
        }
      }
      for (int i = 0; i < 4; i++) {
        LocalDate day = lastWeek.minusWeeks(1).plusDays(i);
        lines.append(line("203.0.113." + (10 + i), "Earlier" + i, day, 11, 0, "/"));
        views.add(new String[] {"before", "203.0.113." + (10 + i) + "/" + day, "/"});
      }
      HttpResponse<String> posted = api.postLog(SITE, site.ingestToken(), "combined", lines.toString(), "digest-log-1");
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      // The figures, from the lines alone: each person on one day only, so a visitor is an address on a day.
      long visitors = views.stream().filter(v -> v[0].equals("last")).map(v -> v[1]).distinct().count();
      long pageviews = views.stream().filter(v -> v[0].equals("last")).count();
      long visitorsBefore = views.stream().filter(v -> v[0].equals("before")).map(v -> v[1]).distinct().count();
      long pageviewsBefore = views.stream().filter(v -> v[0].equals("before")).count();
      Map<String, Long> pages = views.stream().filter(v -> v[0].equals("last"))
          .collect(Collectors.groupingBy(v -> v[2], TreeMap::new, Collectors.counting()));
      eventually(Duration.ofSeconds(60), () -> assertThat(api.aggregate(SITE, site.reportKey(), "pageviews", lastWeek.minusWeeks(1),
          monday.minusDays(1))).isEqualTo(pageviews + pageviewsBefore));

      // The first node looks for due digests; while its SMTP connection is held, it is killed.
      HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(api.uri("/api/v1/digests/run"))
          .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      eventually(Duration.ofSeconds(30), () -> assertThat(gate.held()).isEqualTo(2));
      String week = String.format(Locale.ROOT, "week:%d-W%02d", lastWeek.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
          lastWeek.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      List<Row> claimed = cql.execute("SELECT * FROM " + prefix + ".digest_sends WHERE period = ? AND site_id = ?", week, SITE).all();
      assertThat(claimed).as("the node held a delivery when it was killed").isNotEmpty()
          .allSatisfy(row -> assertThat(row.getString("state")).isEqualTo("sending"));
      first.kill();
      assertThat(smtp.getReceivedMessages()).as("nothing went out before the kill").isEmpty();

      // A new node takes the orphaned deliveries over; looking again sends nothing more.
      gate.open();
      int successorPort = NodeProcess.freePort(); // a cluster of its own: the killed node is no member of it
      NodeProcess successor = NodeProcess.start("digest-1", "beacon,katric,scuttlebutt", prefix, successorPort, successorPort,
          directory, mail);
      nodes.add(successor);
      successor.awaitReady(Duration.ofMinutes(3));
      ApiClient api2 = new ApiClient(successor.httpPort);
      JsonNode run = ApiClient.json(send(api2, "POST", "/api/v1/digests/run", "", IntegrationFixture.ADMIN_TOKEN, null));
      assertThat(run.path("sent").asInt()).as(run.toString()).isEqualTo(2);
      assertThat(run.path("failed").asInt()).isZero();
      for (int look = 0; look < 2; look++) {
        assertThat(ApiClient.json(send(api2, "POST", "/api/v1/digests/run", "", IntegrationFixture.ADMIN_TOKEN, null))
            .path("sent").asInt()).isZero();
      }
      MimeMessage[] received = smtp.getReceivedMessages();
      assertThat(received).hasSize(2);
      assertThat(List.of(received[0].getAllRecipients()[0].toString(), received[1].getAllRecipients()[0].toString()))
          .containsExactlyInAnyOrder("owner@example.com", "viewer@example.com");
      assertThat(cql.execute("SELECT state FROM " + prefix + ".digest_sends WHERE period = ? AND site_id = ?", week, SITE).all())
          .hasSize(2).allSatisfy(row -> assertThat(row.getString("state")).isEqualTo("sent"));

      // What a digest says: the figures worked out above, as text and as HTML.
      MimeMessage digest = received[0];
      assertThat(digest.getSubject()).contains(SITE, "weekly");
      assertThat(digest.getHeader("Message-ID")[0]).startsWith("<digest.");
      String unsubscribe = digest.getHeader("List-Unsubscribe")[0].replaceAll("[<>]", "");
      assertThat(digest.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
      MimeMultipart parts = (MimeMultipart) digest.getContent();
      assertThat(parts.getContentType()).startsWith("multipart/alternative");
      String text = (String) parts.getBodyPart(0).getContent();
      String html = (String) parts.getBodyPart(1).getContent();
      assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
      assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
      assertThat(text).contains("Unique visitors: " + visitors + " (" + change(visitors, visitorsBefore) + " on the week before)")
          .contains("Pageviews: " + pageviews + " (" + change(pageviews, pageviewsBefore) + " on the week before)")
          .contains("Bounce rate: 0% (-100.0 points");
      pages.forEach((page, count) -> assertThat(text).contains("  " + page + ": " + count + " pageviews"));

      Path htmlFile = directory.resolve("digest.html");
      Files.writeString(htmlFile, html);
      JsonNode shown = BrowserScripts.run("digest.mjs", htmlFile.toString(), Path.of("target/digest.png").toAbsolutePath().toString());
      assertThat(shown.path("visitors").asText()).isEqualTo(Long.toString(visitors));
      assertThat(shown.path("pageviews").asText()).isEqualTo(Long.toString(pageviews));
      assertThat(shown.path("pages").toString()).contains("/pricing");
      assertThat(shown.path("screenshotBytes").asLong()).isGreaterThan(5_000);

      // The unsubscribe link ends that person's subscription only.
      HttpResponse<String> stopped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(
          unsubscribe.replaceFirst("http://127\\.0\\.0\\.1:8080", api2.base()))).POST(HttpRequest.BodyPublishers.ofString(
          "List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
      assertThat(cql.execute("SELECT email FROM " + prefix + ".digest_subscriptions").all().stream().map(r -> r.getString("email")))
          .hasSize(1).doesNotContain(digest.getAllRecipients()[0].toString());
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
      smtp.stop();
    }
  }

  /** The digest's change: relative, one decimal, as docs/api.md's comparisons. */
  private static String change(long now, long before) {
    double percent = Math.round((now - before) * 1000.0 / before) / 10.0;
    return (percent > 0 ? "+" : "") + String.format(Locale.ROOT, "%.1f", percent) + "%";
  }

  private static String line(String address, String browser, LocalDate day, int hour, int minute, String page) {
    return address + " - - [" + day.atTime(hour, minute).atOffset(ZoneOffset.UTC).format(LOG_TIME) + "] \"GET " + page
        + " HTTP/1.1\" 200 512 \"-\" \"" + ApiClient.userAgent(browser) + "\"\n";
  }

  private static String signIn(ApiClient api) {
    return cookie(send(api, "POST", "/api/v1/account/signin", "{\"email\":\"owner@example.com\",\"password\":\"" + PASSWORD + "\"}",
        null, null));
  }

  /** The session token and CSRF token of a sign-in's cookies, as "session|csrf". */
  private static String cookie(HttpResponse<String> signedIn) {
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    Map<String, String> cookies = new HashMap<>();
    signedIn.headers().allValues("Set-Cookie").forEach(c -> {
      String pair = c.substring(0, c.indexOf(';'));
      cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    });
    return cookies.get("vulcan_session") + "|" + cookies.get("vulcan_csrf");
  }

  private static HttpResponse<String> send(ApiClient api, String method, String path, String body, String bearer, String session) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (session != null) {
      String[] parts = session.split("\\|");
      request.header("Cookie", "vulcan_session=" + parts[0]).header("X-CSRF-Token", parts[1]);
    }
    return api.send(request);
  }

  /**
   * A loopback port in front of the SMTP server that holds every connection unanswered until
   * {@link #open()} (a node connected to it is "at send time"); after that it relays.
   */
  private static final class HeldSmtp implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicBoolean open = new AtomicBoolean();
    private final AtomicInteger held = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    HeldSmtp(int target) throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            sockets.add(client);
            if (!open.get()) {
              held.incrementAndGet(); // left unanswered: the client waits for the greeting
              continue;
            }
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
            sockets.add(upstream);
            pump(client.getInputStream(), upstream.getOutputStream());
            pump(upstream.getInputStream(), client.getOutputStream());
          } catch (IOException e) {
            return;
          }
        }
      }, "held-smtp");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int held() {
      return held.get();
    }

    void open() {
      open.set(true);
    }

    private static void pump(InputStream in, OutputStream out) {
      Thread thread = new Thread(() -> {
        try (in; out) {
          in.transferTo(out);
        } catch (IOException e) {
          // one side closed
        }
      }, "held-smtp-pump");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
