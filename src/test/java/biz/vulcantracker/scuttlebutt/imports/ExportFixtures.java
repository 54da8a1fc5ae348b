package biz.vulcantracker.scuttlebutt.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Exports written by the tests from known numbers, in the formats of Plausible CE's CSV export and
 * GoatCounter's CSV export, with what the reports must then show worked out here from those same
 * numbers (sums and counts over the fixture's own rows, not through the import's classes).
 */
public final class ExportFixtures {

  private ExportFixtures() {}

  /** One day of a Plausible fixture: the day's totals and its rows per source, page, country, device, entry page, event. */
  public record PlausibleDay(LocalDate day, long visitors, long visits, long pageviews, long bounces, long durationSeconds,
      Map<String, long[]> sources, Map<String, long[]> pages, Map<String, long[]> countries, Map<String, long[]> devices,
      Map<String, long[]> entryPages, Map<String, long[]> events) {}

  /**
   * {@code days} days from {@code first}, with numbers that differ per day: visit rows are
   * {visitors, visits, pageviews, bounces, seconds}, page rows {visitors, pageviews}, event rows
   * {visitors, events}. The source "" is Plausible's direct traffic; the device "Laptop" a desktop.
   */
  public static List<PlausibleDay> plausibleDays(LocalDate first, int days) {
    List<PlausibleDay> out = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      long google = 40 + i;
      long direct = 25 + 2 * i;
      long hn = 5 + i % 3;
      long visits = google + direct + hn;
      long visitors = visits - 3;
      long pageviews = 2 * visits + i;
      long bounces = visits / 3;
      long seconds = 45 * visits + i;
      Map<String, long[]> sources = new LinkedHashMap<>();
      sources.put("Google", split(google, 2 * google, google / 3, 40 * google));
      sources.put("", split(direct, 2 * direct, direct / 2, 30 * direct));
      sources.put("Hacker News", split(hn, 2 * hn + i, 1, 50 * hn));
      Map<String, long[]> pages = new LinkedHashMap<>();
      pages.put("/", new long[] {visitors - 10, visits + 5});
      pages.put("/pricing", new long[] {20 + i, 30 + i});
      pages.put("/blog/hello", new long[] {7, pageviews - visits - 5 - 30 - i});
      Map<String, long[]> countries = new LinkedHashMap<>();
      countries.put("DE", split(visits - 20, pageviews - 40, bounces - 5, seconds - 900));
      countries.put("US", split(20, 40, 5, 900));
      Map<String, long[]> devices = new LinkedHashMap<>();
      devices.put("Desktop", split(visits - 30 - i, pageviews - 70, bounces - 10, seconds - 1000));
      devices.put("Laptop", split(i, 10, 0, 100));
      devices.put("Mobile", split(30, 60 - 10, 10, 900));
      Map<String, long[]> entry = new LinkedHashMap<>();
      entry.put("/", split(visits - 12, pageviews - 30, bounces - 4, seconds - 500));
      entry.put("/pricing", split(12, 30, 4, 500));
      Map<String, long[]> events = new LinkedHashMap<>();
      events.put("Signup", new long[] {3 + i % 4, 4 + i % 4});
      out.add(new PlausibleDay(first.plusDays(i), visitors, visits, pageviews, bounces, seconds, sources, pages, countries,
          devices, entry, events));
    }
    return out;
  }

  /** {visitors, visits, pageviews, bounces, seconds} of a visit row: its visitors one fewer than its visits. */
  private static long[] split(long visits, long pageviews, long bounces, long seconds) {
    return new long[] {Math.max(0, visits - 1), visits, pageviews, bounces, seconds};
  }

  /** The zip Plausible CE's export makes of these days (with a table the import does not read, and a README). */
  public static byte[] plausibleZip(List<PlausibleDay> days) {
    String range = days.get(0).day().toString().replace("-", "") + "_" + days.get(days.size() - 1).day().toString().replace("-", "");
    Map<String, StringBuilder> files = new LinkedHashMap<>();
    StringBuilder visitors = files.computeIfAbsent("imported_visitors_" + range + ".csv",
        f -> new StringBuilder("\"date\",\"visitors\",\"pageviews\",\"bounces\",\"visits\",\"visit_duration\"\n"));
    StringBuilder sources = files.computeIfAbsent("imported_sources_" + range + ".csv", f -> new StringBuilder(
        "\"date\",\"source\",\"referrer\",\"utm_source\",\"utm_medium\",\"utm_campaign\",\"utm_content\",\"utm_term\",\"pageviews\","
            + "\"visitors\",\"visits\",\"visit_duration\",\"bounces\"\n"));
    StringBuilder pages = files.computeIfAbsent("imported_pages_" + range + ".csv", f -> new StringBuilder(
        "\"date\",\"hostname\",\"page\",\"visits\",\"visitors\",\"pageviews\",\"scroll_depth\",\"pageleave_visitors\"\n"));
    StringBuilder locations = files.computeIfAbsent("imported_locations_" + range + ".csv", f -> new StringBuilder(
        "\"date\",\"country\",\"region\",\"city\",\"visitors\",\"visits\",\"visit_duration\",\"bounces\",\"pageviews\"\n"));
    StringBuilder devices = files.computeIfAbsent("imported_devices_" + range + ".csv", f -> new StringBuilder(
        "\"date\",\"device\",\"visitors\",\"visits\",\"visit_duration\",\"bounces\",\"pageviews\"\n"));
    StringBuilder entry = files.computeIfAbsent("imported_entry_pages_" + range + ".csv", f -> new StringBuilder(
        "\"date\",\"entry_page\",\"visitors\",\"entrances\",\"visit_duration\",\"bounces\",\"pageviews\"\n"));
    StringBuilder events = files.computeIfAbsent("imported_custom_events_" + range + ".csv", f -> new StringBuilder(
        "\"date\",\"name\",\"link_url\",\"path\",\"visitors\",\"events\"\n"));
    files.put("imported_weird_" + range + ".csv", new StringBuilder("\"date\",\"x\"\n\"2020-01-01\",\"y\"\n"));
    for (PlausibleDay d : days) {
      visitors.append("\"%s\",%d,%d,%d,%d,%d\n".formatted(d.day(), d.visitors(), d.pageviews(), d.bounces(), d.visits(),
          d.durationSeconds()));
      d.sources().forEach((source, v) -> {
        // Google in two rows (two referrers): the import sums a value's rows of a day.
        if (source.equals("Google")) {
          sources.append(sourceLine(d.day(), source, "https://www.google.com/", new long[] {v[0] - 1, v[1] - 1, v[2] - 2, 0, v[4] - 10}));
          sources.append(sourceLine(d.day(), source, "https://www.google.de/", new long[] {1, 1, 2, v[3], 10}));
        } else {
          sources.append(sourceLine(d.day(), source, "", v));
        }
      });
      d.pages().forEach((page, v) -> pages.append("\"%s\",\"shop.example\",\"%s\",%d,%d,%d,\\N,0\n".formatted(d.day(), page, v[0],
          v[0], v[1])));
      d.countries().forEach((country, v) -> locations.append("\"%s\",\"%s\",\"\",0,%d,%d,%d,%d,%d\n".formatted(d.day(), country,
          v[0], v[1], v[4], v[3], v[2])));
      d.devices().forEach((device, v) -> devices.append("\"%s\",\"%s\",%d,%d,%d,%d,%d\n".formatted(d.day(), device, v[0], v[1], v[4],
          v[3], v[2])));
      d.entryPages().forEach((page, v) -> entry.append("\"%s\",\"%s\",%d,%d,%d,%d,%d\n".formatted(d.day(), page, v[0], v[1], v[4],
          v[3], v[2])));
      d.events().forEach((name, v) -> events.append("\"%s\",\"%s\",\"\",\"\",%d,%d\n".formatted(d.day(), name, v[0], v[1])));
    }
    Map<String, String> contents = new LinkedHashMap<>();
    contents.put("README.txt", "exported by Plausible\n");
    files.forEach((name, text) -> contents.put(name, text.toString()));
    return zip(contents);
  }

  private static String sourceLine(LocalDate day, String source, String referrer, long[] v) {
    return "\"%s\",\"%s\",\"%s\",\"\",\"\",\"\",\"\",\"\",%d,%d,%d,%d,%d\n".formatted(day, source, referrer, v[2], v[0], v[1], v[4], v[3]);
  }

  public static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One line of a GoatCounter fixture: a pageview or event of a session at a time. */
  public record GoatLine(String path, boolean event, String browser, String system, String session, String bot, String referrer,
      String scheme, String location, Instant at) {}

  /**
   * A GoatCounter export's lines over {@code days} days from {@code first} (UTC): per day, sessions
   * of one to four lines a minute apart from a set of paths, one with an event, one bounce, one
   * line without a session, and a bot's line.
   */
  public static List<GoatLine> goatLines(LocalDate first, int days) {
    List<GoatLine> lines = new ArrayList<>();
    String[] paths = {"/", "/docs", "/pricing", "/blog/goat"};
    for (int d = 0; d < days; d++) {
      Instant morning = first.plusDays(d).atTime(9, 0).toInstant(ZoneOffset.UTC);
      int sessions = 5 + d;
      for (int s = 0; s < sessions; s++) {
        String session = "s" + d + "-" + s;
        int views = 1 + (s + d) % 4;
        String referrer = s % 3 == 0 ? "www.google.com/search" : s % 3 == 1 ? "" : "Hacker News";
        String scheme = s % 3 == 0 ? "h" : s % 3 == 1 ? "" : "g";
        String browser = s % 2 == 0 ? "Firefox 121" : "Chrome 120";
        String location = s % 2 == 0 ? "DE" : "US-TX";
        Instant start = morning.plusSeconds(600L * s);
        for (int v = 0; v < views; v++) {
          lines.add(new GoatLine(paths[(s + v) % paths.length], false, browser, "Linux", session, "0", referrer, scheme, location,
              start.plusSeconds(60L * v)));
        }
        if (s == 1) {
          lines.add(new GoatLine("signup-click", true, browser, "Linux", session, "0", referrer, scheme, location,
              start.plusSeconds(60L * views)));
        }
      }
      lines.add(new GoatLine("/", false, "Safari 17", "macOS 14", "", "0", "", "", "FR", morning.plusSeconds(7200)));
      lines.add(new GoatLine("/", false, "", "", "bot-session", "7", "", "", "", morning.plusSeconds(7300)));
    }
    return lines;
  }

  /** The CSV GoatCounter's export makes of these lines (version 2). */
  public static String goatCsv(List<GoatLine> lines) {
    StringBuilder csv = new StringBuilder(
        "\"2,Path\",Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,Referrer scheme,Screen size,Location,FirstVisit,Date\n");
    for (GoatLine l : lines) {
      csv.append("%s,\"A title, with a comma\",%s,,%s,%s,%s,%s,%s,%s,\"1920,1080,1\",%s,true,%s\n".formatted(l.path(), l.event(),
          l.browser(), l.system(), l.session(), l.bot(), l.referrer(), l.scheme(), l.location(), l.at()));
    }
    return csv.toString();
  }
}
