package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /dashboard/{site}}: the live dashboard, one self-contained page (its script and styles
 * inline, charts drawn as SVG: nothing to fetch from elsewhere). The page is the same for every
 * site; it reads the site from its path and the report key from the URL fragment
 * ({@code #key=...}), which browsers never send to a server, and then talks to the stats API and
 * the live WebSocket with that key. A link with the fragment is the read-only share link.
 */
public final class DashboardRoutes {

  private static final String RESOURCE = "/web/dashboard.html";
  private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; "
      + "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

  private final byte[] page = read();

  public Route route() {
    return path(segment("dashboard").slash(PathMatchers.segment()), site -> get(() -> complete(
        HttpResponse.create()
            .withEntity(ContentTypes.TEXT_HTML_UTF8, page)
            .addHeaders(List.of(
                RawHeader.create("Cache-Control", "no-cache"),
                RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                RawHeader.create("Referrer-Policy", "no-referrer"),
                RawHeader.create("X-Content-Type-Options", "nosniff"))))));
  }

  private static byte[] read() {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
