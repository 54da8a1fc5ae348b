package biz.vulcantracker.ops;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.common.ApiError;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the node's one HTTP server (edge, reports, admin). Unbinds through CoordinatedShutdown, and
 * terminates the system if the port cannot be bound: a node that cannot serve should not linger.
 * Every rejection and unexpected failure is answered in the JSON error shape of docs/api.md.
 */
public final class HttpServer {

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port, Route routes) {
    CompletionStage<ServerBinding> binding = Http.get(system).newServerAt(host, port).bind(withErrorAnswers(routes));
    return binding.whenComplete((bound, error) -> {
      if (error != null) {
        log.error("Could not bind HTTP on {}:{}; stopping", host, port, error);
        system.terminate();
      } else {
        bound.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
        log.info("HTTP listening on {}", bound.localAddress());
      }
    });
  }

  /** The routes with every rejection and failure answered in the JSON error shape. */
  public static Route withErrorAnswers(Route routes) {
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> routes));
  }

  private static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(ApiError.class, error -> complete(error.toResponse()))
        .matchAny(error -> {
          log.error("Unexpected failure in a route", error);
          return complete(ApiError.response(
              org.apache.pekko.http.javadsl.model.StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "unexpected failure"));
        })
        .build();
  }

  /** Pekko's own rejection answers, re-shaped into the JSON error body. */
  private static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      if (response.entity().getContentType().mediaType().toString().equals("application/json")) {
        return response;
      }
      String message = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
          ? strict.getData().utf8String()
          : response.status().reason();
      return ApiError.response(response.status(), codeOf(response.status()), message)
          .withHeaders(response.getHeaders());
    });
  }

  private static String codeOf(StatusCode status) {
    return switch (status.intValue()) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      default -> "error_" + status.intValue();
    };
  }
}
