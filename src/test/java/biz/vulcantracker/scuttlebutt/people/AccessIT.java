package biz.vulcantracker.scuttlebutt.people;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every way in to a site's calls against a real node and Cassandra: the admin token, the
 * installation's owner, an invited admin and viewer, a member of another site only, the report key,
 * API keys (read, write, and write of a viewer), share links (open, unlocked, kept to a segment) and
 * nothing at all — each tried on every endpoint of the site (the live WebSocket included), each
 * answered as docs/api.md's table of roles says. Then what the table cannot show: a segment link's
 * numbers are the segment's, a password link needs its password, revoking a link or a key or
 * removing a member ends their access at once, invitations are used once, and deleting a site
 * takes its owner and forgets its people.
 */
class AccessIT {

  private static final String PASSWORD = "a long enough secret";
  private static final String SITE = "roles.example";
  private static final String OTHER = "other.example";

  /** One way in: a bearer token or a session (with its CSRF token), and what it should be let do. */
  private record Who(String name, String bearer, String session, String csrf, Role role, boolean segmented) {
    static Who bearer(String name, String token, Role role) {
      return new Who(name, token, null, null, role, false);
    }
  }

  /** One call of the site: what it needs, and whether a link kept to a segment is refused it (it covers the whole site). */
  private record Call(String method, String path, String body, Role needs, boolean wholeSite) {}

  @Test
  void everyCredentialOnEveryEndpoint() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("access");
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix, Map.of("vulcan.mail.smtp-host", "127.0.0.1",
            "vulcan.mail.smtp-port", smtp.getSmtp().getPort(), "vulcan.mail.starttls", "off", "vulcan.mail.public-url", "https://stats.test")));
        CqlSession cql = IntegrationFixture.cqlSession()) {
      ApiClient api = new ApiClient(node.httpPort());

      // A headless install: the admin token makes the owner, who signs in and creates the sites.
      assertThat(send(api, "POST", "/api/v1/account/owner", "{\"email\":\"boss@example.com\",\"password\":\"" + PASSWORD + "\"}",
          null, null, null).statusCode()).isEqualTo(401);
      HttpResponse<String> owner = send(api, "POST", "/api/v1/account/owner",
          "{\"email\":\"boss@example.com\",\"password\":\"" + PASSWORD + "\"}", IntegrationFixture.ADMIN_TOKEN, null, null);
      assertThat(owner.statusCode()).as(owner.body()).isEqualTo(201);
      Who boss = signIn(api, "boss", "boss@example.com", PASSWORD, Role.OWNER);
      JsonNode site = created(send(api, "POST", "/api/v1/sites", "{\"id\":\"" + SITE + "\",\"timezone\":\"Europe/Berlin\"}", null,
          boss.session(), boss.csrf()));
      assertThat(send(api, "POST", "/api/v1/sites", "{\"id\":\"nope.example\"}", null, boss.session(), null).statusCode())
          .as("a session's change needs its CSRF token").isEqualTo(403);
      created(send(api, "POST", "/api/v1/sites", "{\"id\":\"" + OTHER + "\"}", null, boss.session(), boss.csrf()));

      // Invitations: boss invites alice (admin), alice invites bob (viewer), carol joins the other site only.
      String aliceInvitation = invite(api, boss, SITE, "alice@example.com", "admin");
      // The invitation is mailed to the invited person with its link.
      eventually(Duration.ofSeconds(30), () -> assertThat(smtp.getReceivedMessagesForDomain("example.com")).anySatisfy(mail -> {
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
        assertThat(GreenMailUtil.getBody(mail)).contains("https://stats.test/account#invite=" + aliceInvitation);
      }));
      Who alice = join(api, aliceInvitation, "alice", Role.ADMIN);
      String bobInvitation = invite(api, alice, SITE, "Bob@Example.com", "viewer");
      JsonNode opened = ApiClient.json(send(api, "POST", "/api/v1/account/invitation", "{\"token\":\"" + bobInvitation + "\"}",
          null, null, null));
      assertThat(opened.path("site").asText()).isEqualTo(SITE);
      assertThat(opened.path("email").asText()).isEqualTo("bob@example.com");
      assertThat(opened.path("role").asText()).isEqualTo("viewer");
      assertThat(opened.path("has_account").asBoolean()).isFalse();
      Who bob = join(api, bobInvitation, "bob", Role.VIEWER);
      assertThat(send(api, "POST", "/api/v1/account/invitation/accept", "{\"token\":\"" + bobInvitation + "\",\"password\":\""
          + PASSWORD + "\"}", null, null, null).statusCode()).as("an invitation is used once").isEqualTo(404);
      assertThat(send(api, "POST", "/api/v1/sites/" + SITE + "/invitations", "{\"email\":\"bob@example.com\",\"role\":\"admin\"}",
          null, alice.session(), alice.csrf()).statusCode()).as("bob is a member already").isEqualTo(409);
      assertThat(send(api, "POST", "/api/v1/sites/" + SITE + "/invitations", "{\"email\":\"x@example.com\",\"role\":\"owner\"}",
          null, alice.session(), alice.csrf()).statusCode()).as("nobody is invited as the owner").isEqualTo(400);
      Who carol = join(api, invite(api, boss, OTHER, "carol@example.com", "admin"), "carol", null);
      assertThat(ApiClient.json(send(api, "POST", "/api/v1/account/invitation", "{\"token\":\""
          + invite(api, boss, OTHER, "alice@example.com", "viewer") + "\"}", null, null, null)).path("has_account").asBoolean())
          .as("an invitation to someone with an account says so").isTrue();

      // API keys and share links.
      String aliceRead = apiKey(api, alice, "alice read", SITE, "read");
      String aliceWrite = apiKey(api, alice, "alice write", SITE, "write");
      String bobWrite = apiKey(api, bob, "bob write", SITE, "write");
      assertThat(send(api, "POST", "/api/v1/account/keys", "{\"name\":\"k\",\"sites\":[\"" + SITE + "\"],\"scope\":\"read\"}", null,
          carol.session(), carol.csrf()).statusCode()).as("no key for a site one has no role on").isEqualTo(403);
      String open = share(api, alice, "{\"label\":\"public\"}");
      String locked = share(api, alice, "{\"label\":\"locked\",\"password\":\"link password 123\"}");
      String segment = share(api, alice, "{\"label\":\"blog only\",\"filters\":\"page==/blog*\"}");
      String unlocked = unlock(api, locked, "link password 123");

      List<Who> everyone = List.of(
          Who.bearer("admin token", IntegrationFixture.ADMIN_TOKEN, Role.OWNER),
          boss, alice, bob, carol,
          Who.bearer("report key", site.path("reportKey").asText(), Role.VIEWER),
          Who.bearer("alice's read key", aliceRead, Role.VIEWER),
          Who.bearer("alice's write key", aliceWrite, Role.ADMIN),
          Who.bearer("bob's write key (a viewer's)", bobWrite, Role.VIEWER),
          Who.bearer("open share link", open, Role.VIEWER),
          Who.bearer("unlocked share link", unlocked, Role.VIEWER),
          new Who("segment share link", segment, null, null, Role.VIEWER, true),
          Who.bearer("made-up key", "vk_0123456789abcdef_nothing", null),
          new Who("nobody", null, null, null, null, false));

      String base = "/api/v1/sites/" + SITE;
      AtomicInteger unique = new AtomicInteger();
      List<Call> calls = List.of(
          new Call("GET", base + "/stats/aggregate?period=day&metrics=visitors,pageviews", null, Role.VIEWER, false),
          new Call("GET", base + "/stats/timeseries?period=7d", null, Role.VIEWER, false),
          new Call("GET", base + "/stats/breakdown?period=day&property=page", null, Role.VIEWER, false),
          new Call("GET", base + "/stats/aggregate?period=realtime&metrics=visitors", null, Role.VIEWER, true),
          new Call("GET", base + "/export?period=day", null, Role.VIEWER, false),
          new Call("GET", base + "/ledger?period=day", null, Role.VIEWER, true),
          new Call("GET", base + "/coverage?period=day", null, Role.VIEWER, true),
          new Call("GET", base + "/realtime/visitors", null, Role.VIEWER, true),
          new Call("GET", base + "/goals", null, Role.VIEWER, false),
          new Call("GET", base, null, Role.VIEWER, false),
          new Call("GET", base + "/access", null, Role.VIEWER, false),
          new Call("POST", base + "/goals", "{\"event\":\"Signup%d\"}", Role.ADMIN, false),
          new Call("DELETE", base + "/goals/0123456789abcdef", null, Role.ADMIN, false),
          new Call("PATCH", base, "{\"retentionDays\":0}", Role.ADMIN, false),
          new Call("POST", base + "/keys", "{\"rotate\":\"ingest_token\"}", Role.ADMIN, false),
          new Call("GET", base + "/members", null, Role.ADMIN, false),
          new Call("POST", base + "/invitations", "{\"email\":\"invitee%d@example.com\",\"role\":\"viewer\"}", Role.ADMIN, false),
          new Call("DELETE", base + "/invitations/nobody@example.com", null, Role.ADMIN, false),
          new Call("GET", base + "/shares", null, Role.ADMIN, false),
          new Call("POST", base + "/shares", "{\"label\":\"made %d\"}", Role.ADMIN, false),
          new Call("DELETE", base + "/shares/0123456789abcdef", null, Role.ADMIN, false),
          new Call("PATCH", base + "/members/nobody@example.com", "{\"role\":\"admin\"}", Role.ADMIN, false),
          new Call("DELETE", base + "/members/nobody@example.com", null, Role.ADMIN, false),
          new Call("DELETE", "/api/v1/sites/nothing-here.example", null, Role.OWNER, false));

      List<String> wrong = new ArrayList<>();
      for (Who who : everyone) {
        for (Call call : calls) {
          String body = call.body() == null ? null : call.body().formatted(unique.incrementAndGet());
          HttpResponse<String> answer = send(api, call.method(), call.path(), body, who.bearer(), who.session(), who.csrf());
          boolean allowed = who.role() != null && who.role().atLeast(call.needs()) && !(who.segmented() && call.wholeSite());
          int status = answer.statusCode();
          boolean ok = allowed
              ? status != 401 && status != 403 && status < 500
              : (who.bearer() == null && who.session() == null ? status == 401 : status == 403 || (call.path().contains("nothing-here")
                  && who.role() == Role.OWNER && status == 404));
          if (!ok) {
            wrong.add(who.name() + " " + call.method() + " " + call.path() + " → " + status + " " + answer.body());
          }
        }
        String live = live(node.httpPort(), who);
        // The admin token never travels in a page: the socket refuses it.
        boolean liveAllowed = who.role() != null && !who.segmented() && !IntegrationFixture.ADMIN_TOKEN.equals(who.bearer());
        if (liveAllowed != live.equals("open")) {
          wrong.add(who.name() + " live socket → " + live);
        }
      }
      assertThat(wrong).as("calls answered against the table of roles").isEmpty();

      // The allowed calls did what they say: rotation kept the report key, goals and links were made.
      assertThat(api.get(base + "/goals", site.path("reportKey").asText()).statusCode()).isEqualTo(200);

      // A password link's own token needs its password; a wrong one is refused.
      HttpResponse<String> needsPassword = api.get(base + "/stats/aggregate?period=day&metrics=visitors", locked);
      assertThat(needsPassword.statusCode()).isEqualTo(401);
      assertThat(needsPassword.body()).contains("password_required");
      assertThat(send(api, "POST", base + "/shares/unlock", "{\"token\":\"" + locked + "\",\"password\":\"wrong password 1\"}",
          null, null, null).statusCode()).isEqualTo(401);

      // A segment link's numbers are the segment's, and a filter of its own narrows, never widens, them.
      for (String page : List.of("/blog/one", "/blog/two", "/", "/pricing")) {
        assertThat(api.beaconGet("s=" + SITE + "&u=" + URLEncoder.encode("https://" + SITE + page, StandardCharsets.UTF_8),
            "203.0.113." + (10 + page.length()), "Reader" + page.length()).statusCode()).isEqualTo(204);
      }
      String admin = IntegrationFixture.ADMIN_TOKEN;
      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate(SITE, admin, "pageviews")).isEqualTo(4));
      long blogPageviews = filtered(api, admin, "page==/blog*", "pageviews");
      long blogVisitors = filtered(api, admin, "page==/blog*", "visitors");
      assertThat(blogPageviews).isEqualTo(2);
      assertThat(api.aggregate(SITE, segment, "pageviews")).isEqualTo(blogPageviews);
      assertThat(api.aggregate(SITE, segment, "visitors")).isEqualTo(blogVisitors);
      assertThat(filtered(api, segment, "page==/", "pageviews")).as("a link's own filter narrows it").isZero();
      assertThat(filtered(api, segment, "page==/blog/one", "pageviews")).isEqualTo(1);
      JsonNode pages = ApiClient.json(api.get(base + "/stats/breakdown?period=day&property=page", segment)).path("results");
      assertThat(pages.findValuesAsText("page")).containsExactlyInAnyOrder("/blog/one", "/blog/two");
      assertThat(api.aggregate(SITE, open, "pageviews")).as("an open link sees the whole site").isEqualTo(4);
      assertThat(ApiClient.json(api.get(base + "/access", segment)).path("segment").asText()).isEqualTo("page==/blog*");

      // Revoking a link ends it and its unlock tokens (and closes a live socket it holds open); revoking a key ends it;
      // a removed member loses the site and their keys' reach.
      List<String> onOpenLink = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
      HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("vulcan-live", open)
          .buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/sites/" + SITE + "/live"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              onOpenLink.add(data.toString());
              webSocket.request(1);
              return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
              closed.set(true);
              return null;
            }
          }).get(10, TimeUnit.SECONDS);
      eventually(Duration.ofSeconds(10), () -> assertThat(onOpenLink).anySatisfy(m -> assertThat(m).contains("\"snapshot\"")));
      JsonNode shares = ApiClient.json(send(api, "GET", base + "/shares", null, null, alice.session(), null)).path("shares");
      for (JsonNode link : shares) {
        if (List.of("public", "locked").contains(link.path("label").asText())) {
          assertThat(send(api, "DELETE", base + "/shares/" + link.path("id").asText(), null, null, alice.session(), alice.csrf())
              .statusCode()).isEqualTo(204);
        }
      }
      assertThat(api.get(base + "/stats/aggregate?period=day&metrics=visitors", open).statusCode()).isEqualTo(403);
      assertThat(api.get(base + "/stats/aggregate?period=day&metrics=visitors", unlocked).statusCode()).isEqualTo(403);
      eventually(Duration.ofSeconds(20), () -> {
        assertThat(onOpenLink).anySatisfy(m -> assertThat(m).contains("access_revoked"));
        assertThat(closed).isTrue();
      });
      JsonNode aliceKeys = ApiClient.json(send(api, "GET", "/api/v1/account/keys", null, null, alice.session(), null)).path("keys");
      assertThat(aliceKeys.findValuesAsText("name")).containsExactly("alice read", "alice write");
      assertThat(aliceKeys.toString()).doesNotContain(aliceRead.substring(20));
      String readKeyId = aliceKeys.get(0).path("id").asText();
      assertThat(send(api, "DELETE", "/api/v1/account/keys/" + readKeyId, null, null, bob.session(), bob.csrf()).statusCode())
          .as("one person's key is not another's to revoke").isEqualTo(404);
      assertThat(send(api, "DELETE", "/api/v1/account/keys/" + readKeyId, null, null, alice.session(), alice.csrf()).statusCode())
          .isEqualTo(204);
      assertThat(api.get(base + "/goals", aliceRead).statusCode()).isEqualTo(403);
      assertThat(api.get(base + "/goals", aliceWrite).statusCode()).isEqualTo(200);

      assertThat(send(api, "PATCH", base + "/members/bob@example.com", "{\"role\":\"admin\"}", null, alice.session(), alice.csrf())
          .statusCode()).isEqualTo(204);
      assertThat(send(api, "GET", base + "/members", null, null, bob.session(), null).statusCode()).as("bob is an admin now").isEqualTo(200);
      assertThat(send(api, "PATCH", base + "/members/boss@example.com", "{\"role\":\"viewer\"}", null, bob.session(), bob.csrf())
          .statusCode()).as("the owner keeps their role").isEqualTo(409);
      assertThat(send(api, "DELETE", base + "/members/bob@example.com", null, null, alice.session(), alice.csrf()).statusCode())
          .isEqualTo(204);
      assertThat(send(api, "GET", base + "/goals", null, null, bob.session(), null).statusCode()).isEqualTo(403);
      assertThat(api.get(base + "/goals", bobWrite).statusCode()).as("a key reaches no further than its person").isEqualTo(403);
      JsonNode members = ApiClient.json(send(api, "GET", base + "/members", null, null, alice.session(), null));
      assertThat(members.path("members").findValuesAsText("email")).containsExactlyInAnyOrder("boss@example.com", "alice@example.com");
      assertThat(members.path("members").toString()).contains("\"owner\"");

      // The sites each person sees.
      assertThat(sites(api, boss)).containsEntry(SITE, "owner").containsEntry(OTHER, "owner");
      assertThat(sites(api, alice)).as("an invitation not yet accepted gives nothing").containsExactly(Map.entry(SITE, "admin"));
      assertThat(sites(api, carol)).containsExactly(Map.entry(OTHER, "admin"));
      assertThat(sites(api, bob)).isEmpty();

      // Only the owner deletes a site; its members, invitations and links go with it.
      assertThat(send(api, "DELETE", "/api/v1/sites/" + OTHER, null, null, carol.session(), carol.csrf()).statusCode()).isEqualTo(403);
      assertThat(send(api, "DELETE", "/api/v1/sites/" + OTHER, null, null, boss.session(), boss.csrf()).statusCode()).isEqualTo(204);
      assertThat(sites(api, carol)).isEmpty();
      List<Row> left = new ArrayList<>();
      for (String table : List.of("site_members", "invitations", "share_links")) {
        left.addAll(cql.execute("SELECT * FROM " + prefix + "." + table + " WHERE site_id = ?", OTHER).all());
      }
      left.addAll(cql.execute("SELECT * FROM " + prefix + ".member_sites WHERE email = 'carol@example.com'").all());
      assertThat(left).isEmpty();

      // What the store holds of keys, links and invitations: hashes, never the tokens.
      String stored = cql.execute("SELECT * FROM " + prefix + ".api_keys").all().stream().map(Row::getFormattedContents)
          .collect(Collectors.joining("\n")) + cql.execute("SELECT * FROM " + prefix + ".share_links").all().stream()
          .map(Row::getFormattedContents).collect(Collectors.joining("\n"));
      assertThat(stored).isNotEmpty().doesNotContain(aliceWrite.substring(20)).doesNotContain(segment.substring(20))
          .doesNotContain("link password 123");
    } finally {
      smtp.stop();
    }
  }

  private static long filtered(ApiClient api, String bearer, String filters, String metric) {
    HttpResponse<String> response = api.get("/api/v1/sites/" + SITE + "/stats/aggregate?period=day&metrics=" + metric + "&filters="
        + URLEncoder.encode(filters, StandardCharsets.UTF_8), bearer);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ApiClient.json(response).path("results").path(metric).path("value").asLong();
  }

  private static Map<String, String> sites(ApiClient api, Who who) {
    HttpResponse<String> listed = send(api, "GET", "/api/v1/sites", null, null, who.session(), null);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    Map<String, String> roles = new java.util.TreeMap<>();
    ApiClient.json(listed).forEach(site -> roles.put(site.path("id").asText(), site.path("role").asText()));
    return roles;
  }

  /** "open" when the live socket opened and sent its snapshot, else the handshake's status. */
  private static String live(int port, Who who) throws Exception {
    List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
        .subprotocols("vulcan-live", who.bearer() == null ? new String[0] : new String[] {who.bearer()});
    if (who.session() != null) {
      builder.header("Cookie", "vulcan_session=" + who.session());
    }
    CompletableFuture<WebSocket> socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/v1/sites/" + SITE + "/live"),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            messages.add(data.toString());
            webSocket.request(1);
            return null;
          }
        });
    try {
      WebSocket opened = socket.get(10, TimeUnit.SECONDS);
      eventually(Duration.ofSeconds(10), () -> assertThat(messages).anySatisfy(m -> assertThat(m).contains("\"snapshot\"")));
      opened.abort();
      return "open";
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      if (cause instanceof WebSocketHandshakeException refused) {
        return "refused " + refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static Who signIn(ApiClient api, String name, String email, String password, Role role) {
    HttpResponse<String> signedIn = send(api, "POST", "/api/v1/account/signin",
        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null, null, null);
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    return who(name, signedIn, role);
  }

  private static Who join(ApiClient api, String invitation, String name, Role role) {
    HttpResponse<String> joined = send(api, "POST", "/api/v1/account/invitation/accept",
        "{\"token\":\"" + invitation + "\",\"password\":\"" + PASSWORD + "\"}", null, null, null);
    assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
    return who(name, joined, role);
  }

  private static Who who(String name, HttpResponse<String> signedIn, Role role) {
    Map<String, String> cookies = signedIn.headers().allValues("Set-Cookie").stream()
        .map(c -> c.substring(0, c.indexOf(';')))
        .collect(Collectors.toMap(c -> c.substring(0, c.indexOf('=')), c -> c.substring(c.indexOf('=') + 1)));
    return new Who(name, null, cookies.get("vulcan_session"), cookies.get("vulcan_csrf"), role, false);
  }

  private static String invite(ApiClient api, Who by, String site, String email, String role) {
    HttpResponse<String> invited = send(api, "POST", "/api/v1/sites/" + site + "/invitations",
        "{\"email\":\"" + email + "\",\"role\":\"" + role + "\"}", null, by.session(), by.csrf());
    return created(invited).path("token").asText();
  }

  private static String apiKey(ApiClient api, Who by, String name, String site, String scope) {
    return created(send(api, "POST", "/api/v1/account/keys", "{\"name\":\"" + name + "\",\"sites\":[\"" + site + "\"],\"scope\":\""
        + scope + "\"}", null, by.session(), by.csrf())).path("key").asText();
  }

  private static String share(ApiClient api, Who by, String body) {
    return created(send(api, "POST", "/api/v1/sites/" + SITE + "/shares", body, null, by.session(), by.csrf())).path("token").asText();
  }

  private static String unlock(ApiClient api, String token, String password) {
    HttpResponse<String> unlocked = send(api, "POST", "/api/v1/sites/" + SITE + "/shares/unlock",
        "{\"token\":\"" + token + "\",\"password\":\"" + password + "\"}", null, null, null);
    assertThat(unlocked.statusCode()).as(unlocked.body()).isEqualTo(200);
    return ApiClient.json(unlocked).path("token").asText();
  }

  private static JsonNode created(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return ApiClient.json(response);
  }

  private static HttpResponse<String> send(ApiClient api, String method, String path, String body, String bearer, String session,
      String csrf) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (session != null) {
      request.header("Cookie", "vulcan_session=" + session);
    }
    if (csrf != null) {
      request.header("X-CSRF-Token", csrf);
    }
    return api.send(request);
  }
}
