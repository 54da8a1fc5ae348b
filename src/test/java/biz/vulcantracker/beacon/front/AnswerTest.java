package biz.vulcantracker.beacon.front;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    String text = render(Answer.accepted("https://www.shop.example"), false);
    System.out.println(text);
    assertThat(text).startsWith("HTTP/1.1 204 No Content\r\n")
        .contains("\r\nAccess-Control-Allow-Origin: https://www.shop.example\r\nVary: Origin\r\n")
        .endsWith("\r\n\r\n");
  }
}
