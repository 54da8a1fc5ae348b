package biz.vulcantracker.ops;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.RouteTestBase;
import biz.vulcantracker.common.ApiError;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.Test;

/** Every answer that is not a route's own is the README's JSON error shape, with its status. */
class HttpServerTest extends RouteTestBase {

  private final TestRoute route = testRoute(HttpServer.withErrorAnswers(concat(
      path("ok", () -> get(() -> complete("fine"))),
      path("refused", () -> get(() -> {
        throw new ApiError(StatusCodes.FORBIDDEN, "no_way", "not for you");
      })),
      path("broken", () -> get(() -> {
        throw new IllegalStateException("a bug, with a detail the client must not see");
      })))));

  @Test
  void anUnknownPathIsAJson404() {
    route.run(HttpRequest.GET("/nowhere"))
        .assertStatusCode(StatusCodes.NOT_FOUND)
        .assertContentType(ContentTypes.APPLICATION_JSON)
        .assertEntity("{\"error\":\"not_found\",\"message\":\"The requested resource could not be found.\"}");
  }

  @Test
  void aWrongMethodIsAJson405() {
    route.run(HttpRequest.POST("/ok"))
        .assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED)
        .assertContentType(ContentTypes.APPLICATION_JSON)
        .assertEntity("{\"error\":\"method_not_allowed\",\"message\":\"HTTP method not allowed, supported methods: GET\"}");
  }

  @Test
  void aThrownApiErrorIsItsOwnAnswer() {
    route.run(HttpRequest.GET("/refused"))
        .assertStatusCode(StatusCodes.FORBIDDEN)
        .assertEntity("{\"error\":\"no_way\",\"message\":\"not for you\"}");
  }

  @Test
  void anUnexpectedFailureIsA500WithoutItsDetail() {
    route.run(HttpRequest.GET("/broken"))
        .assertStatusCode(StatusCodes.INTERNAL_SERVER_ERROR)
        .assertEntity("{\"error\":\"internal_error\",\"message\":\"unexpected failure\"}");
  }
}
