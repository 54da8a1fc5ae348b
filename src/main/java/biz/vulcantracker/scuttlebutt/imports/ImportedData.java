package biz.vulcantracker.scuttlebutt.imports;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What an export says, summed per day and per (property, day, value) as the rollups are: an
 * export may give one value several rows of a day (Plausible's sources table has a row per source
 * and referrer). The number of distinct rows is capped: an export is attacker-chosen input.
 */
public final class ImportedData {

  /** visitors, visits, pageviews, events, bounces, duration (ms). */
  private static final int METRICS = 6;

  private final int maxRows;
  private final TreeMap<LocalDate, long[]> days = new TreeMap<>();
  private final Map<String, Map<LocalDate, Map<String, long[]>>> values = new TreeMap<>();
  private final Set<String> files = new TreeSet<>();
  private int rows;
  private long lines;

  ImportedData(int maxRows) {
    this.maxRows = maxRows;
  }

  /** Adds to a day's totals. */
  void day(LocalDate day, long visitors, long visits, long pageviews, long events, long bounces, long durationMs) {
    add(days.computeIfAbsent(day, d -> new long[METRICS]), visitors, visits, pageviews, events, bounces, durationMs);
  }

  /** Adds to a value's row of a day. */
  void value(String property, LocalDate day, String value, long visitors, long visits, long pageviews, long events, long bounces,
      long durationMs) {
    Map<String, long[]> ofDay = values.computeIfAbsent(property, p -> new TreeMap<>()).computeIfAbsent(day, d -> new HashMap<>());
    long[] row = ofDay.get(value);
    if (row == null) {
      if (++rows > maxRows) {
        throw new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "import_too_large", "the export has more than " + maxRows
            + " rows of days and values (vulcan.imports.max-rows)");
      }
      row = new long[METRICS];
      ofDay.put(value, row);
    }
    add(row, visitors, visits, pageviews, events, bounces, durationMs);
  }

  /** A line of the export was read (counted for the progress of writing). */
  void line() {
    lines++;
  }

  /** A file of the export whose rows were read. */
  void file(String name) {
    files.add(name);
  }

  private static void add(long[] into, long... metrics) {
    for (int i = 0; i < METRICS; i++) {
      into[i] += metrics[i];
    }
  }

  public List<DailyTotals> days() {
    List<DailyTotals> out = new ArrayList<>(days.size());
    days.forEach((day, v) -> out.add(new DailyTotals(day, v[0], v[1], v[2], v[3], v[4], v[5], 0)));
    return out;
  }

  /** The properties with rows. */
  public Set<String> properties() {
    return values.keySet();
  }

  /** One property's rows. */
  public List<BreakdownRow> rows(String property) {
    List<BreakdownRow> out = new ArrayList<>();
    values.getOrDefault(property, Map.of()).forEach((day, byValue) -> byValue.forEach((value, v) ->
        out.add(new BreakdownRow(day, property, value, v[0], v[1], v[2], v[3], v[4], v[5]))));
    return out;
  }

  /** Rows to write: the days and every property's rows. */
  public long rowCount() {
    return days.size() + rows;
  }

  public long lines() {
    return lines;
  }

  public Set<String> files() {
    return files;
  }

  public boolean isEmpty() {
    return days.isEmpty();
  }

  public LocalDate firstDay() {
    return days.firstKey();
  }

  public LocalDate lastDay() {
    return days.lastKey();
  }
}
