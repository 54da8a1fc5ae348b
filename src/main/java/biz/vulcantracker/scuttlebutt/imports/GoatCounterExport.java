package biz.vulcantracker.scuttlebutt.imports;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.model.VisitRule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * GoatCounter's CSV export (version 2, optionally gzipped as GoatCounter hands it out): one line per
 * pageview or event. A visit is GoatCounter's {@code Session} within one day of the site's zone (a
 * line without a session is a visit of its own), and counts as katric counts one: a visitor and a
 * visit, a bounce and a duration by {@link VisitRule}, its
 * source, referrer, entry and exit page, country, browser and system from its lines. Bots' lines
 * ({@code Bot} other than 0) are left out, as the reports leave bots out.
 */
final class GoatCounterExport {

  private static final Pattern VERSION = Pattern.compile("(\\d+),?Path");
  private static final Pattern TRAILING_VERSION = Pattern.compile("\\s+[\\d.]+$");

  private GoatCounterExport() {}

  /** One visit being read: its lines' times, counts and the values it is reported under. */
  private static final class Visit {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long pageviews;
    long events;
    String entryPage;
    String exitPage;
    long entryAt = Long.MAX_VALUE;
    long exitAt = Long.MIN_VALUE;
    final Map<String, String> values = new HashMap<>();
    final Map<String, Long> pages = new LinkedHashMap<>();
    final Map<String, Long> eventNames = new LinkedHashMap<>();
  }

  static ImportedData read(byte[] upload, ImportLimits limits, ImportLimits.Days days, ZoneId zone, ReferrerSources referrers) {
    ImportedData data = new ImportedData(limits.maxRows());
    Map<String, Visit> visits = new HashMap<>();
    try (CsvFile csv = new CsvFile("the GoatCounter export", new ByteArrayInputStream(unpacked(upload, limits)))) {
      String pathColumn = csv.header().isEmpty() ? "" : csv.header().get(0);
      Matcher version = VERSION.matcher(pathColumn);
      if (!version.matches()) {
        throw csv.refused("its first column is '" + pathColumn + "', not GoatCounter's '2,Path': is it GoatCounter's CSV export?");
      }
      if (!version.group(1).equals("2")) {
        throw csv.refused("it is version " + version.group(1) + " of GoatCounter's export; version 2 is read");
      }
      csv.require("Event", "Browser", "System", "Session", "Bot", "Referrer", "Referrer scheme", "Location", "Date");
      long lineNumber = 0;
      for (CsvFile.Line line : csv) {
        lineNumber++;
        data.line();
        String bot = line.text("Bot");
        if (!bot.isEmpty() && !bot.equals("0")) {
          continue;
        }
        long time = time(line);
        LocalDate day = days.of(line, "Date", java.time.Instant.ofEpochMilli(time).atZone(zone).toLocalDate());
        String session = line.text("Session");
        Visit visit = visits.computeIfAbsent((session.isEmpty() ? "line " + lineNumber : session) + '\n' + day, key -> new Visit());
        if (visits.size() > limits.maxRows()) {
          throw new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "import_too_large", "the export has more than " + limits.maxRows()
              + " visits (vulcan.imports.max-rows)");
        }
        String path = line.text(pathColumn).isEmpty() ? "(none)" : line.text(pathColumn);
        boolean event = Boolean.parseBoolean(line.text("Event"));
        if (event) {
          visit.events++;
          visit.eventNames.merge(path, 1L, Long::sum);
        } else {
          visit.pageviews++;
          visit.pages.merge(path, 1L, Long::sum);
          if (time < visit.entryAt) {
            visit.entryAt = time;
            visit.entryPage = path;
          }
          if (time >= visit.exitAt) {
            visit.exitAt = time;
            visit.exitPage = path;
          }
        }
        if (time < visit.first) {
          visit.first = time;
          visit.values.clear(); // a visit is reported under the values of its first line
          readValues(line, referrers, visit.values);
        } else if (visit.values.isEmpty()) {
          readValues(line, referrers, visit.values);
        }
        visit.last = Math.max(visit.last, time);
      }
    }
    visits.forEach((key, visit) -> count(data, LocalDate.parse(key.substring(key.indexOf('\n') + 1)), visit));
    return data;
  }

  private static void count(ImportedData data, LocalDate day, Visit visit) {
    boolean bounce = VisitRule.isBounce((int) visit.pageviews, (int) visit.events);
    long bounces = bounce ? 1 : 0;
    long duration = VisitRule.durationMs(visit.first, visit.last, (int) visit.pageviews, (int) visit.events);
    data.day(day, 1, 1, visit.pageviews, visit.events, bounces, duration);
    Map<String, String> values = new HashMap<>(visit.values);
    if (visit.entryPage != null) {
      values.put("entry_page", visit.entryPage);
      values.put("exit_page", visit.exitPage);
    }
    values.forEach((property, value) -> data.value(property, day, value, 1, 1, visit.pageviews, visit.events, bounces, duration));
    visit.pages.forEach((page, views) -> data.value("page", day, page, 1, 0, views, 0, 0, 0));
    visit.eventNames.forEach((name, events) -> data.value("event", day, name, 1, 0, 0, events, 0, 0));
  }

  /** The visit-level values a line gives: source (and referrer), country, browser, system. */
  private static void readValues(CsvFile.Line line, ReferrerSources referrers, Map<String, String> values) {
    String referrer = line.text("Referrer");
    String scheme = line.text("Referrer scheme");
    if (referrer.isEmpty()) {
      values.put("source", "Direct / None");
    } else if (scheme.equals("h")) {
      String url = referrer.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
      int slash = url.indexOf('/');
      String host = (slash < 0 ? url : url.substring(0, slash)).toLowerCase(Locale.ROOT);
      String bare = host.startsWith("www.") ? host.substring(4) : host;
      values.put("source", referrers.nameOf(host).orElse(bare));
      values.put("referrer", bare + (slash < 0 ? "" : url.substring(slash)));
    } else {
      values.put("source", referrer); // generated ("Hacker News"), a campaign, or another app
    }
    String location = line.text("Location");
    if (location.length() >= 2) {
      values.put("country", location.substring(0, 2).toUpperCase(Locale.ROOT));
    }
    values.put("browser", nameOf(line.text("Browser")));
    values.put("os", nameOf(line.text("System")));
  }

  /** "Firefox 121" → "Firefox": the reports break browsers and systems down by name. */
  private static String nameOf(String withVersion) {
    String name = TRAILING_VERSION.matcher(withVersion).replaceFirst("");
    return name.isEmpty() ? "Unknown" : name;
  }

  private static long time(CsvFile.Line line) {
    String date = line.text("Date");
    try {
      return OffsetDateTime.parse(date).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw line.at("Date", "expected an RFC 3339 time (2024-01-31T10:00:00Z), got '" + date + "'");
    }
  }

  /** The upload, unpacked if gzipped, refused past the uncompressed limit (a gzip bomb). */
  private static byte[] unpacked(byte[] upload, ImportLimits limits) {
    if (upload.length < 2 || (upload[0] & 0xff) != 0x1f || (upload[1] & 0xff) != 0x8b) {
      return upload;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(upload))) {
      return limits.unpack(in, 0);
    } catch (IOException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_import", "the gzip cannot be read (" + e.getMessage() + ")");
    }
  }
}
