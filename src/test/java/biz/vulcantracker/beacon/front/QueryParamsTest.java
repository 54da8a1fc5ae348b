package biz.vulcantracker.beacon.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The front reads a query as Pekko's parameterMap does, or leaves it to Pekko. */
class QueryParamsTest {

  @Test
  void decodesEscapesAndPlusSigns() {
    assertThat(QueryParams.decode("s=a.example&u=https%3A%2F%2Fa.example%2F%3Fq%3D1&n=Sign+up&p=%7B%22k%22%3A%22%C3%A9%22%7D"))
        .isEqualTo(Map.of("s", "a.example", "u", "https://a.example/?q=1", "n", "Sign up", "p", "{\"k\":\"é\"}"));
  }

  @Test
  void givesANameWithoutValueAnEmptyOne() {
    assertThat(QueryParams.decode("s=a&w")).isEqualTo(Map.of("s", "a", "w", ""));
    assertThat(QueryParams.decode(null)).isEmpty();
    assertThat(QueryParams.decode("")).isEmpty();
  }

  @Test
  void unescapesAsUrlDecoderDoesOrRefuses() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "abcXYZ019-._~+%%%2F3Aa0fFgG";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String expected;
      try {
        expected = java.net.URLDecoder.decode(text.toString(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException bad) {
        expected = null;
      }
      String actual;
      try {
        actual = QueryParams.unescape(text.toString());
      } catch (IllegalArgumentException bad) {
        actual = null;
      }
      // Never another reading; stricter is allowed (URLDecoder takes "%+F" as an escape, Pekko does
      // not, and the front leaves such a query to Pekko).
      if (expected == null || actual != null) {
        assertThat(actual).as(text.toString()).isEqualTo(expected);
      } else {
        assertThat(text.toString()).as("only a signed escape is refused where URLDecoder reads it").containsPattern("%[+-]");
      }
    }
  }

  @Test
  void leavesToPekkoWhatItCouldReadDifferently() {
    assertThat(QueryParams.decode("s=a&s=b")).as("repeated name").isNull();
    assertThat(QueryParams.decode("s=a&&u=b")).as("empty pair").isNull();
    assertThat(QueryParams.decode("s=%zz")).as("bad escape").isNull();
    assertThat(QueryParams.decode("s=%4")).as("cut escape").isNull();
    assertThat(QueryParams.decode("s=%+F")).as("signed escape (URLDecoder reads it, Pekko does not)").isNull();
    assertThat(QueryParams.decode("p={\"a\":1}")).as("raw braces and quotes").isNull();
    assertThat(QueryParams.decode("s=a|b")).as("raw pipe").isNull();
  }
}
