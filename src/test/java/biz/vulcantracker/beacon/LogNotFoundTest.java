package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The path a 404 event of an access log line carries: the request target's, bounded. */
class LogNotFoundTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
      "/missing,                          /missing",
      "/missing?q=1#x,                    /missing",
      "/a/b/,                             /a/b/",
      "https://example.com/old?x=1,       /old",
      "http://example.com,                /",
      "/?only=query,                      /"})
  void aNotFoundLinesPath(String target, String path) {
    assertThat(LogIntake.pathOf(target)).isEqualTo(path);
  }

  @ParameterizedTest(name = "a {0}-character target")
  @CsvSource({"1024", "5000"})
  void aPathIsBounded(int length) {
    assertThat(LogIntake.pathOf("/" + "a".repeat(length))).hasSize(LogIntake.MAX_PATH_CHARS);
  }
}
