package biz.vulcantracker.scuttlebutt;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.scuttlebutt.query.LedgerReport;
import biz.vulcantracker.scuttlebutt.query.Period;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/sites/{site}/ledger?period=…} (docs/api.md, "The ledger"): per day, what became
 * of the hits that reached Vulcan, as JSON, or with {@code format=csv} as one CSV table (a column per
 * refusal, skip rule and kind of duplicate the period has).
 */
public final class LedgerRoutes {

  private final ReportAccess access;
  private final LedgerReport ledger;
  private final KeyQuotas quotas;

  public LedgerRoutes(ReportAccess access, LedgerReport ledger, KeyQuotas quotas) {
    this.access = access;
    this.ledger = ledger;
    this.quotas = quotas;
  }

  public Route route() {
    return path(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()).slash("ledger"), siteId ->
        get(() -> extractRequest(request -> parameterMap(params -> StatsRoutes.respond(() -> access.authorize(request, siteId, Role.VIEWER).thenCompose(grant -> {
          grant.requireWholeSite("the ledger");
          Period period = Period.parse(params, grant.site().timezone());
          String format = params.getOrDefault("format", "json");
          if (!format.equals("json") && !format.equals("csv")) {
            throw new ApiError(StatusCodes.BAD_REQUEST, "bad_format", "format is json or csv");
          }
          return quotas.query(grant.holder(), () -> ledger.days(grant.site(), period)
              .thenApply(days -> format.equals("csv") ? csv(days) : StatsRoutes.json(json(days))));
        }))))));
  }

  private static ObjectNode json(List<LedgerReport.Day> days) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode results = body.putArray("results");
    for (LedgerReport.Day day : days) {
      ObjectNode row = results.addObject().put("date", day.date().toString()).put("received", day.received())
          .put("counted", day.counted());
      putAll(row.putObject("refused"), day.refused());
      putAll(row.putObject("skipped"), day.skipped());
      putAll(row.putObject("duplicates"), day.duplicates());
      row.put("bots", day.bots());
    }
    return body;
  }

  private static void putAll(ObjectNode into, Map<String, Long> counts) {
    counts.forEach(into::put);
  }

  private static HttpResponse csv(List<LedgerReport.Day> days) {
    TreeSet<String> refused = new TreeSet<>();
    TreeSet<String> skipped = new TreeSet<>();
    TreeSet<String> duplicates = new TreeSet<>();
    days.forEach(day -> {
      refused.addAll(day.refused().keySet());
      skipped.addAll(day.skipped().keySet());
      duplicates.addAll(day.duplicates().keySet());
    });
    List<String> columns = new ArrayList<>(List.of("date", "received", "counted"));
    refused.forEach(key -> columns.add("refused:" + key));
    skipped.forEach(key -> columns.add("skipped:" + key));
    duplicates.forEach(key -> columns.add("duplicates:" + key));
    columns.add("bots");
    StringBuilder csv = new StringBuilder(String.join(",", columns.stream().map(CsvZip::cell).toList())).append("\r\n");
    for (LedgerReport.Day day : days) {
      List<String> row = new ArrayList<>(List.of(day.date().toString(), Long.toString(day.received()), Long.toString(day.counted())));
      refused.forEach(key -> row.add(Long.toString(day.refused().getOrDefault(key, 0L))));
      skipped.forEach(key -> row.add(Long.toString(day.skipped().getOrDefault(key, 0L))));
      duplicates.forEach(key -> row.add(Long.toString(day.duplicates().getOrDefault(key, 0L))));
      row.add(Long.toString(day.bots()));
      csv.append(String.join(",", row)).append("\r\n");
    }
    return HttpResponse.create().withEntity(ContentTypes.TEXT_CSV_UTF8, csv.toString());
  }
}
