package biz.vulcantracker.scuttlebutt.imports;

import biz.vulcantracker.common.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * One CSV file of an export, read by its header's column names (an export's columns differ from
 * version to version), with refusals that name the file, the line and the column: a file that
 * cannot be read whole is refused whole ({@code 400 bad_import}).
 */
final class CsvFile implements Iterable<CsvFile.Line>, AutoCloseable {

  /** A value longer than this is not a page, a source or a number: refused rather than stored. */
  static final int MAX_VALUE_CHARS = 2048;

  private final String name;
  private final CSVParser parser;
  private final Map<String, Integer> columns;

  CsvFile(String name, InputStream in) {
    this.name = name;
    try {
      Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
      this.parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
          .setAllowMissingColumnNames(true).get().parse(reader);
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw refused("its header cannot be read (" + e.getMessage() + ")");
    }
    this.columns = parser.getHeaderMap();
  }

  String name() {
    return name;
  }

  List<String> header() {
    return parser.getHeaderNames();
  }

  boolean has(String column) {
    return columns.containsKey(column);
  }

  /** Refuses the file if one of {@code required} is not in its header. */
  void require(String... required) {
    for (String column : required) {
      if (!has(column)) {
        throw refused("it has no column '" + column + "' (its columns: " + String.join(", ", header()) + ")");
      }
    }
  }

  ApiError refused(String why) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_import", name + ": " + why);
  }

  @Override
  public Iterator<Line> iterator() {
    Iterator<CSVRecord> records = parser.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return records.hasNext();
        } catch (UncheckedIOException | IllegalStateException e) {
          throw refused("line " + (parser.getCurrentLineNumber() + 1) + " cannot be read (" + e.getMessage() + ")");
        }
      }

      @Override
      public Line next() {
        try {
          return new Line(records.next());
        } catch (UncheckedIOException | IllegalStateException e) {
          throw refused("line " + (parser.getCurrentLineNumber() + 1) + " cannot be read (" + e.getMessage() + ")");
        }
      }
    };
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      // an in-memory stream: nothing to release
    }
  }

  /** One line of the file. */
  final class Line {

    private final CSVRecord record;

    private Line(CSVRecord record) {
      this.record = record;
    }

    /** The column's text ("" when the column is missing or empty; ClickHouse's \N is empty). */
    String text(String column) {
      Integer index = columns.get(column);
      if (index == null || index >= record.size()) {
        return "";
      }
      String value = record.get(index);
      if (value.length() > MAX_VALUE_CHARS) {
        throw at(column, "the value is longer than " + MAX_VALUE_CHARS + " characters");
      }
      return value.equals("\\N") ? "" : value.strip();
    }

    /** A whole number from 0 (a decimal is rounded: some exports write sums of seconds so); "" is 0. */
    long count(String column) {
      String value = text(column);
      if (value.isEmpty()) {
        return 0;
      }
      try {
        long count = new BigDecimal(value).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        if (count >= 0) {
          return count;
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // refused below
      }
      throw at(column, "expected a whole number from 0, got '" + abbreviated(value) + "'");
    }

    LocalDate date(String column) {
      String value = text(column);
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw at(column, "expected a date (YYYY-MM-DD), got '" + abbreviated(value) + "'");
      }
    }

    ApiError at(String column, String why) {
      return refused("line " + (record.getRecordNumber() + 1) + ", column " + column + ": " + why);
    }
  }

  private static String abbreviated(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }
}
