package biz.vulcantracker.beacon;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/beacon/log}: server access-log lines, counted by the same rules as beacons
 * ({@link LogIntake}). The body is read as a stream of lines, in chunks of {@code lines-per-chunk} ({@link LineChunks}),
 * at most two of them at a time (one read while the other is appended): a request holds two chunks, not 8 MB.
 */
public final class LogRoutes {

  private static final Logger log = LoggerFactory.getLogger(LogRoutes.class);

  private final LogIntake intake;

  public LogRoutes(LogIntake intake) {
    this.intake = intake;
  }

  public Route route() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> pathPrefix("beacon", () -> path("log", () ->
        post(() -> extractRequest(request -> extractMaterializer(materializer ->
            parameterOptional("s", site -> parameterOptional("format", format ->
                completeWithFuture(ApiError.answer(() -> ingest(request, site, format, materializer), this::failureResponse,
                    intake::refused)))))))))));
  }

  private CompletionStage<HttpResponse> ingest(
      HttpRequest request, Optional<String> siteId, Optional<String> format, Materializer materializer) {
    LogIntake.Batch batch = intake.open(BearerToken.of(request), siteId, format,
        request.getHeader("X-Vulcan-Batch").map(HttpHeader::value), request.getHeader("X-Vulcan-Offset").map(HttpHeader::value));
    var entity = request.entity();
    long maxBodyBytes = intake.limits().maxBodyBytes();
    if (entity.getContentLengthOption().orElse(0L) > maxBodyBytes) {
      throw intake.tooLarge();
    }
    return entity.withSizeLimit(maxBodyBytes).getDataBytes()
        .statefulMap(() -> new LineChunks(intake.limits().maxLineBytes(), intake.limits().linesPerChunk()),
            (lines, bytes) -> Pair.create(lines, lines.feed(bytes)), lines -> Optional.of(lines.finish()))
        .mapConcat(chunks -> chunks)
        .zipWithIndex()
        // The next chunk is read while the last one's append to Redis is in flight (its round trip
        // was time the edge stood idle); chunks may land in either order, which counts the same.
        .mapAsync(2, chunk -> intake.ingestChunk(batch, chunk.first(), chunk.second()))
        .runWith(Sink.ignore(), materializer)
        .thenApply(done -> HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(ContentTypes.APPLICATION_JSON, intake.finish(batch)));
  }

  private HttpResponse failureResponse(Throwable cause) {
    if (cause instanceof EntityStreamSizeException) {
      intake.refused("too_large");
      return ApiError.response(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is too large");
    }
    if (cause instanceof org.apache.pekko.stream.scaladsl.Framing.FramingException) {
      intake.refused("line_too_long");
      return ApiError.response(StatusCodes.BAD_REQUEST, "line_too_long", cause.getMessage());
    }
    log.warn("Queue unavailable for a log batch: {}", cause.getClass().getName());
    intake.refused("queue_unavailable");
    return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "queue_unavailable", "the lines could not be queued; retry the batch later");
  }
}
