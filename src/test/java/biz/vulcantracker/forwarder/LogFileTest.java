package biz.vulcantracker.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.logformat.LogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log file's fingerprint goes into the batch ids the endpoint keeps for days: it names the file's
 * first line but not the client address in it (a digest of a known line with its address could be
 * reversed by trying every IPv4 address).
 */
class LogFileTest {

  private static final LogFormat COMBINED = LogFormat.of("combined");
  private static final String LINE = "%s - - [29/Nov/2026:10:00:00 +0000] \"GET /pricing HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\"\n";

  @TempDir
  Path directory;

  @Test
  void theFingerprintNamesTheFirstLineWithoutItsAddress() throws Exception {
    String first = fingerprint("a.log", LINE.formatted("203.0.113.45") + "more\n").orElseThrow();
    assertThat(fingerprint("b.log", LINE.formatted("198.51.100.7") + "other\n")).contains(first);
    assertThat(fingerprint("c.log", LINE.formatted("2001:db8::1"))).contains(first);
    assertThat(fingerprint("d.log", LINE.formatted("203.0.113.45").replace("/pricing", "/docs"))).isNotEqualTo(Optional.of(first));
    // A first line the format cannot read is digested as it is.
    assertThat(fingerprint("e.log", "not a log line\n")).isPresent().isNotEqualTo(Optional.of(first));
    // No fingerprint until the first line is complete.
    assertThat(fingerprint("f.log", "203.0.113.45 - - [29/Nov")).isEmpty();
  }

  private Optional<String> fingerprint(String name, String content) throws Exception {
    Path file = Files.writeString(directory.resolve(name), content);
    try (LogFile log = LogFile.open(file).orElseThrow()) {
      return log.fingerprint(COMBINED);
    }
  }
}
