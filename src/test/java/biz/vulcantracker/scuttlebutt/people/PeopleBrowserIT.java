package biz.vulcantracker.scuttlebutt.people;

import static biz.vulcantracker.IntegrationFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.ApiClient;
import biz.vulcantracker.BrowserScripts;
import biz.vulcantracker.IntegrationFixture;
import biz.vulcantracker.VulcanNode;
import biz.vulcantracker.scuttlebutt.imports.ExportFixtures;
import biz.vulcantracker.scuttlebutt.imports.ExportFixtures.PlausibleDay;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Accounts, invitations and share links in Chromium against a real node: the owner signs up on a
 * fresh install (the cookies are kept, Secure on http://127.0.0.1 included), adds a site, signs out
 * and in; on a site's dashboard the settings invite a viewer and make an open and a password share
 * link; the viewer joins through the invitation link and sees the reports without settings; a
 * stranger opens each link and sees the same numbers without settings, the locked one only after a
 * wrong password is refused and the right one taken. Screenshots: target/people-*.png.
 */
class PeopleBrowserIT {

  private static final String SITE = "people.example";

  @Test
  void signUpInviteAndShareInABrowser() throws Exception {
    IntegrationFixture.avoidMidnight();
    try (VulcanNode node = VulcanNode.start(IntegrationFixture.nodeConfig(IntegrationFixture.freshPrefix("people")))) {
      ApiClient api = new ApiClient(node.httpPort());
      ApiClient.SiteKeys site = api.createSite(SITE, List.of(SITE), "UTC");
      for (String page : List.of("/", "/pricing", "/docs")) {
        assertThat(api.beaconGet("s=" + SITE + "&u=https%3A%2F%2F" + SITE + page.replace("/", "%2F"), "203.0.113.7", "Reader")
            .statusCode()).isEqualTo(204);
      }
      eventually(Duration.ofSeconds(30), () -> assertThat(api.aggregate(SITE, site.reportKey(), "pageviews")).isEqualTo(3));

      // An export of ten days of the last thirty, before the site's own first day (today).
      List<PlausibleDay> imported = ExportFixtures.plausibleDays(java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(20), 10);
      Path export = Files.write(Files.createTempDirectory("export").resolve("plausible-export.zip"), ExportFixtures.plausibleZip(imported));
      JsonNode seen = BrowserScripts.run("people.mjs", api.base(), SITE, Path.of("target").toAbsolutePath().toString(),
          export.toString());

      assertThat(seen.path("cookies").toString()).contains("\"name\":\"vulcan_session\",\"secure\":true,\"httpOnly\":true,\"sameSite\":\"Strict\"")
          .contains("\"name\":\"vulcan_csrf\",\"secure\":true,\"httpOnly\":false,\"sameSite\":\"Strict\"");
      assertThat(names(seen.path("sitesListed"))).contains("added.example", SITE);
      assertThat(seen.path("signedOutCookies")).isEmpty();
      assertThat(seen.path("signedInAgain").asText()).isEqualTo("owner@example.com");

      assertThat(seen.path("owner").path("role").asText()).isEqualTo("owner");
      assertThat(seen.path("owner").path("settingsShown").asBoolean()).isTrue();
      assertThat(seen.path("owner").path("pageviews").asText()).isEqualTo("3");
      assertThat(seen.path("settingsRows").toString()).contains("viewer@example.com", "Public", "Board");
      assertThat(seen.path("importNote").asText()).contains("Importing", imported.get(0).day().toString());
      assertThat(seen.path("importRow").path(0).asText()).contains("plausible", "plausible-export.zip");
      assertThat(seen.path("importRow").path(2).asText()).isEqualTo("done");
      long pageviews = 3 + imported.stream().mapToLong(PlausibleDay::pageviews).sum();
      assertThat(seen.path("withImport").path("pageviews").asText().replaceAll("[^0-9]", "")).isEqualTo(Long.toString(pageviews));

      assertThat(seen.path("invitationTitle").asText()).contains(SITE, "viewer", "viewer@example.com", "choose a password");
      assertThat(seen.path("viewer").path("role").asText()).isEqualTo("viewer");
      assertThat(seen.path("viewer").path("via").asText()).isEqualTo("session");
      assertThat(seen.path("viewer").path("settingsShown").asBoolean()).isFalse();
      assertThat(seen.path("viewer").path("pageviews").asText()).isEqualTo("3");

      for (String link : List.of("openLink", "lockedLink")) {
        assertThat(seen.path(link).path("via").asText()).as(link).isEqualTo("share_link");
        assertThat(seen.path(link).path("settingsShown").asBoolean()).as(link).isFalse();
        assertThat(seen.path(link).path("pageviews").asText()).as(link).isEqualTo("3");
        assertThat(seen.path(link).path("error").asText()).as(link).isEmpty();
      }
      assertThat(seen.path("wrongPassword").asText()).contains("not this link's password");
      assertThat(seen.path("lockedKeyInFragment").asBoolean()).isTrue();

      // What the server holds after the browser's clicks: the viewer is a member, the links are the site's.
      JsonNode members = ApiClient.json(api.get("/api/v1/sites/" + SITE + "/members", IntegrationFixture.ADMIN_TOKEN));
      assertThat(members.path("members").toString()).contains("{\"email\":\"viewer@example.com\",\"role\":\"viewer\"");
      assertThat(members.path("invitations")).isEmpty();
      JsonNode shares = ApiClient.json(api.get("/api/v1/sites/" + SITE + "/shares", IntegrationFixture.ADMIN_TOKEN)).path("shares");
      assertThat(StreamSupport.stream(shares.spliterator(), false).map(s -> s.path("label").asText() + ":" + s.path("password").asBoolean()))
          .containsExactlyInAnyOrder("Public:false", "Board:true");
    }
  }

  private static List<String> names(JsonNode rows) {
    return StreamSupport.stream(rows.spliterator(), false).map(row -> row.path(0).asText()).toList();
  }
}
