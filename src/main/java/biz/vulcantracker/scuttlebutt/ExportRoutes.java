package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.model.Property;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.ComparedStats;
import biz.vulcantracker.scuttlebutt.query.Comparison;
import biz.vulcantracker.scuttlebutt.query.Filters;
import biz.vulcantracker.scuttlebutt.query.Metrics;
import biz.vulcantracker.scuttlebutt.query.Period;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import biz.vulcantracker.store.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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
 * same numbers as the stats API, from the same code; with {@code compare}, each metric beside its
 * value in the earlier period and the change, as the stats API gives them. Streamed: each file is read and written to the
 * response before the next is read.
 */
public final class ExportRoutes {

  private static final int MAX_VALUES = 1000;
  private static final ContentType ZIP = MediaTypes.APPLICATION_ZIP.toContentType();

  private final ReportAccess access;
  private final StatsQueries queries;
  private final KeyQuotas quotas;
  private final ReportDefinitions definitions;
  private final ComparedStats compared;

  public ExportRoutes(ReportAccess access, StatsQueries queries, KeyQuotas quotas, ReportDefinitions definitions) {
    this.access = access;
    this.queries = queries;
    this.quotas = quotas;
    this.definitions = definitions;
    this.compared = new ComparedStats(queries);
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("export"), siteId ->
        get(() -> extractRequest(request -> parameterMap(params -> StatsRoutes.respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> {
          Site site = grant.site();
          // A bad period or filter is answered 400 before any byte is sent; filters apply to every file.
          Period period = Period.parse(params, site.timezone());
          String periodName = params.getOrDefault("period", "day");
          StatsQueries.Interval interval = periodName.equals("6mo") || periodName.equals("12mo")
              ? StatsQueries.Interval.MONTH : StatsRoutes.intervalOf(params.get("interval"), period);
          Optional<Comparison> comparison = Comparison.parse(params, period);
          CsvZip zip = new CsvZip();
          String holder = grant.holder();
          String name = site.id().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + periodName + ".zip";
          return definitions.filters(site.id(), grant.filters(params.get("filters"))).thenApply(filters -> {
            // Each file is a report of its own within the key's quota: the zip takes one place at a time.
            Source<ByteString, ?> body = Source.from(files(interval, comparison))
                .mapAsync(1, file -> quotas.query(holder, () -> file.rows().read(site, period, filters))
                    .thenApply(table -> zip.add(file.name(), table)))
                .concat(Source.lazySingle(zip::finish));
            return HttpResponse.create()
                .withEntity(HttpEntities.createChunked(ZIP, body))
                .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"" + name + "\""));
          });
        }))))));
  }

  /** Each file of the zip: its name and how to read its table, compared with an earlier period if asked. */
  private List<ExportFile> files(StatsQueries.Interval interval, Optional<Comparison> comparison) {
    List<ExportFile> files = new ArrayList<>();
    files.add(new ExportFile("timeseries.csv", (site, period, filters) -> comparison.isPresent()
        ? compared.timeseries(site, period, comparison.get(), filters, Metrics.ALL, interval)
            .thenApply(rows -> CsvZip.Table.compared("date", "comparison_date", rows))
        : queries.timeseries(site, period, filters, Metrics.ALL, interval).thenApply(rows -> CsvZip.Table.of("date", rows))));
    for (String property : Property.KEYS) {
      List<String> metrics = Property.isHitLevel(property) ? StatsQueries.HIT_METRICS : Metrics.ALL;
      files.add(new ExportFile(property + ".csv", (site, period, filters) -> comparison.isPresent()
          ? compared.breakdown(site, period, comparison.get(), filters, property, metrics, MAX_VALUES, 1)
              .thenApply(rows -> CsvZip.Table.compared(property, null, rows))
          : queries.breakdown(site, period, filters, property, metrics, MAX_VALUES, 1).thenApply(rows -> CsvZip.Table.of(property, rows))));
    }
    return files;
  }

  private interface Rows {
    CompletionStage<CsvZip.Table> read(Site site, Period period, Filters filters);
  }

  private record ExportFile(String name, Rows rows) {}
}
