package biz.vulcantracker.scuttlebutt.imports;

import biz.vulcantracker.common.ApiError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Plausible CE's CSV export: a zip of {@code imported_<table>_<YYYYMMDD>_<YYYYMMDD>.csv} files, one
 * row per day and value (ClickHouse's CSVWithNames). Columns are read by name, as they differ
 * between Plausible versions. {@code imported_visitors} gives the days' totals (its
 * {@code visit_duration} is the day's sum of seconds), {@code imported_custom_events} their events;
 * the other tables give the breakdown rows of the properties below. Regions and cities are left
 * out: Plausible writes them as ISO and GeoNames codes, the reports show names.
 */
final class PlausibleExport {

  private static final Pattern FILE = Pattern.compile("(?:.*/)?imported_([a-z_]+)_(\\d{8})_(\\d{8})\\.csv");

  /** A table giving visit-level rows: its value column, the property, and the column counting visits. */
  private record VisitTable(String valueColumn, String property, String visitsColumn) {}

  private static final Map<String, VisitTable> VISIT_TABLES = Map.of(
      "entry_pages", new VisitTable("entry_page", "entry_page", "entrances"),
      "exit_pages", new VisitTable("exit_page", "exit_page", "exits"),
      "locations", new VisitTable("country", "country", "visits"),
      "devices", new VisitTable("device", "device", "visits"),
      "browsers", new VisitTable("browser", "browser", "visits"),
      "operating_systems", new VisitTable("operating_system", "os", "visits"));

  private PlausibleExport() {}

  /** Reads the zip whole; refuses it ({@link ApiError}) if any file of it cannot be read. */
  static ImportedData read(byte[] zip, ImportLimits limits, ImportLimits.Days days) {
    ImportedData data = new ImportedData(limits.maxRows());
    Set<String> tables = new HashSet<>();
    long uncompressed = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (entry.isDirectory()) {
          continue;
        }
        Matcher name = FILE.matcher(entry.getName());
        if (!name.matches()) {
          continue; // not a table of the export (a README, a __MACOSX entry)
        }
        String table = name.group(1);
        if (!tables.add(table)) {
          throw new ApiError(StatusCodes.BAD_REQUEST, "bad_import", "the zip has two files of the table imported_" + table);
        }
        byte[] bytes = limits.unpack(in, uncompressed);
        uncompressed += bytes.length;
        try (CsvFile csv = new CsvFile(entry.getName(), new ByteArrayInputStream(bytes))) {
          if (readTable(table, csv, data, days)) {
            data.file(entry.getName());
          }
        }
      }
    } catch (ZipException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_import", "not a zip file (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_import", "the zip cannot be read (" + e.getMessage() + ")");
    }
    if (!tables.contains("visitors")) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_import",
          "the zip has no imported_visitors_<from>_<to>.csv: is it Plausible's CSV export?");
    }
    return data;
  }

  /** Reads one table into {@code data}; false for a table this import does not read. */
  private static boolean readTable(String table, CsvFile csv, ImportedData data, ImportLimits.Days days) {
    switch (table) {
      case "visitors" -> {
        csv.require("date", "visitors", "pageviews", "bounces", "visits", "visit_duration");
        for (CsvFile.Line line : csv) {
          data.line();
          data.day(days.of(line, "date"), line.count("visitors"), line.count("visits"), line.count("pageviews"), 0,
              line.count("bounces"), 1000 * line.count("visit_duration"));
        }
      }
      case "custom_events" -> {
        csv.require("date", "name", "visitors", "events");
        for (CsvFile.Line line : csv) {
          data.line();
          LocalDate day = days.of(line, "date");
          long events = line.count("events");
          data.day(day, 0, 0, 0, events, 0, 0);
          String event = line.text("name");
          if (!event.isEmpty()) {
            data.value("event", day, event, line.count("visitors"), 0, 0, events, 0, 0);
          }
        }
      }
      case "pages" -> {
        csv.require("date", "page", "visitors", "pageviews");
        for (CsvFile.Line line : csv) {
          data.line();
          LocalDate day = days.of(line, "date");
          data.value("page", day, line.text("page").isEmpty() ? "(none)" : line.text("page"), line.count("visitors"), 0,
              line.count("pageviews"), 0, 0, 0);
          if (!line.text("hostname").isEmpty()) {
            data.value("hostname", day, line.text("hostname"), line.count("visitors"), 0, line.count("pageviews"), 0, 0, 0);
          }
        }
      }
      case "sources" -> {
        csv.require("date", "source", "visitors", "visits", "bounces", "visit_duration");
        for (CsvFile.Line line : csv) {
          data.line();
          LocalDate day = days.of(line, "date");
          String source = line.text("source").isEmpty() ? "Direct / None" : line.text("source");
          visitRow(data, "source", day, source, line, "visits");
          for (String property : new String[] {"referrer", "utm_source", "utm_medium", "utm_campaign"}) {
            if (!line.text(property).isEmpty()) {
              visitRow(data, property, day, line.text(property), line, "visits");
            }
          }
        }
      }
      default -> {
        VisitTable visits = VISIT_TABLES.get(table);
        if (visits == null) {
          return false;
        }
        csv.require("date", visits.valueColumn(), "visitors", visits.visitsColumn());
        for (CsvFile.Line line : csv) {
          data.line();
          LocalDate day = days.of(line, "date");
          String value = line.text(visits.valueColumn());
          if (visits.property().equals("device")) {
            value = device(value);
          } else if (visits.property().equals("browser") || visits.property().equals("os")) {
            value = value.isEmpty() || value.equals("(not set)") ? "Unknown" : value;
          } else if (value.isEmpty() || value.equals("ZZ") || value.equals("(not set)")) {
            continue; // a visit without a country has no row of that breakdown
          }
          visitRow(data, visits.property(), day, value, line, visits.visitsColumn());
        }
      }
    }
    return true;
  }

  private static void visitRow(ImportedData data, String property, LocalDate day, String value, CsvFile.Line line,
      String visitsColumn) {
    data.value(property, day, value, line.count("visitors"), line.count(visitsColumn), line.count("pageviews"), 0,
        line.count("bounces"), 1000 * line.count("visit_duration"));
  }

  /** Plausible's device names, as the reports name device classes (Laptop is a desktop). */
  private static String device(String plausible) {
    return switch (plausible.toLowerCase(Locale.ROOT)) {
      case "desktop", "laptop" -> "desktop";
      case "mobile" -> "mobile";
      case "tablet" -> "tablet";
      default -> "other";
    };
  }
}
