package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.model.Property;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.store.Site;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/v1/sites/{site}/export?period=…}: a zip of CSV files for the period —
 * {@code timeseries.csv} (every metric per day, or per hour for a single day, or per month for
 * {@code 6mo}/{@code 12mo}) and one file per breakdown property (up to 1,000 values each) — with the
 * same numbers as the stats API, from the same code. Streamed: each file is read and written to the
 * response before the next is read.
 */
public final class ExportRoutes {

  private static final int MAX_VALUES = 1000;
  private static final ContentType ZIP = MediaTypes.APPLICATION_ZIP.toContentType();

  private final ReportAccess access;
  private final StatsRoutes stats;

  public ExportRoutes(ReportAccess access, StatsRoutes stats) {
    this.access = access;
    this.stats = stats;
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("export"), siteId ->
        get(() -> extractRequest(request -> parameterMap(params -> StatsRoutes.respond(() -> {
          Site site = access.authorize(request, siteId);
          // A bad period or filter is answered 400 before any byte is sent; filters apply to every file.
          Period.parse(params, site.timezone());
          Filters.parse(params.get("filters"));
          CsvZip zip = new CsvZip();
          Source<ByteString, ?> body = Source.from(files(params))
              .mapAsync(1, file -> file.rows().apply(site).thenApply(rows -> zip.add(file.name(), rows.path("results"))))
              .concat(Source.lazySingle(zip::finish));
          String name = site.id().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + params.getOrDefault("period", "day") + ".zip";
          return CompletableFuture.completedFuture(HttpResponse.create()
              .withEntity(HttpEntities.createChunked(ZIP, body))
              .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"" + name + "\"")));
        })))));
  }

  /** Each file of the zip: its name and how to read its rows. */
  private List<ExportFile> files(Map<String, String> params) {
    List<ExportFile> files = new ArrayList<>();
    Map<String, String> series = new HashMap<>(params);
    series.put("metrics", String.join(",", Metrics.ALL));
    String period = params.getOrDefault("period", "day");
    if (period.equals("6mo") || period.equals("12mo")) {
      series.put("interval", "month");
    }
    files.add(new ExportFile("timeseries.csv", site -> stats.timeseries(site, series)));
    for (String property : Property.KEYS) {
      Map<String, String> breakdown = new HashMap<>(params);
      breakdown.put("property", property);
      breakdown.put("limit", Integer.toString(MAX_VALUES));
      breakdown.put("metrics", Property.isHitLevel(property) ? "visitors,pageviews,events"
          : "visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events");
      files.add(new ExportFile(property + ".csv", site -> stats.breakdown(site, breakdown)));
    }
    return files;
  }

  private record ExportFile(String name, Function<Site, CompletionStage<ObjectNode>> rows) {}
}
