package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.katric.LiveReport;
import biz.vulcantracker.scuttlebutt.query.Metrics;
import biz.vulcantracker.store.BreakdownRow;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON of a live message: {@code type} ({@code snapshot} first, then {@code update}), when the
 * entity made it ({@code published}), today's
 * aggregate with every metric computed as the stats API computes it, the current visitors, the top
 * values, the latest alert firings (newest first), and the pageviews of each of the last 30 minutes
 * up to {@code now} (oldest first).
 */
final class LiveReportJson {

  private static final long MINUTE_MS = 60_000;

  private LiveReportJson() {}

  static String render(String type, LiveReport report, long now) {
    return render(type, report, now, null, null, null);
  }

  /**
   * @param filters the filters {@code aggregate} is of, or null: then the aggregate is today's totals
   * @param refusal why the client's filters were not applied, or null
   */
  static String render(String type, LiveReport report, long now, String filters, Map<String, Number> aggregate, String refusal) {
    ObjectNode json = Json.MAPPER.createObjectNode()
        .put("type", type)
        .put("site", report.siteId())
        .put("date", report.today().day().toString())
        .put("published", Instant.ofEpochMilli(report.publishedAt()).toString())
        .put("current_visitors", report.currentVisitors());
    if (filters != null) {
      json.put("filters", filters);
    }
    if (refusal != null) {
      json.put("filters_error", refusal);
    }
    ObjectNode totals = json.putObject("aggregate");
    for (String metric : Metrics.ALL) {
      Number value = aggregate != null ? aggregate.get(metric) : Metrics.value(metric, List.of(report.today()));
      if (value instanceof BigDecimal decimal) {
        totals.put(metric, decimal);
      } else if (value != null) {
        totals.put(metric, value.longValue());
      }
    }
    ObjectNode top = json.putObject("top");
    report.top().forEach((property, rows) -> {
      ArrayNode list = top.putArray(property);
      for (BreakdownRow row : rows) {
        ObjectNode entry = list.addObject().put(property, row.value()).put("visitors", row.visitors());
        if (property.equals("page")) {
          entry.put("pageviews", row.pageviews());
        } else {
          entry.put("visits", row.visits());
        }
      }
    });
    ArrayNode alerts = json.putArray("alerts");
    for (String firing : report.alerts()) {
      try {
        alerts.add(Json.MAPPER.readTree(firing)); // made by the entity from a JSON tree: always parses
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("an alert firing is not JSON", e);
      }
    }
    ArrayNode minutes = json.putArray("minutes");
    long last = Math.floorDiv(now, MINUTE_MS);
    for (long minute = last - LiveReport.MINUTES + 1; minute <= last; minute++) {
      minutes.addObject()
          .put("minute", Instant.ofEpochMilli(minute * MINUTE_MS).toString())
          .put("pageviews", report.minutes().getOrDefault(minute, 0));
    }
    return json.toString();
  }
}
