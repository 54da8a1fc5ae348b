package biz.vulcantracker.forwarder;

import biz.vulcantracker.common.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The forwarder's position: which file (its fingerprint) and how far into it every line has been
 * accepted by the endpoint. Written after each accepted batch, atomically (a temporary file, fsync,
 * rename), so after a crash the file holds either the old or the new position, never half of one.
 */
record ForwarderState(String fingerprint, long offset) {


  static Optional<ForwarderState> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Json.MAPPER.readValue(file.toFile(), ForwarderState.class));
  }

  void write(Path file) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(this)));
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
