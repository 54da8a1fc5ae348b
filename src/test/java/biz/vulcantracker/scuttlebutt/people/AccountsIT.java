package biz.vulcantracker.scuttlebutt.people;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Accounts against a real node and Cassandra: the first user signs up and owns the installation (a
 * second first user is refused), signs in and out, changes the password; what is stored holds no
 * password and no session token; the cookies are HTTP-only (the session's), SameSite=Strict and
 * Secure; a call that changes something without the session's CSRF token is refused; ten failed
 * sign-ins for an email stop the eleventh, even with the right password.
 */
class AccountsIT {

  private static final String PASSWORD = "a long enough secret";

  @Test
  void signUpSignInChangeAndSignOut() throws Exception {
    String prefix = IntegrationFixture.freshPrefix("accounts");
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(prefix));
        CqlSession cql = IntegrationFixture.cqlSession()) {
      ApiClient api = new ApiClient(node.httpPort());
      assertThat(ApiClient.json(api.get("/api/v1/account/setup", null)).path("set_up").asBoolean()).isFalse();

      assertThat(post(api, "/api/v1/account/signup", "{\"email\":\"owner@example.com\",\"password\":\"short\"}", null, null))
          .satisfies(r -> assertThat(r.statusCode()).isEqualTo(400)).satisfies(r -> assertThat(r.body()).contains("weak_password"));
      assertThat(post(api, "/api/v1/account/signup", "{\"email\":\"not an email\",\"password\":\"" + PASSWORD + "\"}", null, null)
          .body()).contains("bad_email");
      assertThat(post(api, "/api/v1/account/signup", "[1]", null, null).body()).contains("bad_json");

      HttpResponse<String> signedUp = post(api, "/api/v1/account/signup",
          "{\"email\":\" Owner@Example.com \",\"password\":\"" + PASSWORD + "\"}", null, null);
      assertThat(signedUp.statusCode()).as(signedUp.body()).isEqualTo(201);
      assertThat(ApiClient.json(signedUp).path("email").asText()).isEqualTo("owner@example.com");
      Map<String, String> cookies = cookies(signedUp);
      String session = cookies.get("vulcan_session");
      String csrf = cookies.get("vulcan_csrf");
      List<String> setCookies = signedUp.headers().allValues("Set-Cookie");
      assertThat(setCookies).filteredOn(c -> c.startsWith("vulcan_session=")).singleElement().satisfies(c ->
          assertThat(c).contains("HttpOnly", "Secure", "SameSite=Strict", "Path=/"));
      assertThat(setCookies).filteredOn(c -> c.startsWith("vulcan_csrf=")).singleElement().satisfies(c ->
          assertThat(c).contains("Secure", "SameSite=Strict").doesNotContain("HttpOnly"));
      assertThat(ApiClient.json(api.get("/api/v1/account/setup", null)).path("set_up").asBoolean()).isTrue();

      // What Cassandra holds: an Argon2id hash, not the password; the session under its token's hash.
      Row user = cql.execute("SELECT password_hash, instance_owner FROM " + prefix + ".users WHERE email = 'owner@example.com'").one();
      assertThat(user.getString("password_hash")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(PASSWORD);
      assertThat(user.getBoolean("instance_owner")).isTrue();
      String stored = cql.execute("SELECT * FROM " + prefix + ".sessions").all().stream().map(Row::getFormattedContents)
          .collect(Collectors.joining("\n"));
      assertThat(stored).isNotEmpty().doesNotContain(session).doesNotContain(csrf);

      assertThat(post(api, "/api/v1/account/signup", "{\"email\":\"second@example.com\",\"password\":\"" + PASSWORD + "\"}", null, null)
          .statusCode()).as("one first user").isEqualTo(409);

      assertThat(me(api, session).statusCode()).isEqualTo(200);
      assertThat(ApiClient.json(me(api, session)).path("owner").asBoolean()).isTrue();
      assertThat(me(api, null).statusCode()).isEqualTo(401);
      assertThat(me(api, "made-up").statusCode()).isEqualTo(401);

      // Changing something needs the session's CSRF token.
      String change = "{\"current\":\"" + PASSWORD + "\",\"new\":\"another long secret\"}";
      assertThat(post(api, "/api/v1/account/password", change, session, null).statusCode()).isEqualTo(403);
      assertThat(post(api, "/api/v1/account/password", change, session, "wrong").statusCode()).isEqualTo(403);
      assertThat(post(api, "/api/v1/account/password", change.replace(PASSWORD, "not the password"), session, csrf).statusCode())
          .isEqualTo(401);
      assertThat(post(api, "/api/v1/account/password", change, session, csrf).statusCode()).isEqualTo(204);
      assertThat(signIn(api, "owner@example.com", PASSWORD).statusCode()).isEqualTo(401);
      HttpResponse<String> again = signIn(api, "OWNER@example.com", "another long secret");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(cookies(again).get("vulcan_session")).isNotEqualTo(session);

      assertThat(post(api, "/api/v1/account/signout", "", session, null).statusCode()).isEqualTo(403);
      HttpResponse<String> out = post(api, "/api/v1/account/signout", "", session, csrf);
      assertThat(out.statusCode()).isEqualTo(204);
      assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("vulcan_session=").contains("Max-Age=0"));
      assertThat(me(api, session).statusCode()).as("signed out").isEqualTo(401);
      assertThat(me(api, cookies(again).get("vulcan_session")).statusCode()).as("the other session lives").isEqualTo(200);

      // Ten failures for an email stop the eleventh try, the right password included; other emails are not held up.
      for (int i = 0; i < Accounts.MAX_FAILURES; i++) {
        assertThat(signIn(api, "owner@example.com", "guess number " + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> held = signIn(api, "owner@example.com", "another long secret");
      assertThat(held.statusCode()).isEqualTo(429);
      assertThat(held.body()).contains("too_many_attempts");
      assertThat(signIn(api, "nobody@example.com", "whatever it is").statusCode()).isEqualTo(401);

      // One password sprayed over many emails from one client (named by the test's trusted proxy on
      // loopback): held after MAX_CLIENT_FAILURES, for any email; another client is not held up.
      for (int i = 0; i < Accounts.MAX_CLIENT_FAILURES; i++) {
        assertThat(signInFrom(api, "203.0.113.77", "person" + i + "@example.com", "Winter2026!").statusCode()).isEqualTo(401);
      }
      HttpResponse<String> sprayed = signInFrom(api, "203.0.113.77", "one.more@example.com", "Winter2026!");
      assertThat(sprayed.statusCode()).isEqualTo(429);
      assertThat(sprayed.body()).contains("too_many_attempts", "from this address");
      assertThat(signInFrom(api, "198.51.100.3", "one.more@example.com", "Winter2026!").statusCode()).isEqualTo(401);
    }
  }

  private static HttpResponse<String> signInFrom(ApiClient api, String client, String email, String password) {
    return api.send(HttpRequest.newBuilder(api.uri("/api/v1/account/signin")).header("Content-Type", "application/json")
        .header("X-Forwarded-For", client)
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")));
  }

  private static HttpResponse<String> signIn(ApiClient api, String email, String password) {
    return post(api, "/api/v1/account/signin", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null, null);
  }

  private static HttpResponse<String> me(ApiClient api, String session) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/api/v1/account/me")).GET();
    if (session != null) {
      request.header("Cookie", "vulcan_session=" + session);
    }
    return api.send(request);
  }

  private static HttpResponse<String> post(ApiClient api, String path, String body, String session, String csrf) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (session != null) {
      request.header("Cookie", "vulcan_session=" + session);
    }
    if (csrf != null) {
      request.header("X-CSRF-Token", csrf);
    }
    return api.send(request);
  }

  private static Map<String, String> cookies(HttpResponse<String> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .map(c -> c.substring(0, c.indexOf(';')))
        .collect(Collectors.toMap(c -> c.substring(0, c.indexOf('=')), c -> c.substring(c.indexOf('=') + 1)));
  }
}
