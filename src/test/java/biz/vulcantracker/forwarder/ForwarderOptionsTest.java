package biz.vulcantracker.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The forwarder's command line: the token never on it, the log never sent in the clear over a network. */
class ForwarderOptionsTest {

  private static final Map<String, String> TOKEN_IN_ENVIRONMENT = Map.of("VULCAN_INGEST_TOKEN", "secret-token");

  private static List<String> args(String url) {
    return List.of("--url", url, "--site", "a.example", "--file", "access.log");
  }

  @Test
  void aTokenOnTheCommandLineIsRefused() {
    List<String> withToken = List.of("--url", "https://stats.example/api/v1/beacon/log", "--site", "a.example",
        "--file", "access.log", "--token", "secret-token");
    assertThatThrownBy(() -> ForwarderOptions.parse(withToken, Map.of())).hasMessageContaining("--token is refused");
  }

  @Test
  void theTokenComesFromTheEnvironmentOrAFile(@TempDir Path directory) throws Exception {
    assertThat(ForwarderOptions.parse(args("https://stats.example/log"), TOKEN_IN_ENVIRONMENT).token()).isEqualTo("secret-token");
    Path file = directory.resolve("token");
    Files.writeString(file, "from-file\n");
    List<String> withFile = List.of("--url", "https://stats.example/log", "--site", "a.example", "--file", "access.log",
        "--token-file", file.toString());
    assertThat(ForwarderOptions.parse(withFile, Map.of()).token()).isEqualTo("from-file");
    assertThatThrownBy(() -> ForwarderOptions.parse(args("https://stats.example/log"), Map.of()))
        .hasMessageContaining("VULCAN_INGEST_TOKEN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://stats.example/log", "http://10.0.0.5/log", "http://127.0.0.1.nip.io/log", "ftp://stats.example/log"})
  void plainHttpOffThisMachineIsRefused(String url) {
    assertThatThrownBy(() -> ForwarderOptions.parse(args(url), TOKEN_IN_ENVIRONMENT)).hasMessageContaining("https://");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://stats.example/log", "http://127.0.0.1:8080/log", "http://localhost:8080/log", "http://[::1]:8080/log"})
  void httpsOrLoopbackIsTaken(String url) {
    assertThat(ForwarderOptions.parse(args(url), TOKEN_IN_ENVIRONMENT).url().toString()).isEqualTo(url);
  }
}
