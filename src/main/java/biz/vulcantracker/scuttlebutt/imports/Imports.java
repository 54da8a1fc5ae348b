package biz.vulcantracker.scuttlebutt.imports;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.scuttlebutt.query.ImportedLayer;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.ImportTables;
import biz.vulcantracker.store.ImportTables.Import;
import biz.vulcantracker.store.Site;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's imports: an upload is read and checked whole first (a file that cannot be read is
 * refused, and nothing is written), then written under a new import id in the background, its
 * progress in the import's row; reports read its rows once its state is {@code done}. A write that
 * fails removes what it wrote; an import whose writer stopped (its node died) is shown as
 * {@code interrupted} and can be deleted. One import of a site runs at a time, and imports of a
 * site cover days of their own: two exports of the same days would count them twice.
 */
public final class Imports {

  private static final Logger log = LoggerFactory.getLogger(Imports.class);

  /** The sources read: Plausible CE's CSV zip and GoatCounter's CSV export. */
  public static final List<String> SOURCES = List.of("plausible", "goatcounter");
  /** Rows per write between two progress updates. */
  private static final int CHUNK_ROWS = 1_000;
  /** A running import that has not moved for this long has lost its writer. */
  static final Duration STALLED = Duration.ofMinutes(2);
  public static final String INTERRUPTED = "interrupted";
  /** The longest file name kept with an import (it is only shown). */
  static final int MAX_FILE_NAME_CHARS = 200;

  private final ImportTables tables;
  private final ImportedLayer layer;
  private final ImportLimits limits;
  private final Executor parsing;
  private final ReferrerSources referrers = ReferrerSources.load();

  /** @param parsing where uploads are read (CPU for seconds on a large export: not the HTTP threads) */
  public Imports(ImportTables tables, ImportedLayer layer, ImportLimits limits, Executor parsing) {
    this.tables = tables;
    this.layer = layer;
    this.limits = limits;
    this.parsing = parsing;
  }

  public ImportLimits limits() {
    return limits;
  }

  /**
   * Reads {@code upload} (an export of {@code source}) for the site and, if it reads whole, starts
   * writing it: the import's row as it starts. Refused ({@link ApiError}) before anything is written.
   */
  public CompletionStage<Import> start(Site site, String source, String fileName, byte[] upload, String by) {
    if (!SOURCES.contains(source)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_source", "source is one of " + String.join(", ", SOURCES));
    }
    return CompletableFuture.supplyAsync(() -> read(site, source, upload), parsing).thenCompose(data -> tables.imports(site.id())
        .thenCompose(existing -> {
          for (Import other : existing) {
            if (ImportTables.IMPORTING.equals(stateOf(other))) {
              throw new ApiError(StatusCodes.CONFLICT, "import_running", "import " + other.importId() + " of this site is running");
            }
            boolean counted = ImportTables.DONE.equals(other.state());
            if (counted && !other.lastDay().isBefore(data.firstDay()) && !other.firstDay().isAfter(data.lastDay())) {
              throw new ApiError(StatusCodes.CONFLICT, "import_overlaps", "import " + other.importId() + " already covers days of "
                  + other.firstDay() + " to " + other.lastDay() + "; this one covers " + data.firstDay() + " to " + data.lastDay()
                  + ": delete it first, or import the other days only");
            }
          }
          Instant now = Instant.now();
          Import row = new Import(site.id(), "imp_" + RandomSecret.hex(8), source, shown(fileName), ImportTables.IMPORTING, null, by,
              now, now,
              data.rowCount(), 0, data.firstDay(), data.lastDay(), Set.copyOf(data.properties()));
          return tables.put(row).thenApply(written -> {
            layer.changed(site.id());
            write(row, data);
            return row;
          });
        }));
  }

  /** The uploader's file name as kept: printable, at most {@value #MAX_FILE_NAME_CHARS} characters. */
  static String shown(String fileName) {
    String printable = fileName.replaceAll("\\p{Cntrl}", "").strip();
    return printable.length() <= MAX_FILE_NAME_CHARS ? printable : printable.substring(0, MAX_FILE_NAME_CHARS);
  }

  private ImportedData read(Site site, String source, byte[] upload) {
    ImportLimits.Days days = limits.days(site.timezone());
    ImportedData data = source.equals("plausible") ? PlausibleExport.read(upload, limits, days)
        : GoatCounterExport.read(upload, limits, days, site.timezone(), referrers);
    if (data.isEmpty()) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_import", "the export has no days");
    }
    return data;
  }

  /** Writes the days, then each property's rows, a chunk at a time with its progress; then done (or failed, emptied). */
  private void write(Import row, ImportedData data) {
    List<List<?>> chunks = new ArrayList<>();
    chunk(data.days(), chunks);
    for (String property : data.properties()) {
      chunk(data.rows(property), chunks);
    }
    CompletionStage<Long> written = CompletableFuture.completedFuture(0L);
    for (List<?> chunk : chunks) {
      written = written.thenCompose(before -> writeChunk(row, chunk)
          .thenCompose(done -> tables.progress(row.siteId(), row.importId(), before + chunk.size()))
          .thenApply(done -> before + chunk.size()));
    }
    written.thenCompose(all -> tables.finish(row.siteId(), row.importId(), ImportTables.DONE, null))
        .exceptionallyCompose(failure -> {
          log.warn("Import {} of site {} failed while writing: {}", row.importId(), row.siteId(), failure.toString());
          return tables.deleteRows(row.siteId(), row.importId(), row.properties()).thenCompose(deleted -> tables.finish(row.siteId(),
              row.importId(), ImportTables.FAILED, "writing to the store failed; import it again"));
        })
        .whenComplete((done, failure) -> layer.changed(row.siteId()));
  }

  @SuppressWarnings("unchecked")
  private CompletionStage<Done> writeChunk(Import row, List<?> chunk) {
    if (chunk.get(0) instanceof BreakdownRow) {
      return tables.writeBreakdown(row.siteId(), row.importId(), (List<BreakdownRow>) chunk);
    }
    return tables.writeDays(row.siteId(), row.importId(), (List<biz.vulcantracker.store.DailyTotals>) chunk);
  }

  private static void chunk(List<?> rows, List<List<?>> into) {
    for (int from = 0; from < rows.size(); from += CHUNK_ROWS) {
      into.add(rows.subList(from, Math.min(rows.size(), from + CHUNK_ROWS)));
    }
  }

  /** The site's imports, newest first, each with the state it is in now. */
  public CompletionStage<List<Import>> list(String siteId) {
    return tables.imports(siteId).thenApply(imports -> {
      layer.seen(siteId, imports);
      return imports;
    }).thenApply(imports -> imports.stream()
        .map(i -> withState(i, stateOf(i), i.error()))
        .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
        .toList());
  }

  public CompletionStage<Optional<Import>> get(String siteId, String importId) {
    return tables.importOf(siteId, importId).thenApply(found -> found.map(i -> withState(i, stateOf(i), i.error())));
  }

  /** Deletes an import and everything it wrote; a running one is refused until it finishes or stalls. */
  public CompletionStage<Done> delete(String siteId, String importId) {
    return tables.importOf(siteId, importId).thenCompose(found -> {
      Import row = found.orElseThrow(() -> new ApiError(StatusCodes.NOT_FOUND, "not_found", "no import " + importId + " of this site"));
      if (ImportTables.IMPORTING.equals(stateOf(row))) {
        throw new ApiError(StatusCodes.CONFLICT, "import_running", "the import is still being written; delete it when it is done");
      }
      return tables.delete(siteId, importId, row.properties());
    }).whenComplete((done, failure) -> layer.changed(siteId));
  }

  /** Forgets every import of a deleted site. */
  public CompletionStage<Done> forgetSite(String siteId) {
    return tables.imports(siteId).thenCompose(imports -> {
      CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
      for (Import row : imports) {
        all = all.thenCompose(done -> tables.delete(siteId, row.importId(), row.properties()));
      }
      return all;
    }).whenComplete((done, failure) -> layer.changed(siteId));
  }

  /** The stored state, or {@code interrupted} for a running import whose writer stopped moving it. */
  private static String stateOf(Import row) {
    boolean stalled = row.updatedAt() == null || row.updatedAt().isBefore(Instant.now().minus(STALLED));
    return ImportTables.IMPORTING.equals(row.state()) && stalled ? INTERRUPTED : row.state();
  }

  private static Import withState(Import row, String state, String error) {
    return new Import(row.siteId(), row.importId(), row.source(), row.fileName(), state, error, row.createdBy(), row.createdAt(),
        row.updatedAt(), row.rowsTotal(), row.rowsWritten(), row.firstDay(), row.lastDay(), row.properties());
  }
}
