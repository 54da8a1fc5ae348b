package biz.vulcantracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a playwright-core script of src/test/web with node (Debian's Chromium, never a downloaded
 * browser; deploy/test.sh installs both) and returns the JSON line it prints last.
 */
public final class BrowserScripts {

  public static final Path WEB = Path.of("src/test/web");

  private BrowserScripts() {}

  public static JsonNode run(String script, String... args) throws Exception {
    assertThat(WEB.resolve("node_modules/playwright-core")).as("npm install in src/test/web (deploy/test.sh does it)").exists();
    Path output = Files.createTempFile("browser", ".out");
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command)
        .directory(WEB.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    boolean finished = process.waitFor(120, TimeUnit.SECONDS);
    String printed = Files.readString(output);
    Files.delete(output);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("the browser run finished: " + printed).isTrue();
    assertThat(process.exitValue()).as(printed).isZero();
    String[] lines = printed.strip().split("\n");
    return ApiClient.json(lines[lines.length - 1]);
  }
}
