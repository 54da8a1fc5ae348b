package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.scuttlebutt.query.ComparedStats;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pekko.util.ByteString;

/**
 * A zip of CSV files written one file at a time: each {@link #add} returns the zip's bytes so far,
 * so a response streams the archive as its files are read, never holding it whole. One per export.
 *
 * <p>A cell that starts with {@code = + - @}, a tab or a carriage return gets a leading apostrophe: page paths and referrers come
 * from visitors, and a spreadsheet would otherwise run them as formulas.
 */
final class CsvZip {

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final ZipOutputStream zip = new ZipOutputStream(buffer, StandardCharsets.UTF_8);

  /** A file's content: its header and rows of cells (a null cell is empty). */
  record Table(List<String> columns, List<List<String>> rows) {

    /** The rows of a report: a column for the key, one per metric. */
    static Table of(String keyColumn, List<StatsQueries.Row> rows) {
      List<String> columns = new ArrayList<>();
      columns.add(keyColumn);
      if (!rows.isEmpty()) {
        columns.addAll(rows.get(0).metrics().keySet());
      }
      List<List<String>> cells = new ArrayList<>();
      for (StatsQueries.Row row : rows) {
        List<String> line = new ArrayList<>(row.metrics().size() + 1);
        line.add(row.key());
        row.metrics().values().forEach(value -> line.add(String.valueOf(value)));
        cells.add(line);
      }
      return new Table(columns, cells);
    }

    /**
     * The rows of a compared report: per metric its value, its value in the earlier period
     * ({@code <metric>_comparison}) and the change ({@code <metric>_change}); with {@code earlierKey},
     * a column naming each row's partner in the earlier period (a time series' earlier date).
     */
    static Table compared(String keyColumn, String earlierKey, List<ComparedStats.Paired> rows) {
      List<String> columns = new ArrayList<>();
      columns.add(keyColumn);
      if (earlierKey != null) {
        columns.add(earlierKey);
      }
      if (!rows.isEmpty()) {
        rows.get(0).row().metrics().keySet().forEach(metric -> columns.addAll(List.of(metric, metric + "_comparison", metric + "_change")));
      }
      List<List<String>> cells = new ArrayList<>();
      for (ComparedStats.Paired paired : rows) {
        List<String> line = new ArrayList<>();
        line.add(paired.row().key());
        if (earlierKey != null) {
          line.add(paired.comparison() == null ? null : paired.comparison().key());
        }
        if (paired.comparison() == null) {
          paired.row().metrics().values().forEach(value -> line.addAll(java.util.Arrays.asList(String.valueOf(value), null, null)));
        } else {
          paired.compared().values().forEach(value -> line.addAll(java.util.Arrays.asList(String.valueOf(value.value()),
              String.valueOf(value.comparisonValue()), value.change() == null ? null : value.change().toPlainString())));
        }
        cells.add(line);
      }
      return new Table(columns, cells);
    }
  }

  /** Adds {@code name} holding the table as CSV; the bytes written. */
  ByteString add(String name, Table table) {
    StringBuilder csv = new StringBuilder();
    if (!table.rows().isEmpty()) {
      csv.append(String.join(",", table.columns().stream().map(CsvZip::cell).toList())).append("\r\n");
    }
    for (List<String> row : table.rows()) {
      csv.append(String.join(",", row.stream().map(value -> value == null ? "" : cell(value)).toList())).append("\r\n");
    }
    try {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(csv.toString().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return drain();
  }

  /** The zip's central directory: the last bytes. */
  ByteString finish() {
    try {
      zip.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return drain();
  }

  private ByteString drain() {
    ByteString bytes = ByteString.fromArray(buffer.toByteArray());
    buffer.reset();
    return bytes;
  }

  static String cell(String value) {
    char first = value.isEmpty() ? ' ' : value.charAt(0);
    // A tab or CR first is taken by spreadsheets as blank before a formula (OWASP, "CSV Injection"); a
    // number with its sign is left as it is.
    boolean formula = first == '\t' || first == '\r' || ("=+-@".indexOf(first) >= 0 && !isNumber(value));
    String safe = formula ? "'" + value : value;
    boolean quote = safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0;
    return quote ? '"' + safe.replace("\"", "\"\"") + '"' : safe;
  }

  private static boolean isNumber(String value) {
    try {
      Double.parseDouble(value);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
