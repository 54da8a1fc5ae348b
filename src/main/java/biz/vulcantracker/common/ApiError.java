package biz.vulcantracker.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * The error answer of every HTTP surface (docs/api.md): {@code {"error": code, "message": sentence}} with
 * the matching status. Also thrown by request parsers and turned into its response by the route.
 */
public final class ApiError extends RuntimeException {


  private final StatusCode status;
  private final String code;

  public ApiError(StatusCode status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public StatusCode status() {
    return status;
  }

  public String code() {
    return code;
  }

  public HttpResponse toResponse() {
    return response(status, code, getMessage());
  }

  /**
   * Runs a request handler: an {@link ApiError} it throws, or fails its stage with, becomes that
   * error's response; any other failure is answered by {@code otherwise}.
   */
  public static CompletionStage<HttpResponse> answer(
      Supplier<CompletionStage<HttpResponse>> handler, Function<Throwable, HttpResponse> otherwise) {
    return answer(handler, otherwise, code -> {});
  }

  /** As {@link #answer(Supplier, Function)}, and tells {@code refused} the code of an {@link ApiError} answered. */
  public static CompletionStage<HttpResponse> answer(
      Supplier<CompletionStage<HttpResponse>> handler, Function<Throwable, HttpResponse> otherwise, Consumer<String> refused) {
    try {
      return handler.get().exceptionally(failure -> {
        Throwable cause = unwrap(failure);
        if (cause instanceof ApiError error) {
          refused.accept(error.code());
          return error.toResponse();
        }
        return otherwise.apply(cause);
      });
    } catch (ApiError error) {
      refused.accept(error.code());
      return CompletableFuture.completedFuture(error.toResponse());
    }
  }

  /** The failure a stage failed with, out of the {@link CompletionException} that stages wrap it in. */
  public static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  public static HttpResponse response(StatusCode status, String code, String message) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, json(code, message));
  }

  /** The error body: {@code {"error": code, "message": sentence}}, for servers that write their own bytes. */
  public static String json(String code, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("error", code).put("message", message);
    return body.toString();
  }

  /** This error's body. */
  public String json() {
    return json(code, getMessage());
  }
}
