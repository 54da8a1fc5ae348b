package biz.vulcantracker.beacon.front;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.common.ApiError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

/** The front's answers in bytes: the same headers and error body as Pekko's beacon route gives. */
class AnswerTest {

  private static String render(Answer answer, boolean close) {
    ByteBuf bytes = answer.render(UnpooledByteBufAllocator.DEFAULT, close);
    try {
      return bytes.toString(StandardCharsets.UTF_8);
    } finally {
      bytes.release();
    }
  }

  @Test
  void acceptedEchoesTheOrigin() {
    assertThat(render(Answer.accepted("https://www.shop.example"), false))
        .startsWith("HTTP/1.1 204 No Content\r\nServer: vulcan-tracker\r\nDate: ")
        .contains("\r\nAccess-Control-Allow-Origin: https://www.shop.example\r\nVary: Origin\r\n")
        .doesNotContain("Content-Length")
        .endsWith("\r\n\r\n");
  }

  @Test
  void acceptedWithoutAnOriginHasNoCorsHeaders() {
    assertThat(render(Answer.accepted(null), false)).doesNotContain("Access-Control").endsWith("GMT\r\n\r\n");
  }

  @Test
  void anAllowedPreflightNamesTheMethodsAndTheHeader() {
    assertThat(render(Answer.preflight("https://shop.example"), false))
        .startsWith("HTTP/1.1 204 No Content\r\n")
        .contains("Access-Control-Allow-Origin: https://shop.example\r\n")
        .contains("Access-Control-Allow-Methods: GET, POST, OPTIONS\r\n")
        .contains("Access-Control-Allow-Headers: Content-Type\r\n")
        .contains("Access-Control-Max-Age: 86400\r\n");
  }

  @Test
  void aRefusalIsTheJsonErrorWithItsLength() {
    String body = "{\"error\":\"unknown_site\",\"message\":\"no site is registered as 'x'\"}";
    assertThat(render(Answer.refused(new ApiError(StatusCodes.FORBIDDEN, "unknown_site", "no site is registered as 'x'")), true))
        .startsWith("HTTP/1.1 403 Forbidden\r\n")
        .contains("Content-Type: application/json\r\n")
        .contains("Content-Length: " + body.length() + "\r\n")
        .contains("Connection: close\r\n")
        .endsWith("\r\n\r\n" + body);
  }
}
