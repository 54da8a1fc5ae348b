package biz.vulcantracker.beacon.front;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.beacon.front.RequestHeads.Verdict;
import io.netty.buffer.ByteBuf;
import com.typesafe.config.ConfigFactory;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which requests the front answers itself, and what it reads of them; the rest go to Pekko HTTP. */
class RequestHeadsTest {

  private static final int MAX_BODY = 16384;
  /** The production limits: Pekko's header limits (64 headers, names of 64, values of 8 KiB). */
  private static final FrontLimits LIMITS = FrontLimits.fromConfig(ConfigFactory.load());
  private static final String GET = "GET /api/v1/beacon?s=a.example&u=https%3A%2F%2Fa.example%2F HTTP/1.1\r\n";

  static Stream<Arguments> heads() {
    return Stream.of(
        Arguments.of("plain GET", GET + "Host: x\r\nUser-Agent: Mozilla/5.0\r\n\r\n", Verdict.NATIVE),
        Arguments.of("GET without query", "GET /api/v1/beacon HTTP/1.1\r\nHost: x\r\n\r\n", Verdict.NATIVE),
        Arguments.of("bare LF line ends", "GET /api/v1/beacon?s=a HTTP/1.1\nHost: x\n\n", Verdict.NATIVE),
        Arguments.of("POST with a length", "POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 12\r\n\r\n", Verdict.NATIVE),
        Arguments.of("preflight", "OPTIONS /api/v1/beacon HTTP/1.1\r\nOrigin: https://a.example\r\n\r\n", Verdict.NATIVE),
        Arguments.of("head not complete yet", GET + "Host: x\r\n", Verdict.INCOMPLETE),
        Arguments.of("another path", "GET /api/v1/sites HTTP/1.1\r\n\r\n", Verdict.RELAY),
        Arguments.of("the log endpoint", "POST /api/v1/beacon/log?s=a HTTP/1.1\r\nContent-Length: 1\r\n\r\n", Verdict.RELAY),
        Arguments.of("a longer path", "GET /api/v1/beaconx HTTP/1.1\r\n\r\n", Verdict.RELAY),
        Arguments.of("the script", "GET /vulcan.js HTTP/1.1\r\n\r\n", Verdict.RELAY),
        Arguments.of("another method", "PUT /api/v1/beacon HTTP/1.1\r\nContent-Length: 0\r\n\r\n", Verdict.RELAY),
        Arguments.of("HTTP/1.0", "GET /api/v1/beacon?s=a HTTP/1.0\r\n\r\n", Verdict.RELAY),
        Arguments.of("HTTP/2 upgrade", GET + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n", Verdict.RELAY),
        Arguments.of("WebSocket", GET + "Upgrade: websocket\r\n\r\n", Verdict.RELAY),
        Arguments.of("chunked POST", "POST /api/v1/beacon HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", Verdict.RELAY),
        Arguments.of("POST without a length", "POST /api/v1/beacon HTTP/1.1\r\n\r\n", Verdict.RELAY),
        Arguments.of("POST over the limit (refused by the front)", "POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 16385\r\n\r\n", Verdict.NATIVE),
        Arguments.of("bad length", "POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", Verdict.RELAY),
        Arguments.of("two lengths", "POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n", Verdict.RELAY),
        Arguments.of("GET with a body", GET + "Content-Length: 3\r\n\r\n", Verdict.RELAY),
        Arguments.of("Expect", "POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n", Verdict.RELAY),
        Arguments.of("two User-Agents", GET + "User-Agent: a\r\nUser-Agent: b\r\n\r\n", Verdict.RELAY),
        Arguments.of("two X-Forwarded-For", GET + "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\n\r\n", Verdict.RELAY),
        Arguments.of("folded header", GET + "User-Agent: a\r\n b\r\n\r\n", Verdict.RELAY),
        Arguments.of("header without colon", GET + "User-Agent\r\n\r\n", Verdict.RELAY),
        Arguments.of("space in a header name", GET + "User Agent: a\r\n\r\n", Verdict.RELAY),
        Arguments.of("non-ASCII byte", GET + "User-Agent: caf\u00e9\r\n\r\n", Verdict.RELAY),
        Arguments.of("lone CR in a value", GET + "Origin: https://a.example\rX: y\r\n\r\n", Verdict.RELAY),
        Arguments.of("fragment", "GET /api/v1/beacon?s=a#x HTTP/1.1\r\n\r\n", Verdict.RELAY),
        Arguments.of("garbage", "\u0016\u0003\u0001 hello\r\n\r\n", Verdict.RELAY),
        Arguments.of("request line only spaces", "GET  HTTP/1.1\r\n\r\n", Verdict.RELAY),
        Arguments.of("as many headers as Pekko takes", GET + "X: y\r\n".repeat(64) + "\r\n", Verdict.NATIVE),
        Arguments.of("more headers than Pekko takes", GET + "X: y\r\n".repeat(65) + "\r\n", Verdict.RELAY),
        Arguments.of("a value as long as Pekko takes", GET + "X: " + "y".repeat(8192) + "\r\n\r\n", Verdict.NATIVE),
        Arguments.of("a longer value than Pekko takes", GET + "X: " + "y".repeat(8193) + "\r\n\r\n", Verdict.RELAY),
        Arguments.of("a longer name than Pekko takes", GET + "X".repeat(65) + ": y\r\n\r\n", Verdict.RELAY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("heads")
  void decidesWhoAnswers(String name, String head, Verdict verdict) {
    assertThat(RequestHeads.parse(buffer(head), FrontConnection.MAX_HEAD_BYTES, MAX_BODY, LIMITS).verdict()).isEqualTo(verdict);
  }

  @Test
  void readsWhatTheBeaconNeeds() {
    String head = GET + "host: x\r\nuser-agent:  Mozilla/5.0 (X11)  \r\nORIGIN: https://a.example\r\n"
        + "X-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nConnection: keep-alive, close\r\n\r\n";
    ByteBuf buffer = buffer(head + "GET /next");
    RequestHead parsed = RequestHeads.parse(buffer, FrontConnection.MAX_HEAD_BYTES, MAX_BODY, LIMITS).head();
    assertThat(parsed.method()).isEqualTo("GET");
    assertThat(parsed.rawQuery()).isEqualTo("s=a.example&u=https%3A%2F%2Fa.example%2F");
    assertThat(parsed.userAgent()).isEqualTo("Mozilla/5.0 (X11)");
    assertThat(parsed.origin()).isEqualTo("https://a.example");
    assertThat(parsed.forwardedFor()).isEqualTo("203.0.113.9, 10.0.0.1");
    assertThat(parsed.close()).isTrue();
    assertThat(parsed.headLength()).isEqualTo(head.length());
    assertThat(buffer.readerIndex()).as("nothing consumed").isZero();
  }

  @Test
  void readsAPostsLength() {
    RequestHead parsed = RequestHeads.parse(buffer("POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 42\r\n\r\n{"),
        FrontConnection.MAX_HEAD_BYTES, MAX_BODY, LIMITS).head();
    assertThat(parsed.contentLength()).isEqualTo(42);
    assertThat(parsed.close()).isFalse();
  }

  @Test
  void marksABodyOverTheLimit() {
    assertThat(RequestHeads.parse(buffer("POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 16385\r\n\r\n"),
        FrontConnection.MAX_HEAD_BYTES, MAX_BODY, LIMITS).head().tooLarge()).isTrue();
    assertThat(RequestHeads.parse(buffer("POST /api/v1/beacon HTTP/1.1\r\nContent-Length: 16384\r\n\r\n"),
        FrontConnection.MAX_HEAD_BYTES, MAX_BODY, LIMITS).head().tooLarge()).isFalse();
  }

  @Test
  void relaysAHeadThatNeverEnds() {
    String endless = GET + ("X-Filler: " + "y".repeat(100) + "\r\n").repeat(200);
    assertThat(RequestHeads.parse(buffer(endless), FrontConnection.MAX_HEAD_BYTES, MAX_BODY, LIMITS).verdict()).isEqualTo(Verdict.RELAY);
  }

  private static ByteBuf buffer(String text) {
    return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
  }
}
