package biz.vulcantracker.beacon.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on disk: records in order, the read position kept across restarts, torn tails cut off. */
class SpoolFileTest {

  @TempDir Path directory;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void recordsComeBackInOrderAndTheReadPositionSurvivesAReopen() throws Exception {
    try (SpoolFile spool = SpoolFile.open(directory)) {
      spool.append(bytes("one"));
      spool.append(bytes("two"));
      spool.append(bytes("three"));
      assertThat(text(spool.next().orElseThrow())).isEqualTo("one");
      spool.advance(3);
    }
    try (SpoolFile spool = SpoolFile.open(directory)) {
      assertThat(text(spool.next().orElseThrow())).isEqualTo("two");
      spool.advance(3);
      assertThat(text(spool.next().orElseThrow())).isEqualTo("three");
      assertThat(spool.backlog()).isEqualTo(8 + 5);
    }
  }

  @Test
  void replayingTheLastRecordEmptiesTheFile() throws Exception {
    try (SpoolFile spool = SpoolFile.open(directory)) {
      spool.append(bytes("only"));
      spool.advance(spool.next().orElseThrow().length);
      assertThat(spool.size()).isZero();
      assertThat(spool.next()).isEmpty();
      spool.append(bytes("after"));
      assertThat(text(spool.next().orElseThrow())).isEqualTo("after");
    }
  }

  @Test
  void aRecordTornByACrashIsCutOffWhenTheSpoolOpens() throws Exception {
    try (SpoolFile spool = SpoolFile.open(directory)) {
      spool.append(bytes("kept"));
    }
    // Half a record: its header claims 100 bytes, 3 made it to disk.
    try (FileChannel file = FileChannel.open(directory.resolve("hits.spool"), StandardOpenOption.APPEND)) {
      file.write(ByteBuffer.allocate(11).putInt(100).putInt(42).put(bytes("abc")).flip());
    }
    try (SpoolFile spool = SpoolFile.open(directory)) {
      assertThat(spool.size()).isEqualTo(8 + 4);
      assertThat(text(spool.next().orElseThrow())).isEqualTo("kept");
    }
  }

  @Test
  void aRecordWhoseChecksumFailsEndsTheSpool() throws Exception {
    try (SpoolFile spool = SpoolFile.open(directory)) {
      spool.append(bytes("good"));
      spool.append(bytes("bad!"));
    }
    byte[] content = Files.readAllBytes(directory.resolve("hits.spool"));
    content[content.length - 1] ^= 1;
    Files.write(directory.resolve("hits.spool"), content);
    try (SpoolFile spool = SpoolFile.open(directory)) {
      assertThat(spool.size()).isEqualTo(8 + 4);
      assertThat(text(spool.next().orElseThrow())).isEqualTo("good");
    }
  }

  @Test
  void theSpoolKeepsItsIdAcrossReopens() throws Exception {
    String id;
    try (SpoolFile spool = SpoolFile.open(directory)) {
      id = spool.id();
    }
    try (SpoolFile spool = SpoolFile.open(directory)) {
      assertThat(spool.id()).isEqualTo(id).hasSize(36);
    }
  }
}
