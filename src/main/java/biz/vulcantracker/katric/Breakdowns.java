package biz.vulcantracker.katric;

import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.BreakdownRow;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One day's breakdowns of a site: per property of docs/api.md, per value, the counts of a report row.
 * Visit properties get a visit's whole contribution (taken out and put back when the visit changes,
 * with a per-visitor count so distinct visitors stay exact); hit properties (page, hostname, event,
 * {@code event:props:<key>}) count pageviews or events and their distinct visitors. Values beyond
 * the per-day cap of a property are summed into {@value #OTHER}. Changed rows are recorded in the
 * given set of keys, so only they are written.
 */
final class Breakdowns {

  static final String OTHER = "(other)";

  @JsonProperty final Map<String, Map<String, Row>> byProperty;

  @JsonCreator
  Breakdowns(@JsonProperty("byProperty") Map<String, Map<String, Row>> byProperty) {
    this.byProperty = byProperty == null ? new HashMap<>() : new HashMap<>(byProperty);
  }

  static Breakdowns empty() {
    return new Breakdowns(null);
  }

  void addVisit(Visit visit, int cap, Set<String> touched) {
    changeVisit(visit, 1, cap, touched);
  }

  void removeVisit(Visit visit, int cap, Set<String> touched) {
    changeVisit(visit, -1, cap, touched);
  }

  private void changeVisit(Visit visit, int sign, int cap, Set<String> touched) {
    for (String property : Property.VISIT_KEYS) {
      String value = visit.valueOf(property);
      if (value == null) {
        continue;
      }
      Row row = row(property, value, cap, touched);
      row.visits += sign;
      row.pageviews += sign * visit.pageviews;
      row.events += sign * visit.events;
      row.bounces += visit.isBounce() ? sign : 0;
      row.durationMs += sign * visit.durationMs();
      if (row.visitorVisits.addTo(visit.visitorId, sign) + sign == 0) {
        row.visitorVisits.remove(visit.visitorId);
      }
    }
  }

  void addHit(RecordedHit hit, int cap, Set<String> touched) {
    Dimensions dims = hit.dims();
    if (hit.isPageview()) {
      countHit("page", dims.page(), hit, cap, touched).pageviews++;
      if (dims.hostname() != null) {
        countHit("hostname", dims.hostname(), hit, cap, touched).pageviews++;
      }
    } else if (hit.isCustomEvent()) {
      countHit("event", hit.eventName(), hit, cap, touched).events++;
      if (hit.props() != null) {
        hit.props().forEach((key, value) -> countHit(Property.EVENT_PROPS_PREFIX + key, value, hit, cap, touched).events++);
      }
    }
  }

  private Row countHit(String property, String value, RecordedHit hit, int cap, Set<String> touched) {
    Row row = row(property, value == null ? "(none)" : value, cap, touched);
    row.visitorVisits.putIfAbsent(hit.visitorId(), 1);
    return row;
  }

  private Row row(String property, String value, int cap, Set<String> touched) {
    Map<String, Row> values = byProperty.computeIfAbsent(property, p -> new HashMap<>());
    String kept = values.containsKey(value) || values.size() < cap ? value : OTHER;
    touched.add(property + '\u0000' + kept);
    return values.computeIfAbsent(kept, v -> Row.empty());
  }

  /** The {@code limit} values of {@code property} with the most visitors (then pageviews, then value). */
  List<BreakdownRow> top(LocalDate day, String property, int limit) {
    Map<String, Row> values = byProperty.getOrDefault(property, Map.of());
    return values.entrySet().stream()
        .map(e -> new BreakdownRow(day, property, e.getKey(), e.getValue().visitorVisits.size(), e.getValue().visits,
            e.getValue().pageviews, e.getValue().events, e.getValue().bounces, e.getValue().durationMs))
        .sorted(Comparator.comparingLong(BreakdownRow::visitors).reversed()
            .thenComparing(Comparator.comparingLong(BreakdownRow::pageviews).reversed())
            .thenComparing(BreakdownRow::value))
        .limit(limit)
        .toList();
  }

  /** The rows named by {@code keys} (property NUL value), or every row when {@code keys} is null. */
  List<BreakdownRow> rows(LocalDate day, Set<String> keys) {
    List<BreakdownRow> rows = new ArrayList<>();
    byProperty.forEach((property, values) -> values.forEach((value, row) -> {
      if (keys == null || keys.contains(property + '\u0000' + value)) {
        rows.add(new BreakdownRow(day, property, value, row.visitorVisits.size(), row.visits, row.pageviews,
            row.events, row.bounces, row.durationMs));
      }
    }));
    return rows;
  }

  /** A report row in the making; {@code visitorVisits} counts each visitor's visits (or hits) with this value. */
  static final class Row {
    @JsonProperty long visits;
    @JsonProperty long pageviews;
    @JsonProperty long events;
    @JsonProperty long bounces;
    @JsonProperty long durationMs;
    @JsonProperty final Long2IntOpenHashMap visitorVisits;

    @JsonCreator
    Row(@JsonProperty("visits") long visits, @JsonProperty("pageviews") long pageviews, @JsonProperty("events") long events,
        @JsonProperty("bounces") long bounces, @JsonProperty("durationMs") long durationMs,
        @JsonProperty("visitorVisits") Map<Long, Integer> visitorVisits) {
      this.visits = visits;
      this.pageviews = pageviews;
      this.events = events;
      this.bounces = bounces;
      this.durationMs = durationMs;
      this.visitorVisits = visitorVisits == null ? new Long2IntOpenHashMap() : new Long2IntOpenHashMap(visitorVisits);
    }

    static Row empty() {
      return new Row(0, 0, 0, 0, 0, null);
    }
  }
}
