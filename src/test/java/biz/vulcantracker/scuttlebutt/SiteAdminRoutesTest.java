package biz.vulcantracker.scuttlebutt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.RouteTestBase;
import biz.vulcantracker.store.SiteCatalog;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin API's door: a short admin token is refused at start, and a request without the token is answered before its body is read. */
class SiteAdminRoutesTest extends RouteTestBase {

  private static final String ADMIN = "admin-token-of-thirty-two-chars!";
  private TestRoute route;

  @BeforeAll
  void buildRoute() {
    // No purge: nothing here gets as far as deleting.
    route = testRoute(new SiteAdminRoutes(new ReportAccess(SiteCatalog.of(List.of()), ADMIN, null), SiteCatalog.of(List.of()), null, null).route());
  }

  @Test
  void anAdminTokenUnderThirtyTwoCharactersIsRefused() {
    assertThatThrownBy(() -> new ReportAccess(SiteCatalog.of(List.of()), "x".repeat(ReportAccess.MIN_ADMIN_TOKEN_CHARS - 1), null))
        .hasMessageContaining("at least 32");
    assertThat(new ReportAccess(SiteCatalog.of(List.of()), "", null)).isNotNull(); // the admin API off
    assertThat(ADMIN).hasSize(ReportAccess.MIN_ADMIN_TOKEN_CHARS);
  }

  @Test
  void aCreateWithoutTheTokenIsAnsweredBeforeItsBodyIsRead() {
    // A body that never ends: reading it first would leave the request hanging.
    HttpRequest endless = HttpRequest.POST("/api/v1/sites")
        .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, Source.<ByteString>never()));
    route.run(endless).assertStatusCode(401);
    route.run(endless.addHeader(RawHeader.create("Authorization", "Bearer not-the-admin-token-but-long-enough"))).assertStatusCode(403);
  }
}
