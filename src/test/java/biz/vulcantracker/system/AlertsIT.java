package biz.vulcantracker.system;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.IntegrationFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts end to end on three nodes in three processes (the edge and the reports on one, katric on
 * two), with a webhook receiver of the test's own on loopback. A goal rule fires while the receiver
 * is down: its attempts are refused (retried), then the node that owns the site's entity — the one
 * holding the undelivered firing — is killed with SIGKILL; the receiver comes back, the entity
 * recovers on the other node from its journal and delivers the firing there. Each firing reaches the
 * receiver with a valid signature and is answered 2xx exactly once; a later completion the same day
 * fires nothing; the live socket shows the firings.
 */
class AlertsIT {

  private static final String SITE = "alerts.example";

  @TempDir Path directory;

  @Test
  void eachFiringReachesTheWebhookOnceThroughAnOutageAndANodeKill() throws Exception {
    IntegrationFixture.avoidMidnight();
    String prefix = IntegrationFixture.freshPrefix("alerts");
    List<NodeProcess> nodes = new ArrayList<>();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      NodeProcess.startEdgeAndTwoKatric(prefix, directory, nodes);
      NodeProcess edge = nodes.get(0);
      ApiClient api = new ApiClient(edge.httpPort);
      ApiClient.SiteKeys site = api.createSite(SITE, List.of(SITE), "UTC");

      String goal = ApiClient.json(admin(api, "/api/v1/sites/" + SITE + "/goals", "{\"event\":\"Signup\"}", 201)).get("id").asText();
      JsonNode goalRule = ApiClient.json(admin(api, "/api/v1/sites/" + SITE + "/alerts",
          "{\"name\":\"Three signups\",\"kind\":\"goal\",\"goal\":\"" + goal + "\",\"count\":3,\"webhook\":\"" + receiver.url() + "\"}", 201));
      JsonNode notFoundRule = ApiClient.json(admin(api, "/api/v1/sites/" + SITE + "/alerts",
          "{\"kind\":\"not_found\",\"count\":3,\"minutes\":5,\"webhook\":\"" + receiver.url() + "\"}", 201));
      receiver.secret(goalRule.get("id").asText(), goalRule.get("secret").asText());
      receiver.secret(notFoundRule.get("id").asText(), notFoundRule.get("secret").asText());
      // The report key lists the rules, never a secret or the webhook's path.
      String listed = api.get("/api/v1/sites/" + SITE + "/alerts", site.reportKey()).body();
      assertThat(listed).contains("Three signups").contains("127.0.0.1").doesNotContain("secret").doesNotContain("/hook");

      List<String> liveMessages = LiveMessages.open(edge.httpPort, SITE, site.reportKey()).messages();

      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      signup(api, 1);
      signup(api, 2);
      eventually(Duration.ofSeconds(60), () -> assertThat(api.aggregate(SITE, site.reportKey(), "events", today, today)).isEqualTo(2));
      assertThat(receiver.requests()).as("two signups of three fire nothing").isEmpty();

      receiver.down(true);
      signup(api, 3);
      // The firing is persisted and tried (refused: 503) and tried again after a backoff.
      eventually(Duration.ofSeconds(60), () -> assertThat(receiver.requests()).hasSizeGreaterThanOrEqualTo(2));
      NodeProcess owner = nodes.get(1).sitesRecovered().contains(SITE) ? nodes.get(1) : nodes.get(2);
      NodeProcess survivor = owner == nodes.get(1) ? nodes.get(2) : nodes.get(1);
      assertThat(owner.sitesRecovered()).contains(SITE);
      assertThat(survivor.sitesRecovered()).doesNotContain(SITE);
      int refusedBeforeKill = receiver.requests().size();
      owner.kill();
      System.out.printf("AlertsIT: the owner of %s was killed after %d refused attempts of the goal firing%n", SITE, refusedBeforeKill);
      receiver.down(false);

      // Three 404s within five minutes: the site's next batch starts its entity on the survivor,
      // which delivers the undelivered goal firing and fires the 404 rule.
      for (int n = 1; n <= 3; n++) {
        assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + "%2Fmissing" + n + "&n=404", "192.0.2." + (50 + n),
            "Lost" + n).statusCode()).isEqualTo(204);
      }
      eventually(Duration.ofSeconds(150), () -> assertThat(receiver.delivered()).hasSize(2));
      assertThat(survivor.sitesRecovered()).contains(SITE);

      signup(api, 4);
      eventually(Duration.ofSeconds(60), () -> assertThat(api.aggregate(SITE, site.reportKey(), "events", today, today)).isEqualTo(7));
      // The fourth signup is counted: its batch was judged; a second firing of the day would be on
      // its way now. Any delivery the kill repeated would show as a second 2xx of one id.
      Thread.sleep(2_000);
      List<WebhookReceiver.Request> delivered = receiver.delivered();
      assertThat(delivered).hasSize(2);
      assertThat(receiver.requests()).allSatisfy(request -> assertThat(request.signatureValid()).as(request.body()).isTrue());
      assertThat(delivered).extracting(WebhookReceiver.Request::deliveryId).doesNotHaveDuplicates();
      JsonNode goalFiring = delivered.stream().map(r -> ApiClient.json(r.body()))
          .filter(body -> body.path("alert").path("kind").asText().equals("goal")).findFirst().orElseThrow();
      assertThat(goalFiring.path("value").asLong()).isEqualTo(3);
      assertThat(goalFiring.path("window").asText()).isEqualTo(today.toString());
      assertThat(goalFiring.path("alert").path("name").asText()).isEqualTo("Three signups");
      // Every attempt of the goal firing, refused or not, carried its one delivery id.
      assertThat(receiver.requests().stream().filter(r -> ApiClient.json(r.body()).path("alert").path("kind").asText().equals("goal"))
          .map(WebhookReceiver.Request::deliveryId).distinct()).hasSize(1);
      JsonNode notFoundFiring = delivered.stream().map(r -> ApiClient.json(r.body()))
          .filter(body -> body.path("alert").path("kind").asText().equals("not_found")).findFirst().orElseThrow();
      assertThat(notFoundFiring.path("value").asLong()).isEqualTo(3);
      // The live socket shows both firings (its reports carry the latest, so one missed is still seen).
      eventually(Duration.ofSeconds(30), () -> assertThat(liveMessages).anySatisfy(message ->
          assertThat(ApiClient.json(message).path("alerts").findValuesAsText("delivery"))
              .containsExactlyInAnyOrderElementsOf(delivered.stream().map(WebhookReceiver.Request::deliveryId).toList())));
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
    }
  }

  private static void signup(ApiClient api, int visitor) {
    assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + "%2Fsignup&n=Signup", "192.0.2." + visitor, "Signer" + visitor)
        .statusCode()).isEqualTo(204);
  }

  private static String admin(ApiClient api, String path, String body, int status) {
    HttpResponse<String> response = api.send(HttpRequest.newBuilder(api.uri(path))
        .header("Authorization", "Bearer " + IntegrationFixture.ADMIN_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response.body();
  }
}
