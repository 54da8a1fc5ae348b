package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /dashboard/{site}}: the live dashboard, a page and its script ({@code /dashboard.js};
 * styles inline, charts drawn as SVG: nothing to fetch from elsewhere). The script is a file of its
 * own so that the Content-Security-Policy runs no inline script: text a visitor put into a page path
 * or a referrer can never run as the dashboard, even if an escape were missed. The page is the same for every
 * site; it reads the site from its path and the report key from the URL fragment
 * ({@code #key=...}), which browsers never send to a server, and then talks to the stats API and
 * the live WebSocket with that key (a report key, or a share link's token); without one, with the
 * signed-in session's cookies. {@code GET /account}: sign-up of the first user, sign-in, joining
 * by an invitation link, a person's sites and API keys ({@code /account.js}).
 */
public final class DashboardRoutes {

  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
      + "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

  private final byte[] page = read("/web/dashboard.html");
  private final byte[] script = read("/web/dashboard.js");
  private final byte[] accountPage = read("/web/account.html");
  private final byte[] accountScript = read("/web/account.js");

  public Route route() {
    return concat(
        path(segment("dashboard").slash(PathMatchers.segment()), site -> get(() -> complete(
            HttpResponse.create().withEntity(ContentTypes.TEXT_HTML_UTF8, page).addHeaders(headers())))),
        path("dashboard.js", () -> get(() -> complete(
            HttpResponse.create().withEntity(JAVASCRIPT, script).addHeaders(headers())))),
        path("account", () -> get(() -> complete(
            HttpResponse.create().withEntity(ContentTypes.TEXT_HTML_UTF8, accountPage).addHeaders(headers())))),
        path("account.js", () -> get(() -> complete(
            HttpResponse.create().withEntity(JAVASCRIPT, accountScript).addHeaders(headers())))));
  }

  private static final ContentType.WithCharset JAVASCRIPT =
      MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);

  private static List<HttpHeader> headers() {
    return List.of(
        RawHeader.create("Cache-Control", "no-cache"),
        RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        RawHeader.create("Referrer-Policy", "no-referrer"),
        RawHeader.create("X-Content-Type-Options", "nosniff"));
  }

  private static byte[] read(String resource) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
