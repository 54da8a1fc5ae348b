package biz.vulcantracker.beacon.front;

import biz.vulcantracker.beacon.BeaconIntake;
import biz.vulcantracker.beacon.BeaconRequest;
import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.queue.HitAppender;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The front's beacon path: a parsed head (and body) through {@link BeaconIntake} to an {@link Answer}. */
final class FrontBeacons {

  private static final Logger log = LoggerFactory.getLogger(FrontBeacons.class);

  private final BeaconIntake intake;

  FrontBeacons(BeaconIntake intake) {
    this.intake = intake;
  }

  int maxBodyBytes() {
    return intake.settings().maxBodyBytes();
  }

  /** A GET's hit, from its decoded query. */
  CompletionStage<Answer> get(RequestHead head, Map<String, String> params, InetAddress peer, HitAppender redis) {
    return accept(head, peer, () -> intake.parseQuery(params), redis);
  }

  /** A POST's hits, from its body (one object or an array). */
  CompletionStage<Answer> post(RequestHead head, String body, InetAddress peer, HitAppender redis) {
    return accept(head, peer, () -> intake.parser().fromBody(body), redis);
  }

  /** 413 for a body over the limit, the answer Pekko's route gives (the body is never read). */
  Answer tooLarge() {
    return refused(intake.tooLarge());
  }

  Answer preflight(RequestHead head) {
    Optional<String> origin = Optional.ofNullable(head.origin());
    return intake.preflightRefusal(origin).map(this::refused).orElseGet(() -> Answer.preflight(origin.get()));
  }

  private CompletionStage<Answer> accept(RequestHead head, InetAddress peer, Supplier<List<BeaconRequest>> parse, HitAppender redis) {
    BeaconIntake.Caller caller = new BeaconIntake.Caller(peer, Optional.ofNullable(head.forwardedFor()),
        Optional.ofNullable(head.origin()), head.userAgent() == null ? "" : head.userAgent());
    try {
      return intake.accept(caller, parse.get(), redis)
          .thenApply(count -> Answer.accepted(head.origin()))
          .exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return cause instanceof ApiError error ? refused(error) : Answer.refused(intake.queueUnavailable(cause));
          });
    } catch (ApiError error) {
      return CompletableFuture.completedFuture(refused(error));
    } catch (RuntimeException unexpected) {
      // As Pekko HTTP's exception handler answers it (ops.HttpServer): a 500, never a dropped connection.
      log.error("Unexpected failure answering a beacon", unexpected);
      return CompletableFuture.completedFuture(refused(
          new ApiError(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "unexpected failure")));
    }
  }

  private Answer refused(ApiError error) {
    intake.refused(error.code());
    return Answer.refused(error);
  }
}
