package biz.vulcantracker.beacon;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /vulcan.js}: the minified tracking script from the jar, gzipped once at start-up (not
 * per request: every page view of every site asks for it), served with a cache lifetime.
 */
public final class TrackingScript {

  private static final String RESOURCE = "/web/vulcan.js";

  private final byte[] plain;
  private final byte[] gzipped;
  private final RawHeader cacheControl;

  public TrackingScript(Duration maxAge) {
    this.plain = read();
    this.gzipped = gzip(plain);
    this.cacheControl = RawHeader.create("Cache-Control", "public, max-age=" + maxAge.toSeconds());
  }

  public Route route() {
    return path("vulcan.js", () -> get(() -> optionalHeaderValueByName("Accept-Encoding", encodings -> {
      boolean gzip = encodings.map(e -> e.contains("gzip")).orElse(false);
      List<HttpHeader> headers = gzip
          ? List.of(cacheControl, RawHeader.create("Vary", "Accept-Encoding"), RawHeader.create("Content-Encoding", "gzip"))
          : List.of(cacheControl, RawHeader.create("Vary", "Accept-Encoding"));
      return complete(HttpResponse.create()
          .withEntity(ContentTypes.create(org.apache.pekko.http.javadsl.model.MediaTypes.APPLICATION_JAVASCRIPT,
              org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8), gzip ? gzipped : plain)
          .addHeaders(headers));
    })));
  }

  public int gzippedSize() {
    return gzipped.length;
  }

  private static byte[] read() {
    try (InputStream in = TrackingScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing: the build (npm, src/main/web) did not run");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out) {{ def.setLevel(9); }}) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
