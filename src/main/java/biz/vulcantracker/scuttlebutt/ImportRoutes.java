package biz.vulcantracker.scuttlebutt;

import static biz.vulcantracker.scuttlebutt.StatsRoutes.json;
import static biz.vulcantracker.scuttlebutt.StatsRoutes.respond;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.Json;
import biz.vulcantracker.scuttlebutt.imports.Imports;
import biz.vulcantracker.scuttlebutt.people.Role;
import biz.vulcantracker.store.ImportTables.Import;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * A site's imports (docs/api.md, "Imports"): the owner uploads an export, which is read whole and
 * answered {@code 202} with the import's row (or refused with the reason, nothing written); admins
 * follow its progress; the owner deletes an import and everything it wrote.
 */
public final class ImportRoutes {

  private static final Duration READ_UPLOAD = Duration.ofMinutes(2);

  private final ReportAccess access;
  private final Imports imports;

  public ImportRoutes(ReportAccess access, Imports imports) {
    this.access = access;
    this.imports = imports;
  }

  public Route route() {
    return pathPrefix(segment("api").slash("v1").slash("sites").slash(PathMatchers.segment()), siteId -> extractRequest(request -> concat(
        path("imports", () -> concat(
            post(() -> parameterOptional("source", source -> parameterOptional("name", name -> extractMaterializer(materializer ->
                access.authorized(request, siteId, Role.OWNER, grant -> respond(() -> upload(request, materializer).thenCompose(bytes ->
                    imports.start(grant.site(), source.orElse(""), name.orElse(""), bytes, grant.holder()))
                    .thenApply(row -> json(importJson(row)).withStatus(StatusCodes.ACCEPTED)))))))),
            get(() -> respond(() -> access.authorize(request, siteId, Role.ADMIN).thenCompose(grant -> imports.list(siteId))
                .thenApply(rows -> {
                  ArrayNode list = Json.MAPPER.createArrayNode();
                  rows.forEach(row -> list.add(importJson(row)));
                  return json(Json.MAPPER.createObjectNode().set("imports", list));
                }))))),
        path(segment("imports").slash(PathMatchers.segment()), importId -> concat(
            get(() -> respond(() -> access.authorize(request, siteId, Role.ADMIN).thenCompose(grant -> imports.get(siteId, importId))
                .thenApply(row -> json(importJson(row.orElseThrow(() ->
                    new ApiError(StatusCodes.NOT_FOUND, "not_found", "no import " + importId + " of this site"))))))),
            Directives.delete(() -> respond(() -> access.authorize(request, siteId, Role.OWNER)
                .thenCompose(grant -> imports.delete(siteId, importId))
                .thenApply(deleted -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)))))))));
  }

  /** The request's body, refused past {@code vulcan.imports.max-bytes}. */
  private CompletionStage<byte[]> upload(HttpRequest request, Materializer materializer) {
    long max = imports.limits().maxBytes();
    if (request.entity().getContentLengthOption().orElse(0L) > max) {
      throw tooLarge(max);
    }
    return request.entity().withSizeLimit(max).toStrict(READ_UPLOAD.toMillis(), materializer)
        .thenApply(strict -> strict.getData().toArray())
        .exceptionally(failure -> {
          if (ApiError.unwrap(failure) instanceof EntityStreamSizeException) {
            throw tooLarge(max);
          }
          throw new CompletionException(ApiError.unwrap(failure));
        });
  }

  private static ApiError tooLarge(long max) {
    return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "import_too_large",
        "the upload is larger than " + max + " bytes (vulcan.imports.max-bytes)");
  }

  static ObjectNode importJson(Import row) {
    ObjectNode node = Json.MAPPER.createObjectNode()
        .put("id", row.importId())
        .put("source", row.source())
        .put("file", row.fileName())
        .put("state", row.state())
        .put("created_by", row.createdBy())
        .put("created_at", row.createdAt().toString())
        .put("first_day", row.firstDay().toString())
        .put("last_day", row.lastDay().toString())
        .put("rows_total", row.rowsTotal())
        .put("rows_written", row.rowsWritten())
        .put("progress", row.rowsTotal() == 0 ? 100 : Math.round(100.0 * row.rowsWritten() / row.rowsTotal()));
    Optional.ofNullable(row.error()).ifPresent(error -> node.put("error", error));
    return node;
  }
}
