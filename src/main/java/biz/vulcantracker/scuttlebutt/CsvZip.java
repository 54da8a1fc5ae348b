package biz.vulcantracker.scuttlebutt;

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

  /** Adds {@code name} holding the rows as CSV (a column for the key, one per metric); the bytes written. */
  ByteString add(String name, String keyColumn, List<StatsQueries.Row> rows) {
    StringBuilder csv = new StringBuilder();
    if (!rows.isEmpty()) {
      List<String> columns = new ArrayList<>();
      columns.add(keyColumn);
      columns.addAll(rows.get(0).metrics().keySet());
      csv.append(String.join(",", columns.stream().map(CsvZip::cell).toList())).append("\r\n");
    }
    for (StatsQueries.Row row : rows) {
      List<String> cells = new ArrayList<>(row.metrics().size() + 1);
      cells.add(cell(row.key()));
      row.metrics().values().forEach(value -> cells.add(cell(String.valueOf(value))));
      csv.append(String.join(",", cells)).append("\r\n");
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
