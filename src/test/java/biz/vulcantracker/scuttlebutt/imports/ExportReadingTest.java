package biz.vulcantracker.scuttlebutt.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading exports, the refusals in particular: what is refused names the file, the line and the
 * column; sizes and row counts are bounded (zip and gzip bombs); columns are read by name.
 */
class ExportReadingTest {

  private static final ImportLimits LIMITS = new ImportLimits(64 << 20, 1 << 20, 1_000, Duration.ofDays(5 * 365));
  private static final ImportLimits.Days DAYS = new ImportLimits.Days(LocalDate.of(2020, 1, 1), LocalDate.of(2026, 12, 31));

  @Test
  void plausibleColumnsAreReadByNameInAnyOrderAndExtraColumnsAreIgnored() {
    byte[] zip = ExportFixtures.zip(Map.of(
        "export/imported_visitors_20240101_20240102.csv",
        "visit_duration,visits,bounces,pageviews,visitors,date,new_column\n100,10,4,30,9,2024-01-01,x\n50,5,5,5,5,2024-01-02,y\n"));
    ImportedData data = PlausibleExport.read(zip, LIMITS, DAYS);
    assertThat(data.days()).containsExactly(
        new DailyTotals(LocalDate.of(2024, 1, 1), 9, 10, 30, 0, 4, 100_000, 0),
        new DailyTotals(LocalDate.of(2024, 1, 2), 5, 5, 5, 0, 5, 50_000, 0));
  }

  @Test
  void aBadValueIsRefusedWithItsFileLineAndColumn() {
    byte[] zip = ExportFixtures.zip(Map.of("imported_visitors_20240101_20240102.csv",
        "date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-01,1,1,1,1,1\n2024-01-02,2,-3,1,1,1\n"));
    assertThatThrownBy(() -> PlausibleExport.read(zip, LIMITS, DAYS)).isInstanceOf(ApiError.class)
        .hasMessage("imported_visitors_20240101_20240102.csv: line 3, column pageviews: expected a whole number from 0, got '-3'");
    byte[] badDate = ExportFixtures.zip(Map.of("imported_visitors_20240101_20240102.csv",
        "date,visitors,pageviews,bounces,visits,visit_duration\n01/02/2024,1,1,1,1,1\n"));
    assertThatThrownBy(() -> PlausibleExport.read(badDate, LIMITS, DAYS)).hasMessageContaining("line 2, column date");
    byte[] tooOld = ExportFixtures.zip(Map.of("imported_visitors_20190101_20190102.csv",
        "date,visitors,pageviews,bounces,visits,visit_duration\n2019-12-31,1,1,1,1,1\n"));
    assertThatThrownBy(() -> PlausibleExport.read(tooOld, LIMITS, DAYS)).hasMessageContaining("2019-12-31 is not between 2020-01-01");
    byte[] missingColumn = ExportFixtures.zip(Map.of("imported_visitors_20240101_20240102.csv", "date,visitors\n2024-01-01,1\n"));
    assertThatThrownBy(() -> PlausibleExport.read(missingColumn, LIMITS, DAYS)).hasMessageContaining("it has no column 'pageviews'");
    byte[] unclosedQuote = ExportFixtures.zip(Map.of("imported_visitors_20240101_20240102.csv",
        "date,visitors,pageviews,bounces,visits,visit_duration\n\"2024-01-01,1,1,1,1,1\n"));
    assertThatThrownBy(() -> PlausibleExport.read(unclosedQuote, LIMITS, DAYS)).isInstanceOf(ApiError.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aZipThatIsNotPlausiblesExportIsRefused() {
    assertThatThrownBy(() -> PlausibleExport.read("not a zip".getBytes(StandardCharsets.UTF_8), LIMITS, DAYS))
        .isInstanceOf(ApiError.class).hasMessageContaining("no imported_visitors");
    assertThatThrownBy(() -> PlausibleExport.read(ExportFixtures.zip(Map.of("notes.txt", "hello")), LIMITS, DAYS))
        .hasMessageContaining("no imported_visitors");
    Map<String, String> twice = new LinkedHashMap<>();
    twice.put("a/imported_visitors_20240101_20240102.csv", "date,visitors,pageviews,bounces,visits,visit_duration\n");
    twice.put("b/imported_visitors_20240101_20240102.csv", "date,visitors,pageviews,bounces,visits,visit_duration\n");
    assertThatThrownBy(() -> PlausibleExport.read(ExportFixtures.zip(twice), LIMITS, DAYS)).hasMessageContaining("two files");
  }

  @Test
  void sizesAndRowsAreBounded() {
    // 2 MiB of zeros compress to a few KiB: refused by the uncompressed limit (1 MiB here), not read on.
    String header = "date,visitors,pageviews,bounces,visits,visit_duration\n";
    byte[] bomb = ExportFixtures.zip(Map.of("imported_visitors_20240101_20240102.csv", header + "0".repeat(2 << 20)));
    assertThat(bomb.length).isLessThan(64 << 10);
    assertThatThrownBy(() -> PlausibleExport.read(bomb, LIMITS, DAYS)).isInstanceOf(ApiError.class)
        .extracting(e -> ((ApiError) e).code()).isEqualTo("import_too_large");
    byte[] gzipBomb = ExportFixtures.gzip("\"2,Path\"\n" + "0".repeat(2 << 20));
    assertThatThrownBy(() -> GoatCounterExport.read(gzipBomb, LIMITS, DAYS, ZoneId.of("UTC"), ReferrerSources.load()))
        .extracting(e -> ((ApiError) e).code()).isEqualTo("import_too_large");
    StringBuilder pages = new StringBuilder("date,page,visitors,pageviews\n");
    for (int i = 0; i <= LIMITS.maxRows(); i++) {
      pages.append("2024-01-01,/p").append(i).append(",1,1\n");
    }
    byte[] many = ExportFixtures.zip(Map.of("imported_visitors_20240101_20240102.csv", header,
        "imported_pages_20240101_20240102.csv", pages.toString()));
    assertThatThrownBy(() -> PlausibleExport.read(many, LIMITS, DAYS)).extracting(e -> ((ApiError) e).code())
        .isEqualTo("import_too_large");
  }

  @Test
  void theUploadersFileNameIsKeptPrintableAndShort() {
    assertThat(Imports.shown(" export\u0000\n.zip ")).isEqualTo("export.zip");
    assertThat(Imports.shown("x".repeat(5000))).hasSize(Imports.MAX_FILE_NAME_CHARS);
  }

  @Test
  void goatCounterLinesBecomeVisitsPerSessionAndDayInTheSitesZone() {
    String csv = "\"2,Path\",Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,Referrer scheme,Screen size,Location,FirstVisit,Date\n"
        // One session across Berlin's midnight (22:50 and 23:10 UTC on Jan 1 are 23:50 and 00:10 local): two visits.
        + "/a,T,false,,Firefox 121,Linux,s1,0,news.ycombinator.com/item?id=1,h,,DE-BE,true,2024-01-01T22:50:00Z\n"
        + "/b,T,false,,Firefox 121,Linux,s1,0,,,,DE-BE,false,2024-01-01T23:10:00Z\n"
        // A session of a pageview and an event, two minutes apart: not a bounce, 120 s.
        + "/c,T,false,,Chrome 120,Windows 10,s2,0,,,,US,true,2024-01-01T10:00:00Z\n"
        + "click,T,true,,Chrome 120,Windows 10,s2,0,,,,US,false,2024-01-01T10:02:00Z\n"
        + "/c,T,false,,Chrome 120,Windows 10,,3,,,,US,true,2024-01-01T10:03:00Z\n";
    ImportedData data = GoatCounterExport.read(csv.getBytes(StandardCharsets.UTF_8), LIMITS, DAYS, ZoneId.of("Europe/Berlin"),
        ReferrerSources.load());
    assertThat(data.days()).containsExactly(
        new DailyTotals(LocalDate.of(2024, 1, 1), 2, 2, 2, 1, 1, 120_000, 0),
        new DailyTotals(LocalDate.of(2024, 1, 2), 1, 1, 1, 0, 1, 0, 0));
    assertThat(data.rows("source")).extracting(BreakdownRow::value, BreakdownRow::visits).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("Hacker News", 1L), org.assertj.core.groups.Tuple.tuple("Direct / None", 1L),
        org.assertj.core.groups.Tuple.tuple("Direct / None", 1L));
    assertThat(data.rows("referrer")).extracting(BreakdownRow::value).containsExactly("news.ycombinator.com/item?id=1");
    assertThat(data.rows("os")).extracting(BreakdownRow::value).containsOnly("Linux", "Windows");
    assertThat(data.rows("country")).extracting(BreakdownRow::value).containsOnly("DE", "US");
    assertThat(data.rows("event")).extracting(BreakdownRow::value, BreakdownRow::events)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("click", 1L));
    assertThatThrownBy(() -> GoatCounterExport.read("Path,Title\n/,x\n".getBytes(StandardCharsets.UTF_8), LIMITS, DAYS,
        ZoneId.of("UTC"), ReferrerSources.load())).hasMessageContaining("not GoatCounter's '2,Path'");
  }

  @Test
  void exportsAreCheckedForEveryLineBeforeAnythingIsKept() {
    List<ExportFixtures.GoatLine> lines = ExportFixtures.goatLines(LocalDate.of(2024, 3, 1), 2);
    String csv = ExportFixtures.goatCsv(lines) + "/late,T,false,,Firefox 1,Linux,s9,0,,,,DE,true,yesterday\n";
    assertThatThrownBy(() -> GoatCounterExport.read(csv.getBytes(StandardCharsets.UTF_8), LIMITS, DAYS, ZoneId.of("UTC"),
        ReferrerSources.load())).hasMessageContaining("line " + (lines.size() + 2) + ", column Date");
  }
}
