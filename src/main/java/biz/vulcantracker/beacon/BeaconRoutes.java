package biz.vulcantracker.beacon;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.queue.HitAppender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * {@code GET|POST|OPTIONS /api/v1/beacon} in Pekko HTTP, and the tracking script. What a hit goes
 * through is {@link BeaconIntake}'s; this class reads the request and writes the answer: 204 once
 * Redis holds every hit, with CORS headers echoing the page's origin. On a node whose front
 * ({@code beacon.front}) answers beacons itself, requests reach this only when the front relays them.
 */
public final class BeaconRoutes {

  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);

  private final BeaconIntake intake;
  private final HitAppender redis;
  private final RequestClients clients;
  private final TrackingScript script;

  public BeaconRoutes(BeaconIntake intake, HitAppender redis, RequestClients clients) {
    this.intake = intake;
    this.redis = redis;
    this.clients = clients;
    this.script = new TrackingScript(intake.settings().scriptMaxAge());
  }

  public Route route() {
    return concat(
        script.route(),
        pathPrefix("api", () -> pathPrefix("v1", () -> path("beacon", () -> extractRequest(request -> concat(
            get(() -> parameterMap(params -> answer(request, () -> intake.parseQuery(params)))),
            post(() -> readBody(request)),
            options(() -> complete(preflight(request)))))))));
  }

  private Route readBody(HttpRequest request) {
    return extractMaterializer(materializer -> {
      var entity = request.entity();
      int limit = intake.settings().maxBodyBytes();
      if (entity.getContentLengthOption().orElse(0L) > limit) {
        ApiError tooLarge = intake.tooLarge();
        intake.refused(tooLarge.code());
        return complete(tooLarge.toResponse());
      }
      return completeWithFuture(ApiError.answer(() -> entity
          .withSizeLimit(limit)
          .toStrict(BODY_READ_TIMEOUT.toMillis(), materializer)
          .thenCompose(strict -> accept(request, intake.parser().fromBody(strict.getData().utf8String()))),
          this::failureResponse, intake::refused));
    });
  }

  private Route answer(HttpRequest request, Supplier<List<BeaconRequest>> parse) {
    return completeWithFuture(ApiError.answer(() -> accept(request, parse.get()), this::failureResponse, intake::refused));
  }

  private CompletionStage<HttpResponse> accept(HttpRequest request, List<BeaconRequest> hits) {
    BeaconIntake.Caller caller = new BeaconIntake.Caller(clients.peer(request), RequestClients.forwardedFor(request),
        header(request, "Origin"), header(request, "User-Agent").orElse(""));
    return intake.accept(caller, hits, redis)
        .thenApply(count -> noContent(BeaconAnswers.accepted(caller.origin())));
  }

  private HttpResponse preflight(HttpRequest request) {
    Optional<String> origin = header(request, "Origin");
    Optional<ApiError> refusal = intake.preflightRefusal(origin);
    if (refusal.isPresent()) {
      return refusal.get().toResponse();
    }
    return noContent(BeaconAnswers.preflight(origin.get()));
  }

  private static HttpResponse noContent(List<BeaconAnswers.Header> headers) {
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
        .addHeaders(headers.stream().map(h -> (HttpHeader) RawHeader.create(h.name(), h.value())).toList());
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value);
  }

  private HttpResponse failureResponse(Throwable cause) {
    if (cause instanceof EntityStreamSizeException) {
      intake.refused("too_large");
      return ApiError.response(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is too large");
    }
    return intake.queueUnavailable(cause).toResponse();
  }
}
