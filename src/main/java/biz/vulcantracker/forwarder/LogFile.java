package biz.vulcantracker.forwarder;

import biz.vulcantracker.logformat.LogFormat;
import biz.vulcantracker.logformat.LogLineException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One open access log. Its identity is a fingerprint of its first line (up to 1 KB, without the
 * client address), not its inode: the same content has the same identity after a rename (rotation)
 * and in a copy (an import of the same file again), while a truncated or recreated file starts a new
 * identity. Batch ids are built from it, which is what lets the endpoint recognise a batch it has
 * already counted.
 */
final class LogFile implements Closeable {

  static final int FINGERPRINT_BYTES = 1024;
  /** The endpoint's body limit: a single line can never be longer than this in one batch. */
  private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

  private final Path path;
  private final FileChannel channel;
  private final Object fileKey;

  private LogFile(Path path, FileChannel channel, Object fileKey) {
    this.path = path;
    this.channel = channel;
    this.fileKey = fileKey;
  }

  /** The file, or empty while it does not exist (between a rotation's rename and the new file). */
  static Optional<LogFile> open(Path path) throws IOException {
    try {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      return Optional.of(new LogFile(path, channel, Files.readAttributes(path, BasicFileAttributes.class).fileKey()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  Path path() {
    return path;
  }

  long size() throws IOException {
    return channel.size();
  }

  /**
   * The fingerprint, once the first line is complete (or 1 KB long). It goes into batch ids, which
   * the endpoint keeps for days: a line of {@code format} is digested without its client address.
   */
  Optional<String> fingerprint(LogFormat format) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(FINGERPRINT_BYTES);
    while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
      // read until the buffer is full or the file ends
    }
    byte[] bytes = head.flip().array();
    int length = head.limit();
    int newline = indexOf(bytes, 0, length, (byte) '\n');
    if (newline < 0 && length < FINGERPRINT_BYTES) {
      return Optional.empty();
    }
    int end = newline < 0 ? length : newline + 1;
    String first = new String(bytes, 0, end, StandardCharsets.UTF_8);
    try {
      first = format.parse(bytes, 0, newline < 0 ? end : newline).withoutClient(first);
    } catch (LogLineException e) {
      // not a line of the format: it has no address the endpoint would read either
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return Optional.of(HexFormat.of().formatHex(sha.digest(first.getBytes(StandardCharsets.UTF_8)), 0, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** True while {@code path} still names this file (false after a rename or delete). */
  boolean isStillAtPath() throws IOException {
    try {
      return Objects.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey(), fileKey);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * The complete lines from {@code offset}, at most {@code maxBytes} of them (a single longer line
   * alone); with {@code toEnd} a last line without a newline counts too (the file is complete).
   */
  LineBatch read(long offset, int maxBytes, boolean toEnd) throws IOException {
    int window = maxBytes;
    while (true) {
      long available = channel.size() - offset;
      int length = (int) Math.max(0, Math.min(window, available));
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // fill
      }
      byte[] bytes = buffer.array();
      int filled = buffer.position();
      int lastNewline = lastIndexOf(bytes, filled, (byte) '\n');
      boolean reachedEnd = offset + filled >= channel.size();
      int end;
      if (toEnd && reachedEnd && filled > 0) {
        end = filled;
      } else if (lastNewline >= 0) {
        end = lastNewline + 1;
      } else if (filled == window && window < MAX_BATCH_BYTES) {
        window = Math.min(MAX_BATCH_BYTES, window * 2); // one line longer than a batch: read it alone
        continue;
      } else {
        end = 0;
      }
      byte[] lines = end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end);
      return new LineBatch(offset, offset + end, lines, !reachedEnd || end < filled);
    }
  }

  private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] bytes, int length, byte wanted) {
    for (int i = length - 1; i >= 0; i--) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /**
   * Lines {@code [start, end)} of the file.
   *
   * @param full true when more bytes were waiting behind the batch (it was cut by size, not by the file's end)
   */
  record LineBatch(long start, long end, byte[] bytes, boolean full) {
    boolean isEmpty() {
      return end == start;
    }
  }
}
