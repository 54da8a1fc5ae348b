package biz.vulcantracker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * The error answer of every HTTP surface (API.md): {@code {"error": code, "message": sentence}} with
 * the matching status. Also thrown by request parsers and turned into its response by the route.
 */
public final class ApiError extends RuntimeException {

  private static final ObjectMapper MAPPER = new ObjectMapper();

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

  public static HttpResponse response(StatusCode status, String code, String message) {
    ObjectNode body = MAPPER.createObjectNode().put("error", code).put("message", message);
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }
}
